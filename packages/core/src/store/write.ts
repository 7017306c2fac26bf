import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { CoverageMapData } from 'istanbul-lib-coverage';
import { OUTPUT_NAMES, recoverFolders, replaceFolder, STAGING_FOLDER, writeFileAtomic } from '../fs-atomic';
import { stableCoverageJson, stableStringify } from '../stable-json';
import { projectDataDir } from '../layout';
import { toPosix, workspaceRelative } from '../workspace-path';
import { CONTEXTS_FILE, COVERAGE_FILE, FORMAT_VERSION, META_FILE, hashContent, type ContextsData, type EndedWith, type ProjectMeta } from './format';
import { readDataMeta, readJsonFile } from './read';

/**
 * Rewrites absolute keys and `path` fields to workspace-relative ones, which is what makes the
 * data portable between clones, machines and cache restores. Files outside the workspace are
 * dropped: they cannot be reported on in another clone.
 */
export function toPortableCoverage(coverage: CoverageMapData, workspaceRoot: string): CoverageMapData {
  const portable: CoverageMapData = {};
  for (const [key, file] of Object.entries(coverage)) {
    const rel = isAbsolute(key) ? workspaceRelative(workspaceRoot, key) : toPosix(key);
    if (rel === undefined) continue;
    portable[rel] = { ...file, path: rel };
  }
  return portable;
}

export interface WriteProjectDataOptions {
  workspaceRoot: string;
  dataDir: string;
  projectRoot: string;
  /** Keyed by workspace-relative paths, as toPortableCoverage gives it. */
  coverage: CoverageMapData;
  meta: Omit<ProjectMeta, 'formatVersion' | 'sources'>;
  /** Which tests ran each line (`run.contexts: "test"`); without it an old contexts.json is removed. */
  contexts?: ContextsData;
  /**
   * The content hash (hashContent) of sources already read for this data, by absolute path: the
   * conversion read each file to build its maps, so meta.json records the content the maps were
   * made from, and the file is not read again. Sources not in it are read here.
   */
  sourceHashes?: ReadonlyMap<string, string>;
}

/** Writes coverage-final.json, contexts.json and meta.json as one unit; returns the folder written. */
export function writeProjectData(options: WriteProjectDataOptions): string {
  const { workspaceRoot, dataDir, projectRoot, coverage } = options;
  const sources: Record<string, string> = {};
  for (const rel of Object.keys(coverage)) {
    const abs = join(workspaceRoot, rel);
    const known = options.sourceHashes?.get(abs);
    if (known !== undefined) sources[rel] = known;
    else if (existsSync(abs)) sources[rel] = hashContent(readFileSync(abs));
  }
  const { dropped, ...rest } = options.meta;
  const meta: ProjectMeta = { formatVersion: FORMAT_VERSION, ...rest, sources };
  if (dropped && (dropped.processes > 0 || (dropped.scripts ?? 0) > 0 || (dropped.ambiguous ?? 0) > 0 || dropped.sources.length > 0)) {
    meta.dropped = {
      processes: dropped.processes,
      ...(dropped.scripts ? { scripts: dropped.scripts } : {}),
      ...(dropped.ambiguous ? { ambiguous: dropped.ambiguous } : {}),
      sources: [...dropped.sources].sort(),
    };
  }
  const files = new Map<string, Buffer>([[COVERAGE_FILE, Buffer.from(stableCoverageJson(coverage))]]);
  if (options.contexts) files.set(CONTEXTS_FILE, Buffer.from(stableStringify(options.contexts)));
  files.set(META_FILE, Buffer.from(stableStringify(meta, 2)));
  const dir = projectDataDir(workspaceRoot, dataDir, projectRoot);
  const stagingRoot = join(workspaceRoot, dataDir, STAGING_FOLDER);
  // A run that changed nothing (same sources, same hits: most projects of a warm workspace run)
  // writes nothing. A writer killed on the way is finished or undone first, as a write would.
  recoverFolders(stagingRoot);
  if (holdsExactly(dir, files)) return dir;
  // The folder is replaced as one unit: no coverage-final.json of this run beside a meta.json of
  // another after a kill or a full disk. Its staging folder is outside projects/, where data is read.
  replaceFolder(dir, stagingRoot, (staging) => {
    for (const [name, bytes] of files) writeFileSync(join(staging, name), bytes);
  });
  return dir;
}

/** Whether `dir` holds these files byte for byte and no other output a write would remove. */
function holdsExactly(dir: string, files: ReadonlyMap<string, Buffer>): boolean {
  for (const name of OUTPUT_NAMES) {
    const expected = files.get(name);
    let actual: Buffer | undefined;
    try {
      actual = readFileSync(join(dir, name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return false; // a folder of that name, unreadable: a write settles it
    }
    if (expected === undefined ? actual !== undefined : actual === undefined || !actual.equals(expected)) return false;
  }
  return true;
}

/**
 * Records on a project's data that a later run recorded nothing (meta.json `laterRun`), leaving
 * the data itself as it was. Returns the folder, or undefined when it holds no readable data.
 */
export function recordRunWithoutTests(options: { workspaceRoot: string; dataDir: string; projectRoot: string; ended: EndedWith }): string | undefined {
  const dir = projectDataDir(options.workspaceRoot, options.dataDir, options.projectRoot);
  const metaPath = join(dir, META_FILE);
  if (!existsSync(metaPath) || !existsSync(join(dir, COVERAGE_FILE))) return undefined;
  try {
    if (readDataMeta(metaPath).kind !== 'project') return undefined;
  } catch {
    return undefined; // unreadable or of another version: the merge names it already
  }
  const { exitCode, signal } = options.ended;
  writeFileAtomic(metaPath, stableStringify({ ...(readJsonFile(metaPath) as ProjectMeta), laterRun: { exitCode, signal } }, 2));
  return dir;
}
