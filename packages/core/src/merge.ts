import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { BranchMapping, CoverageMapData, FileCoverageData, FunctionMapping, Range } from 'istanbul-lib-coverage';
import type { ProjectCompleteness } from './completeness';
import { addLine, fromContextsData, readContextsFile, toContextsData, type ContextsData, type LinesByTest } from './contexts/data';
import { DataError } from './errors';
import { createPathMapper } from './paths';
import { CONTEXTS_FILE, COVERAGE_FILE, META_FILE, hashContent, readCoverageFile, readProjectMeta, toPosix } from './store';
import { stableStringify } from './stable-json';

/**
 * `monocov merge`'s engine, coverage.py's `combine` for istanbul data.
 *
 * Merge rules (istanbul-lib-coverage's FileCoverage.merge, made n-ary and order-free):
 * - Files are merged by workspace-relative path after `paths` remapping: a file reached from
 *   several projects is listed once, with the hits of every project.
 * - Statements, functions and branches are matched by source location, never by index. When
 *   every input has the same map for a file (the usual case: one source, one converter) the
 *   keys are kept and hits added key by key. When maps differ, the union of locations is
 *   re-indexed in source order, and an item missing from one input takes the hits of that
 *   input's narrowest range containing it (istanbul's rule for coarser ranges).
 * - Sums are taken over all inputs at once, so the result does not depend on input order, and
 *   are capped at Number.MAX_SAFE_INTEGER so JSON stays exact.
 * - Inputs with `all: true` (placeholders for never-loaded files) give way to real data.
 * - Only the istanbul fields (path, maps, hits, bT, all) are carried over; inputs are never
 *   mutated, modified on disk or deleted (coverage.py's combine deletes them unless `--keep`).
 * - A data file whose bytes (with its meta.json) equal those of one already merged is a copy of
 *   the same run — an artifact downloaded twice, a shard folder given twice — and is counted
 *   once, as coverage.py's combine skips duplicate data files.
 * - A file edited or deleted since its data was collected (meta.json `sources` hashes) has that
 *   data left out and reported: its line numbers would point at the wrong code.
 * - Test contexts (contexts.json beside a data file) merge as the union of the tests per line,
 *   under the same path remapping and staleness rules.
 * - Every input is checked at the door. A file that cannot be used (not JSON, not coverage
 *   data, a meta.json of another format version, hostile keys, counts that are not whole
 *   numbers, paths outside the workspace that `paths` does not map) is skipped whole and
 *   reported as a DataError naming it; the caller decides whether that is fatal.
 */

export interface MergeOptions {
  /** Absolute path of the workspace the data is mapped onto. */
  workspaceRoot: string;
  /** Data files and folders, absolute or relative to `workspaceRoot`. A folder is searched for coverage-final.json files. */
  inputs: string[];
  /** `config.paths`: where the workspace lived when data was written elsewhere. */
  paths?: Record<string, string[]>;
  /** Folders never searched inside an input folder (the merged output, so it is not counted twice). */
  exclude?: string[];
  /**
   * Leave out (and report) a file's data when the file changed or was deleted since the data was
   * collected, judged by the content hash in meta.json `sources` (default true). Line endings
   * do not count: a CRLF checkout matches data made from an LF one.
   */
  checkSources?: boolean;
}

export interface MergedProject {
  /** Workspace-relative POSIX folder ('.' for the root project), from meta.json. */
  projectRoot: string;
  /** Project name, from meta.json. */
  project: string;
  /** Workspace-relative paths of the files this project's data held, sorted. */
  files: string[];
}

export interface MergeResult {
  /** Merged coverage keyed by workspace-relative POSIX path; `path` fields equal the keys. */
  coverage: CoverageMapData;
  /** Absolute paths of the data files merged, sorted. */
  inputs: string[];
  /** DataErrors, sorted by path: one per input skipped whole, one per file whose data was left out as stale (`path` is the input). */
  problems: DataError[];
  /** Projects whose data (with a meta.json) was merged, sorted by root then name. */
  projects: MergedProject[];
  /** Content hash of each merged file, as recorded in the data and matching the file now (meta.json `sources`). */
  sources: Record<string, string>;
  /** Inputs left out as copies of one merged before them (same bytes), sorted by input. */
  duplicates: Array<{ input: string; sameAs: string }>;
  /** Each per-project data file merged (one with a project meta.json), for completeness checks; sorted by input. */
  projectInputs: ProjectInput[];
  /** Which tests ran each line, merged from the contexts.json beside the inputs (stale files left out); absent when no input had one. */
  contexts?: ContextsData;
}

