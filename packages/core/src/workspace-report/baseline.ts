import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { CoverageConfig } from '../config/types';
import { ConfigError, DataError } from '../errors';
import { projectsDataPath, workspaceDataPath } from '../layout';
import { COVERAGE_FILE, META_FILE } from '../store/format';
import { toPosix } from '../workspace-path';
import type { Baseline } from '../report/markdown';

/** Where the baseline comes from: a path (data dir, merged folder or file), or a git ref holding the merged data. */
export type BaselineSource = { path: string } | { ref: string };

/**
 * Reads the coverage to compare with. A path may be a data dir (its `workspace/` merged data,
 * else its `projects/`), a merged folder or a coverage-final.json. A ref reads
 * `<dataDir>/workspace/coverage-final.json` (and its meta.json) as committed at that ref, e.g.
 * on a branch CI pushes the main branch's merged data to. Sources are not checked against the
 * workspace: the baseline was made from other code on purpose.
 */
export function loadBaseline(source: BaselineSource, options: { workspaceRoot: string; config: CoverageConfig }): Baseline {
  const workspaceRoot = resolve(options.workspaceRoot);
  if ('ref' in source) return fromGit(source.ref, workspaceRoot, options.config);
  const path = resolve(workspaceRoot, source.path);
  const label = toPosix(relative(workspaceRoot, path)) || '.';
  if (!existsSync(path)) throw new DataError(`baseline ${label}: no such file or folder`, path);
  let input = path;
  if (statSync(path).isDirectory()) {
    const merged = join(workspaceDataPath(path), COVERAGE_FILE);
    if (existsSync(merged)) input = merged;
    else if (existsSync(projectsDataPath(path))) input = projectsDataPath(path);
  }
  return read(input, label, workspaceRoot, options.config);
}

function fromGit(ref: string, workspaceRoot: string, config: CoverageConfig): Baseline {
  const folder = workspaceDataPath(config.run.dataDir);
  const dir = mkdtempSync(join(tmpdir(), 'monocov-baseline-'));
  try {
    for (const name of [COVERAGE_FILE, META_FILE]) {
      let bytes: Buffer;
      try {
        // `<ref>:./<path>` is relative to the cwd, so a workspace inside a larger repository works too;
        // --end-of-options keeps a ref such as `--output=…` from being read as an option.
        bytes = execFileSync('git', ['show', '--end-of-options', `${ref}:./${folder}/${name}`], {
          cwd: workspaceRoot,
          stdio: ['ignore', 'pipe', 'pipe'],
          maxBuffer: 1024 * 1024 * 1024,
        });
      } catch (error) {
        if (name === META_FILE) continue; // optional: without it rows are grouped by today's projects
        const reason = String((error as { stderr?: Buffer }).stderr ?? (error as Error).message)
          .trim()
          .split('\n')[0];
        throw new DataError(`baseline ${ref}: ${folder}/${name} cannot be read from git (${reason}); commit the merged data there, or pass --baseline <folder>`);
      }
      writeFileSync(join(dir, name), bytes);
    }
    return read(join(dir, COVERAGE_FILE), ref, workspaceRoot, config);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function read(input: string, label: string, workspaceRoot: string, config: CoverageConfig): Baseline {
  // Loaded here: the package's entry exports baselineSource, and every Nx task loads that entry.
  const { combineCoverage } = require('../combine') as typeof import('../combine');
  const merged = combineCoverage({ workspaceRoot, inputs: [input], paths: config.paths, checkSources: false });
  if (merged.problems.length > 0 || merged.inputs.length === 0) {
    const reasons = merged.problems.map((problem) => problem.message).join('; ') || 'no coverage-final.json found';
    throw new DataError(`baseline ${label}: ${reasons}`);
  }
  return { label, coverage: merged.coverage, projects: merged.projects };
}

/**
 * The baseline a report compares with, from the caller's two settings (a file, a git ref): at
 * most one may be given. `names` are those settings as the user writes them, for the error.
 */
export function baselineSource(path: string | undefined, ref: string | undefined, names: { path: string; ref: string }): BaselineSource | undefined {
  if (path !== undefined && ref !== undefined) throw new ConfigError(`${names.path} and ${names.ref} both name a baseline; give one`);
  if (path !== undefined) return { path };
  return ref === undefined ? undefined : { ref };
}
