import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { CoverageMapData, FileCoverageData } from 'istanbul-lib-coverage';
import type { ContextsData } from './contexts/data';
import { DataError } from './errors';
import { writeFileAtomic } from './fs-atomic';
import { jsonObjectEntries } from './json-entries';
import { stableStringify } from './stable-json';

/**
 * Version of the per-project data layout (coverage-final.json + meta.json).
 * History:
 *   1 — first release: istanbul JSON keyed by workspace-relative POSIX paths; meta.json with
 *       tool, project, target, node, config hash and a content hash per source file.
 */
export const FORMAT_VERSION = 1;

export const COVERAGE_FILE = 'coverage-final.json';
export const META_FILE = 'meta.json';
/** Which tests ran each line (`run.contexts: "test"`); see contexts/data.ts. */
export const CONTEXTS_FILE = 'contexts.json';

export interface ProjectMeta {
  formatVersion: number;
  tool: { name: string; version: string };
  project: string;
  projectRoot: string;
  target: string;
  node: string;
  configHash: string;
  collector: string;
  /** Exit status of the test command the data came from; data is kept even when tests fail. */
  tests: { exitCode: number | null; signal: string | null };
  /** sha256 (hex, first 16 chars) of each source file's content when the data was collected. */
  sources: Record<string, string>;
  /** Only when something was left out (docs/security.md, "degrade, do not abort"). */
  dropped?: DroppedData;
}

/**
 * What a run left out rather than fail: test processes whose raw V8 file was malformed (their
 * hits are missing) and sources Babel could not parse (workspace-relative, sorted).
 */
export interface DroppedData {
  processes: number;
  sources: string[];
}

/** Folder of one project's data: `<dataDir>/projects/<projectRoot>`; the root project is `projects/.root`. */
export function projectDataDir(workspaceRoot: string, dataDir: string, projectRoot: string): string {
  const normalized = toPosix(projectRoot).replace(/^\.\/?/, '').replace(/\/$/, '');
  return join(workspaceRoot, dataDir, 'projects', normalized === '' ? '.root' : normalized);
}

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** Workspace-relative POSIX path, or undefined when `absPath` lies outside the workspace. */
export function workspaceRelative(workspaceRoot: string, absPath: string): string | undefined {
  const rel = relative(workspaceRoot, absPath);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return toPosix(rel);
}

export function hashContent(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

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

/** Writes coverage-final.json, contexts.json and meta.json atomically; returns the folder written. */
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
  if (dropped && (dropped.processes > 0 || dropped.sources.length > 0)) meta.dropped = { processes: dropped.processes, sources: [...dropped.sources].sort() };
  const dir = projectDataDir(workspaceRoot, dataDir, projectRoot);
  // Coverage first, meta last: a meta.json is the mark of a complete data folder.
  writeFileAtomic(join(dir, COVERAGE_FILE), stableStringify(coverage));
  if (options.contexts) writeFileAtomic(join(dir, CONTEXTS_FILE), stableStringify(options.contexts));
  else rmSync(join(dir, CONTEXTS_FILE), { force: true });
  writeFileAtomic(join(dir, META_FILE), stableStringify(meta, 2));
  return dir;
}

/**
 * Files up to this size are parsed as one string; larger ones (a merged file of thousands of
 * projects) entry by entry, since one string of them would pass V8's limit of about 512 MiB.
 */
const WHOLE_PARSE_LIMIT = 256 * 2 ** 20;

/** Reads one istanbul JSON file, checking its shape at the door so a bad file is named, not crashed on. */
export function readCoverageFile(path: string): CoverageMapData {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new DataError(`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, path);
  }
  const coverage: CoverageMapData = Object.create(null);
  try {
    const entries = bytes.length > WHOLE_PARSE_LIMIT ? jsonObjectEntries(bytes) : wholeObjectEntries(bytes, path);
    for (const [key, file] of entries) {
      if (!isFileCoverageData(file)) {
        throw new DataError(`${path}: entry "${key}" is not istanbul file coverage (needs path, statementMap, s, fnMap, f, branchMap, b)`, path);
      }
      coverage[key] = file;
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`${path}: is not valid JSON (${(error as Error).message}); the file may be truncated`, path);
  }
  return coverage;
}

function wholeObjectEntries(bytes: Buffer, path: string): Array<[string, unknown]> {
  const parsed: unknown = JSON.parse(bytes.toString('utf8'));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new DataError(`${path}: is not istanbul coverage data (expected an object keyed by file path)`, path);
  }
  return Object.entries(parsed);
}

function isFileCoverageData(value: unknown): value is FileCoverageData {
  if (value === null || typeof value !== 'object') return false;
  const file = value as Record<string, unknown>;
  return (
    typeof file.path === 'string' &&
    ['statementMap', 's', 'fnMap', 'f', 'branchMap', 'b'].every(
      (key) => file[key] !== null && typeof file[key] === 'object' && !Array.isArray(file[key]),
    )
  );
}

/** A small JSON file of ours (meta.json, contexts.json); unreadable or malformed is a DataError naming it. */
export function readJsonFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DataError(`${path}: cannot be read as JSON (${(error as Error).message})`, path);
  }
}

/** Reads meta.json; a format version other than ours is a DataError that says which tool wrote it. */
export function readProjectMeta(path: string): ProjectMeta {
  const meta = readJsonFile(path) as ProjectMeta;
  if (meta?.formatVersion !== FORMAT_VERSION) {
    const writer = meta?.tool?.version ? ` (written by monocov ${meta.tool.version})` : '';
    throw new DataError(
      `${path}: data format version ${String(meta?.formatVersion)}${writer} is not the version this monocov reads (${FORMAT_VERSION}); re-run coverage with one monocov version`,
      path,
    );
  }
  return meta;
}
