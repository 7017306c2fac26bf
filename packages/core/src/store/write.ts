import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { CoverageMapData } from 'istanbul-lib-coverage';
import { replaceFolder, STAGING_FOLDER, writeFileAtomic } from '../fs-atomic';
import { stableStringify } from '../stable-json';
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
  /** Keyed by absolute or workspace-relative paths. */
  coverage: CoverageMapData;
  meta: Omit<ProjectMeta, 'formatVersion' | 'sources'>;
  /** Which tests ran each line (`run.contexts: "test"`); without it an old contexts.json is removed. */
  contexts?: ContextsData;
}

/** Writes coverage-final.json, contexts.json and meta.json as one unit; returns the folder written. */
export function writeProjectData(options: WriteProjectDataOptions): string {
  const { workspaceRoot, dataDir, projectRoot } = options;
  const coverage = toPortableCoverage(options.coverage, workspaceRoot);
  const sources: Record<string, string> = {};
  for (const rel of Object.keys(coverage)) {
    const abs = join(workspaceRoot, rel);
    if (existsSync(abs)) sources[rel] = hashContent(readFileSync(abs));
  }
  const { dropped, ...rest } = options.meta;
  const meta: ProjectMeta = { formatVersion: FORMAT_VERSION, ...rest, sources };
  if (dropped && (dropped.processes > 0 || (dropped.scripts ?? 0) > 0 || dropped.sources.length > 0)) {
    meta.dropped = { processes: dropped.processes, ...(dropped.scripts ? { scripts: dropped.scripts } : {}), sources: [...dropped.sources].sort() };
  }
  const dir = projectDataDir(workspaceRoot, dataDir, projectRoot);
  // The folder is replaced as one unit: no coverage-final.json of this run beside a meta.json of
  // another after a kill or a full disk. Its staging folder is outside projects/, where data is read.
  replaceFolder(dir, join(workspaceRoot, dataDir, STAGING_FOLDER), (staging) => {
    writeFileSync(join(staging, COVERAGE_FILE), stableStringify(coverage));
    if (options.contexts) writeFileSync(join(staging, CONTEXTS_FILE), stableStringify(options.contexts));
    writeFileSync(join(staging, META_FILE), stableStringify(meta, 2));
  });
  return dir;
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