/** One project's data as collected, before stale files were left out. */
export interface ProjectInput {
  projectRoot: string;
  project: string;
  /** The data file (absolute). */
  input: string;
  /** meta.json `configHash`: the collection options the data was made with. */
  configHash: string;
  /** Every file the data holds, stale ones included, sorted. */
  files: string[];
  /** Files left out because they changed or were deleted since collection, sorted. */
  staleFiles: string[];
}

/** Finds, checks, remaps and merges data files. Never throws for bad data: see `problems`. */
export function mergeCoverage(options: MergeOptions): MergeResult {
  const workspaceRoot = resolve(options.workspaceRoot);
  const problems: DataError[] = [];
  const files = findDataFiles(
    options.inputs.map((input) => resolve(workspaceRoot, input)),
    (options.exclude ?? []).map((dir) => resolve(workspaceRoot, dir)),
    problems,
  );
  const mapPath = createPathMapper({ workspaceRoot, paths: options.paths });

  const byPath = new Map<string, FileCoverageData[]>();
  const projects = new Map<string, MergedProject>();
  const inputs: string[] = [];
  const sources: Record<string, string> = {};
  const current = currentSources(workspaceRoot);
  const firstWithContent = new Map<string, string>();
  const duplicates: MergeResult['duplicates'] = [];
  const projectInputs: ProjectInput[] = [];
  const contextLines: LinesByTest = new Map();
  let hasContexts = false;
  for (const file of files) {
    let data: DataFile;
    try {
      data = readDataFile(file, mapPath);
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      problems.push(error);
      continue;
    }
    const content = contentHash(file);
    const sameAs = firstWithContent.get(content);
    if (sameAs !== undefined) {
      duplicates.push({ input: file, sameAs });
      continue;
    }
    firstWithContent.set(content, file);
    inputs.push(file);
    hasContexts ||= data.contexts !== undefined;
    const stale = new Set<string>();
    for (const [path, coverage] of data.entries) {
      const recorded = data.sources[path];
      if (recorded !== undefined && options.checkSources !== false) {
        const now = current(path, recorded);
        if (now !== 'same') {
          stale.add(path);
          const what = now === 'deleted' ? 'was deleted' : 'changed';
          problems.push(new DataError(`${file}: ${path} ${what} since this data was collected, so its lines no longer match; its data was left out — rerun this project's coverage`, file));
          continue;
        }
        sources[path] = recorded;
      }
      const list = byPath.get(path);
      if (list) list.push(coverage);
      else byPath.set(path, [coverage]);
    }
    for (const [path, byLine] of data.contexts ?? []) {
      if (stale.has(path)) continue;
      for (const [line, names] of byLine) for (const name of names) addLine(contextLines, path, line, name);
    }
    if (data.configHash !== undefined) {
      const [found] = data.projects;
      projectInputs.push({ projectRoot: found!.projectRoot, project: found!.project, input: file, configHash: data.configHash, files: found!.files, staleFiles: [...stale].sort(compareStrings) });
    }
    for (const found of data.projects) {
      const id = `${found.projectRoot}\0${found.project}`;
      const project = projects.get(id) ?? { projectRoot: found.projectRoot, project: found.project, files: [] };
      project.files = [...new Set([...project.files, ...found.files.filter((path) => !stale.has(path))])].sort(compareStrings);
      projects.set(id, project);
    }
  }

  const coverage: CoverageMapData = {};
  for (const path of [...byPath.keys()].sort()) {
    // The inputs were parsed here for this merge alone, so the result may share their objects.
    coverage[path] = mergeFileCoverage(path, byPath.get(path)!, { owned: true });
  }
  problems.sort((a, b) => compareStrings(a.path ?? '', b.path ?? '') || compareStrings(a.message, b.message));
  return {
    coverage,
    inputs,
    problems,
    sources: Object.fromEntries(Object.keys(coverage).filter((path) => sources[path] !== undefined).map((path) => [path, sources[path]!])),
    projects: [...projects.values()].sort((a, b) => compareStrings(a.projectRoot, b.projectRoot) || compareStrings(a.project, b.project)),
    duplicates,
    projectInputs,
    ...(hasContexts ? { contexts: toContextsData(contextLines) } : {}),
  };
}

