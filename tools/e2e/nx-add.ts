/**
 * Issue 15's adoption scenarios (a)–(c): a workspace modelled on a real public one, installed
 * by its own package manager from the local registry, adopts monocov in one command —
 * `nx add @monocov/nx` — and `nx run-many -t coverage` then measures every tested project on the
 * first try, gives untested ones (apps without tests, e2e projects) no coverage target, and ends
 * with a merged report listing every tested project's files; a second run is all cache hits.
 * A scenario adds steps of its own on the same workspace through what nxAddScenario returns.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  commitAll,
  filesContaining,
  installedWorkspace,
  log,
  ourVersion,
  readJson,
  removeDir,
  REPO_ROOT,
  run,
  type InstalledWorkspace,
  type PackageManager,
  type RunResult,
  snapshotFiles,
} from './lib';

export interface NxAddScenario {
  /** Names the temp folder and the tests. */
  name: string;
  manager: PackageManager;
  /** The workspace before adoption: sources, manifests, nx.json, lockfile-free. */
  files: Record<string, string>;
  /** Extra environment for every command (yarn's settings). */
  env?: NodeJS.ProcessEnv;
  /** Tested projects: name → the workspace-relative source files their tests measure. */
  tested: Record<string, string[]>;
  /** Projects that must get no coverage target (apps without tests, e2e projects). */
  untested: string[];
  /** Sections the user adds to the .coveragerc.json init wrote, before the first run (each merged over init's). */
  coverageRc?: Record<string, Record<string, unknown>>;
}

/** What a scenario's own steps after the adoption use: the workspace, and nx through its package manager. */
export interface NxAddSteps {
  workspace(): InstalledWorkspace;
  nx(args: string[]): RunResult;
  nxOk(args: string[]): string;
}

/** `nx` through the package manager, as the workspace's own docs say to run it. */
function nxArgs(manager: PackageManager, args: string[]): [string, string[]] {
  return manager === 'npm' ? ['npx', ['--no-install', 'nx', ...args]] : [manager, ['exec', 'nx', ...args]];
}

export function nxAddScenario(spec: NxAddScenario): NxAddSteps {
  let created: InstalledWorkspace | undefined;
  let firstRun: Record<string, string>;
  const ws = (): InstalledWorkspace => {
    if (!created) throw new Error('no workspace: the install step failed');
    return created;
  };
  const nx = (args: string[]) => {
    const [command, full] = nxArgs(spec.manager, args);
    return run(ws().shell, ws().root, command, full);
  };
  const nxOk = (args: string[]) => {
    const result = nx(args);
    if (result.status !== 0) throw new Error(`nx ${args.join(' ')} exited ${result.status}:\n${result.output}`);
    return result.output;
  };
  const testedProjects = Object.keys(spec.tested).sort();

  test.after(() => {
    if (created) removeDir(created.scratch);
  });

  test(`${spec.name}: ${spec.manager} installs the workspace from the registry`, async () => {
    created = await installedWorkspace(spec.name, { manager: spec.manager, files: spec.files, env: spec.env });
    log(`workspace ${created.root}`);
  });

  test(`${spec.name}: nx add @monocov/nx installs both packages by name and sets the workspace up`, () => {
    const output = nxOk(['add', '@monocov/nx']);
    log(output.trim().split('\n').slice(-20).join('\n  '));
    const manifest = readJson(join(ws().root, 'package.json'));
    assert.ok(manifest.devDependencies?.['@monocov/nx'], `@monocov/nx in devDependencies: ${JSON.stringify(manifest.devDependencies)}`);
    assert.is(readJson(join(ws().root, 'node_modules/@monocov/nx/package.json')).version, ourVersion('@monocov/nx'));
    assert.is(readJson(join(ws().root, 'node_modules/@monocov/core/package.json')).version, ourVersion('@monocov/core'));
    const plugins: unknown[] = readJson(join(ws().root, 'nx.json')).plugins ?? [];
    assert.ok(
      plugins.some((plugin) => plugin === '@monocov/nx' || (plugin as { plugin?: string }).plugin === '@monocov/nx'),
      'plugin registered in nx.json',
    );
    assert.match(readFileSync(join(ws().root, '.gitignore'), 'utf8'), /^\/coverage$/m);
    if (spec.coverageRc) {
      const rcFile = join(ws().root, '.coveragerc.json');
      const rc = readJson(rcFile);
      for (const [section, settings] of Object.entries(spec.coverageRc)) rc[section] = { ...rc[section], ...settings };
      writeFileSync(rcFile, `${JSON.stringify(rc, null, 2)}\n`);
    }
    commitAll(ws().shell, ws().root, 'nx add @monocov/nx');
  });

  test(`${spec.name}: a coverage target for each tested project (${testedProjects.join(', ')}), none for ${spec.untested.join(', ')}`, () => {
    const graphFile = join(ws().scratch, 'graph.json');
    nxOk(['graph', `--file=${graphFile}`]);
    const nodes = readJson(graphFile).graph.nodes as Record<string, { data: { targets?: Record<string, { executor?: string }> } }>;
    const withCoverage = Object.keys(nodes)
      .filter((project) => nodes[project]!.data.targets?.coverage?.executor === '@monocov/nx:coverage')
      .sort();
    assert.equal(withCoverage, testedProjects);
    for (const project of spec.untested) assert.ok(nodes[project], `${project} is a project of the graph`);
  });

  test(`${spec.name}: nx run-many -t coverage measures every tested project on the first try and the merged report lists them all`, () => {
    const output = nxOk(['run-many', '-t', 'coverage']);
    const merged = readJson(join(ws().root, 'coverage/workspace/coverage-final.json'));
    assert.equal(Object.keys(merged).sort(), Object.values(spec.tested).flat().sort(), 'files in the merged coverage-final.json');
    for (const [project, files] of Object.entries(spec.tested)) {
      for (const file of files) {
        const hits = Object.values<number>(merged[file].s);
        assert.ok(
          hits.some((count) => count > 0),
          `${project}: ${file} has covered statements`,
        );
      }
    }
    assert.not.match(output, /no data —/);
    assert.equal(filesContaining(join(ws().root, 'coverage'), [ws().root, ws().scratch, REPO_ROOT, tmpdir() + '/']), [], 'data and reports holding an absolute path');
    firstRun = snapshotFiles(join(ws().root, 'coverage'));
  });

  test(`${spec.name}: a second run is all cache hits and leaves the same bytes`, () => {
    const output = nxOk(['run-many', '-t', 'coverage']);
    assert.match(output, /from the cache instead of running the command for (\d+) out of \1 tasks/);
    assert.equal(snapshotFiles(join(ws().root, 'coverage')), firstRun);
  });

  return { workspace: ws, nx, nxOk };
}