/**
 * Merges coverage maps held in memory (already keyed by workspace-relative paths) by the rules
 * above. Throws a DataError on malformed input; the inputs are left untouched.
 */
export function mergeCoverageMaps(maps: CoverageMapData[]): CoverageMapData {
  const byPath = new Map<string, FileCoverageData[]>();
  maps.forEach((map, index) => {
    for (const [path, file] of Object.entries(map)) {
      const reason = checkFileCoverage(file);
      if (reason) throw new DataError(`coverage map ${index + 1}: entry "${path}": ${reason}`);
      byPath.set(path, [...(byPath.get(path) ?? []), file]);
    }
  });
  const merged: CoverageMapData = {};
  for (const path of [...byPath.keys()].sort()) merged[path] = mergeFileCoverage(path, byPath.get(path)!);
  return merged;
}

// ---------------------------------------------------------------------------------------------
// Finding and reading inputs

/** Every data file under the inputs, absolute, deduplicated by real path, sorted. */
function findDataFiles(inputs: string[], exclude: string[], problems: DataError[]): string[] {
  const found = new Map<string, string>();
  const excluded = new Set(exclude.map((dir) => realOrSelf(dir)));
  const visited = new Set<string>();

  const walk = (dir: string): void => {
    const real = realOrSelf(dir);
    if (visited.has(real) || excluded.has(real)) return;
    visited.add(real);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      problems.push(new DataError(`${dir}: folder cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, dir));
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const stat = statSync(path);
          isDir = stat.isDirectory();
          isFile = stat.isFile();
        } catch {
          continue; // a dangling link holds no data
        }
      }
      if (isDir && entry.name !== 'node_modules') walk(path);
      else if (isFile && entry.name === COVERAGE_FILE) add(path);
    }
  };
  const add = (file: string): void => {
    const real = realOrSelf(file);
    if (!found.has(real)) found.set(real, file);
  };

  for (const input of inputs) {
    let stat;
    try {
      stat = statSync(input);
    } catch {
      problems.push(new DataError(`${input}: no such file or folder`, input));
      continue;
    }
    if (stat.isDirectory()) walk(input);
    else add(input);
  }
  return [...found.values()].sort(compareStrings);
}

/**
 * Whether a workspace file still has the content hash recorded with its data: as it is, or with
 * LF or CRLF line endings (a checkout's line endings are not an edit). The file is hashed as it
 * is first; the two line-ending variants are hashed only when that does not match. Cached.
 */
function currentSources(workspaceRoot: string): (path: string, recorded: string) => 'same' | 'changed' | 'deleted' {
  const cache = new Map<string, { hashes: Set<string>; variants: boolean } | null>();
  const read = (path: string): Buffer | undefined => {
    try {
      return readFileSync(join(workspaceRoot, path));
    } catch {
      return undefined; // deleted (or unreadable): no hash matches
    }
  };
  return (path, recorded) => {
    let entry = cache.get(path);
    if (entry === undefined) {
      const bytes = read(path);
      entry = bytes === undefined ? null : { hashes: new Set([hashContent(bytes)]), variants: false };
      cache.set(path, entry);
    }
    if (entry === null) return 'deleted';
    if (!entry.hashes.has(recorded) && !entry.variants) {
      entry.variants = true;
      const bytes = read(path);
      if (bytes !== undefined) {
        const lf = bytes.toString('latin1').replace(/\r\n/g, '\n');
        entry.hashes.add(hashContent(Buffer.from(lf, 'latin1')));
        entry.hashes.add(hashContent(Buffer.from(lf.replace(/\n/g, '\r\n'), 'latin1')));
      }
    }
    return entry.hashes.has(recorded) ? 'same' : 'changed';
  };
}

/** sha256 of a data file with its meta.json and contexts.json (each absent one counts as absent). */
function contentHash(file: string): string {
  const hash = createHash('sha256');
  const companions = basename(file) === COVERAGE_FILE ? [META_FILE, CONTEXTS_FILE] : [];
  for (const path of [file, ...companions.map((name) => join(dirname(file), name))]) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      hash.update(`${basename(path)}:absent\0`);
      continue;
    }
    hash.update(`${basename(path)}:${bytes.length}\0`).update(bytes);
  }
  return hash.digest('hex');
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * meta.json beside a merged coverage-final.json (`<dataDir>/workspace/meta.json`): the projects
 * the merge held, so reports of stored data keep their project rows and merged data from CI
 * shards can be merged again.
 */
export interface WorkspaceMeta {
  formatVersion: number;
  tool: { name: string; version: string };
  kind: 'workspace';
  /** ISO time the reports show (see reportTime in report/workspace.ts). */
  dataTime: string;
  projects: MergedProject[];
  /** Content hash of each merged file (MergeResult.sources), so reports of stored data still notice edits. */
  sources: Record<string, string>;
  /** Each expected project's state, when the merge was told which projects to expect. */
  completeness?: ProjectCompleteness[];
}

interface DataFile {
  entries: Array<[string, FileCoverageData]>;
  projects: MergedProject[];
  /** meta.json `sources`, keyed by mapped path. */
  sources: Record<string, string>;
  /** meta.json `configHash` of per-project data; undefined for bare istanbul files and merged workspace data. */
  configHash?: string;
  /** contexts.json beside the data, keyed by mapped path. */
  contexts?: LinesByTest;
}

function readDataFile(file: string, mapPath: ReturnType<typeof createPathMapper>): DataFile {
  const metaPath = join(dirname(file), META_FILE);
  // Only a coverage-final.json has a meta.json of its own; any other file name is bare istanbul data.
  let meta: Record<string, unknown> | undefined;
  if (basename(file) === COVERAGE_FILE && existsSync(metaPath)) {
    try {
      meta = readProjectMeta(metaPath) as unknown as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      throw new DataError(`${error.message}; the data beside it was skipped`, file);
    }
  }

  const raw = readCoverageFile(file); // JSON and top-level shape; throws DataError naming the file
  const entries: Array<[string, FileCoverageData]> = [];
  const mappedKeys = new Map<string, string>();
  for (const key of Object.keys(raw)) {
    const reason = checkFileCoverage(raw[key]);
    if (reason) throw new DataError(`${file}: entry "${key}": ${reason}; the file was skipped`, file);
    const mapped = mapPath(key);
    if (!mapped.ok) throw new DataError(`${file}: ${mapped.reason}; the file was skipped`, file);
    entries.push([mapped.path, raw[key]!]);
    mappedKeys.set(key, mapped.path);
  }
  const files = [...new Set(mappedKeys.values())].sort(compareStrings);
  const contextsPath = join(dirname(file), CONTEXTS_FILE);
  let contexts: LinesByTest | undefined;
  if (basename(file) === COVERAGE_FILE && existsSync(contextsPath)) {
    // A source named only in contexts.json has no data here to be judged by: it is left out.
    contexts = fromContextsData(readContextsFile(contextsPath), new Map(), (path) => mappedKeys.get(path));
  }
  if (meta === undefined) return { entries, projects: [], sources: {}, contexts };
  const bad = (what: string): DataError => new DataError(`${metaPath}: ${what}; the data beside it was skipped`, file);
  const projectRoot = (value: unknown): string => {
    if (typeof value !== 'string') throw bad(`projectRoot ${JSON.stringify(value)} is not a string`);
    if (value === '' || value === '.' || value === './') return '.';
    const mapped = mapPath(value);
    if (!mapped.ok) throw bad(`projectRoot "${value}" is not a folder of this workspace`);
    return mapped.path;
  };
  const sources: Record<string, string> = Object.create(null);
  if (meta.sources !== undefined) {
    if (!isObject(meta.sources) || !Object.values(meta.sources).every((hash) => typeof hash === 'string')) {
      throw bad('"sources" is not an object of content hashes');
    }
    for (const [key, hash] of Object.entries(meta.sources)) {
      const mapped = mappedKeys.get(key);
      if (mapped !== undefined) sources[mapped] = hash as string; // hashes of files without data here do not matter
    }
  }
  if (meta.kind === 'workspace') {
    if (!Array.isArray(meta.projects)) throw bad('"projects" is not a list');
    const projects = meta.projects.map((entry: unknown): MergedProject => {
      const project = entry as Record<string, unknown>;
      if (typeof project?.project !== 'string') throw bad('a project without a "project" name');
      if (!Array.isArray(project.files) || !project.files.every((path) => typeof path === 'string')) throw bad(`project "${project.project}" has no "files" list`);
      const held = project.files.map((path: string) => mappedKeys.get(path) ?? mapPath(path)).map((mapped) => (typeof mapped === 'string' ? mapped : mapped.ok ? mapped.path : undefined));
      return {
        projectRoot: projectRoot(project.projectRoot),
        project: project.project,
        files: [...new Set(held.filter((path): path is string => path !== undefined))].sort(compareStrings),
      };
    });
    return { entries, projects, sources, contexts };
  }
  if (typeof meta.project !== 'string') throw bad(`project ${JSON.stringify(meta.project)} is not a string`);
  const configHash = typeof meta.configHash === 'string' ? meta.configHash : '';
  return { entries, projects: [{ projectRoot: projectRoot(meta.projectRoot), project: meta.project, files }], sources, configHash, contexts };
}

// ---------------------------------------------------------------------------------------------
// Shape checks: istanbul itself crashes deep inside merge or report on malformed data

const INDEX_KEY = /^(0|[1-9]\d*)$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isPosition(value: unknown): boolean {
  if (!isObject(value)) return false;
  const { line, column } = value;
  // istanbul-lib-source-maps writes an end column of Infinity, which JSON turns into null.
  return isCount(line) && (column === null || column === undefined || isCount(column));
}

function isRange(value: unknown): value is Range {
  return isObject(value) && isPosition(value.start) && isPosition(value.end);
}

/** Older istanbul writes an implicit `else` as `{ start: {}, end: {} }`. */
function isBranchLocation(value: unknown): boolean {
  if (isRange(value)) return true;
  return isObject(value) && isObject(value.start) && isObject(value.end) && Object.keys(value.start).length === 0 && Object.keys(value.end).length === 0;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Why `value` is not usable istanbul file coverage, or undefined when it is. */
export function checkFileCoverage(value: unknown): string | undefined {
  if (!isObject(value)) return 'is not istanbul file coverage (expected an object)';
  if (typeof value.path !== 'string') return '"path" is missing or not a string';
  const maps = [
    ['statementMap', 's'],
    ['fnMap', 'f'],
    ['branchMap', 'b'],
  ] as const;
  for (const [mapName, hitsName] of maps) {
    const map = value[mapName];
    const hits = value[hitsName];
    if (!isObject(map)) return `"${mapName}" is missing or not an object`;
    if (!isObject(hits)) return `"${hitsName}" is missing or not an object`;
    for (const key of Object.keys(map)) {
      if (!INDEX_KEY.test(key)) return `${mapName} key ${describe(key)} is not an index (istanbul numbers its items 0, 1, 2…)`;
      if (!(key in hits)) return `${mapName}["${key}"] has no hit count in "${hitsName}"`;
      const item = map[key];
      const reason = mapName === 'statementMap' ? checkStatement(item) : mapName === 'fnMap' ? checkFunction(item) : checkBranch(item);
      if (reason) return `${mapName}["${key}"] ${reason}`;
    }
    for (const key of Object.keys(hits)) {
      if (!INDEX_KEY.test(key) || !(key in map)) return `${hitsName} key ${describe(key)} has no entry in "${mapName}"`;
      const count = hits[key];
      if (hitsName === 'b') {
        const arms = (map[key] as BranchMapping).locations.length;
        if (!Array.isArray(count) || count.length !== arms || !count.every(isCount)) {
          return `b["${key}"] is ${describe(count)}, not ${arms} hit count(s) (whole numbers from 0 to 2^53-1)`;
        }
      } else if (!isCount(count)) {
        return `${hitsName}["${key}"] is ${describe(count)}, not a hit count (a whole number from 0 to 2^53-1)`;
      }
    }
  }
  if (value.bT !== undefined) {
    if (!isObject(value.bT)) return '"bT" is not an object';
    for (const [key, count] of Object.entries(value.bT)) {
      const branch = (value.branchMap as Record<string, BranchMapping>)[key];
      if (!INDEX_KEY.test(key) || !branch) return `bT key ${describe(key)} has no entry in "branchMap"`;
      if (!Array.isArray(count) || count.length !== branch.locations.length || !count.every(isCount)) {
        return `bT["${key}"] is ${describe(count)}, not ${branch.locations.length} hit count(s)`;
      }
    }
  }
  if (value.all !== undefined && typeof value.all !== 'boolean') return '"all" is not true or false';
  return undefined;
}

function checkStatement(item: unknown): string | undefined {
  return isRange(item) ? undefined : `is ${describe(item)}, not a source range { start: { line, column }, end: { line, column } }`;
}

function checkFunction(item: unknown): string | undefined {
  if (!isObject(item)) return `is ${describe(item)}, not a function entry`;
  if (typeof item.name !== 'string') return 'has no "name" string';
  if (!isRange(item.loc)) return 'has no source range "loc"';
  if (item.decl !== undefined && !isRange(item.decl)) return 'has a "decl" that is not a source range';
  return undefined;
}

function checkBranch(item: unknown): string | undefined {
  if (!isObject(item)) return `is ${describe(item)}, not a branch entry`;
  if (!isRange(item.loc)) return 'has no source range "loc"';
  if (!Array.isArray(item.locations) || item.locations.length === 0 || !item.locations.every(isBranchLocation)) {
    return 'has no "locations" list of source ranges';
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Merging one file's coverage from several inputs

interface Part<Item, Hits> {
  map: Record<string, Item>;
  hits: Record<string, Hits>;
}

type Hits = number | number[];

/** istanbul's optional fields that its typings leave out. */
type FullFileCoverage = FileCoverageData & { all?: boolean; bT?: Record<string, number[]> };

/**
 * `owned`: the inputs belong to this merge (parsed for it and dropped after), so the result may
 * share their map objects instead of copying them — copies were a third of a big merge's time.
 */
function mergeFileCoverage(path: string, inputs: FullFileCoverage[], { owned = false } = {}): FileCoverageData {
  const real = inputs.filter((file) => file.all !== true);
  const used = real.length > 0 ? real : inputs;
  const copy = <T>(value: T): T => (owned ? value : structuredClone(value));
  const statements = mergeItems<Range, number>(
    used.map((file) => ({ map: file.statementMap, hits: file.s })),
    (item) => item,
    (item) => locationKey(item),
    () => 0,
    copy,
  );
  const functions = mergeItems<FunctionMapping, number>(
    used.map((file) => ({ map: file.fnMap, hits: file.f })),
    (item) => item.loc,
    (item) => locationKey(item.loc),
    () => 0,
    copy,
  );
  const branchKey = (item: BranchMapping): string => `${locationKey(item.loc)}#${item.locations.map(locationKey).join(';')}`;
  const branches = mergeItems<BranchMapping, number[]>(
    used.map((file) => ({ map: file.branchMap, hits: file.b })),
    (item) => item.loc,
    branchKey,
    (item) => item.locations.map(() => 0),
    copy,
  );
  const merged: FullFileCoverage = {
    path,
    statementMap: statements.map,
    s: statements.hits,
    fnMap: functions.map,
    f: functions.hits,
    branchMap: branches.map,
    b: branches.hits,
  };
  // Branch truthiness (istanbul's reportLogic) is kept only when every input tracked it.
  if (used.every((file) => file.bT !== undefined)) {
    const truthy = mergeItems<BranchMapping, number[]>(
      used.map((file) => ({ map: file.branchMap, hits: file.bT! })),
      (item) => item.loc,
      branchKey,
      (item) => item.locations.map(() => 0),
      copy,
    );
    merged.bT = truthy.hits;
  }
  if (real.length === 0) merged.all = true;
  return merged;
}

function mergeItems<Item, H extends Hits>(
  parts: Array<Part<Item, H>>,
  rangeOf: (item: Item) => Range,
  keyOf: (item: Item) => string,
  zeroOf: (item: Item) => H,
  copy: <T>(value: T) => T,
): { map: Record<string, Item>; hits: Record<string, H> } {
  // Usual case: one source, one converter, the same map everywhere — keep keys, add hits.
  if (parts.every((part, index) => index === 0 || sameJson(part.map, parts[0]!.map))) {
    const map = copy(parts[0]!.map);
    const hits: Record<string, H> = {};
    for (const key of Object.keys(map)) {
      hits[key] = parts.map((part) => part.hits[key]!).reduce((sum, next) => addHits(sum, next));
    }
    return { map, hits };
  }

  // Maps differ (edited source, other converter): union by location, in source order.
  const union = new Map<string, { item: Item; text: string }>();
  for (const part of parts) {
    for (const item of Object.values(part.map)) {
      const key = keyOf(item);
      const text = stableStringify(item);
      const seen = union.get(key);
      // Same location, other details (an anonymous function's generated name): pick one independent of input order.
      if (!seen || text < seen.text) union.set(key, { item, text });
    }
  }
  const byKey = parts.map((part) => {
    const index = new Map<string, H>();
    for (const [k, item] of Object.entries(part.map)) {
      const key = keyOf(item);
      const hits = part.hits[k]!;
      const previous = index.get(key);
      index.set(key, previous === undefined ? hits : maxHits(previous, hits));
    }
    return index;
  });
  const ordered = [...union.entries()].sort(([keyA, a], [keyB, b]) => compareRanges(rangeOf(a.item), rangeOf(b.item)) || compareStrings(keyA, keyB));
  const map: Record<string, Item> = {};
  const hits: Record<string, H> = {};
  ordered.forEach(([key, { item }], index) => {
    let total = zeroOf(item);
    parts.forEach((part, p) => {
      const own = byKey[p]!.get(key);
      if (own !== undefined) {
        total = addHits(total, own);
        return;
      }
      const container = nearestContainer(rangeOf(item), part.map, rangeOf);
      if (container !== undefined) total = addHits(total, part.hits[container]!);
    });
    map[String(index)] = copy(item);
    hits[String(index)] = total;
  });
  return { map, hits };
}

/**
 * Whether two JSON values are equal as stableStringify sees them (key order does not count),
 * compared in place rather than by stringifying both: the check runs for every file that more
 * than one project measured.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return JSON.stringify(a) === JSON.stringify(b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => sameJson(item ?? null, b[i] ?? null));
  }
  const defined = (record: object): string[] => Object.keys(record).filter((key) => (record as Record<string, unknown>)[key] !== undefined);
  const keysA = defined(a);
  const keysB = defined(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => Object.hasOwn(b, key) && sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** `a + b`, element by element for branch arms (the length of `a`), capped to stay exact in JSON. */
function addHits<H extends Hits>(a: H, b: H): H {
  if (typeof a === 'number') return Math.min(a + (b as number), Number.MAX_SAFE_INTEGER) as H;
  return (a as number[]).map((count, i) => Math.min(count + ((b as number[])[i] ?? 0), Number.MAX_SAFE_INTEGER)) as H;
}

function maxHits<H extends Hits>(a: H, b: H): H {
  if (typeof a === 'number') return Math.max(a, b as number) as H;
  return (a as number[]).map((count, i) => Math.max(count, (b as number[])[i] ?? 0)) as H;
}

function locationKey(range: Partial<Range> | undefined): string {
  const start = (range?.start ?? {}) as Partial<Range['start']>;
  const end = (range?.end ?? {}) as Partial<Range['end']>;
  return `${start.line}|${start.column}|${end.line}|${end.column}`;
}

function compareRanges(a: Range, b: Range): number {
  return (
    a.start.line - b.start.line ||
    (a.start.column ?? -1) - (b.start.column ?? -1) ||
    a.end.line - b.end.line ||
    (a.end.column ?? Number.MAX_SAFE_INTEGER) - (b.end.column ?? Number.MAX_SAFE_INTEGER)
  );
}

/** istanbul-lib-coverage's findNearestContainer: the narrowest range of `map` holding `range`. */
function nearestContainer<Item>(range: Range, map: Record<string, Item>, rangeOf: (item: Item) => Range): string | undefined {
  let best: string | undefined;
  let bestDistance: number[] | undefined;
  for (const [key, item] of Object.entries(map)) {
    const outer = rangeOf(item);
    const distance = [
      range.start.line - outer.start.line,
      (range.start.column ?? 0) - (outer.start.column ?? 0),
      outer.end.line - range.end.line,
      (outer.end.column ?? Number.MAX_SAFE_INTEGER) - (range.end.column ?? Number.MAX_SAFE_INTEGER),
    ] as [number, number, number, number];
    if (distance[0] < 0 || distance[2] < 0 || (distance[0] === 0 && distance[1] < 0) || (distance[2] === 0 && distance[3] < 0)) continue;
    if (bestDistance === undefined) {
      best = key;
      bestDistance = distance;
      continue;
    }
    const closerBefore = distance[0] < bestDistance[0]! || (distance[0] === 0 && distance[1] < bestDistance[1]!);
    const closerAfter = distance[2] < bestDistance[2]! || (distance[2] === 0 && distance[3] < bestDistance[3]!);
    if (closerBefore || closerAfter) {
      best = key;
      bestDistance = distance;
    }
  }
  return best;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The data folders merged by default: `<dataDir>/projects`. */
export function defaultMergeInputs(workspaceRoot: string, dataDir: string): string[] {
  return [toPosix(join(resolve(workspaceRoot), dataDir, 'projects'))];
}
