import { dirname, join, resolve } from 'node:path';
import type { CoverageMapData } from 'istanbul-lib-coverage';
import { addLine, fromContextsData, toContextsData, type LinesByTest } from '../contexts/data';
import { DataError } from '../errors';
import { normalizeProjectRoot } from '../layout';
import { createPathMapper, type MappedPath } from '../paths';
import { META_FILE, type ContextsData, type MergedProject } from '../store/format';
import { readStoredData, type RunFailure, type StoredData } from '../store/read';
import { createAdmission, NOT_IN_WORKSPACE } from './admit';
import { MergeInputs } from './merged-coverage';
import { dataContentHash, findDataFiles } from './inputs';
import { createSelection, type RunOptionsOf } from './select';
import { currentSources } from './sources';
import { compareStrings } from '../compare';

/**
 * `monocov merge`'s engine, coverage.py's `combine` for istanbul data: finds the data files,
 * reads them through the store (checked at the door), maps their paths onto this workspace,
 * drops copies and stale files, and hands the rest to the pure merge (merge.ts, whose rules apply).
 * - Files are merged by workspace-relative path after `paths` remapping: a file reached from
 *   several projects is listed once, with the hits of every project.
 * - Inputs are never modified on disk or deleted (coverage.py's combine deletes them unless `--keep`).
 * - A data file whose bytes (with its meta.json) equal those of one already merged is a copy of
 *   the same run — an artifact downloaded twice, a shard folder given twice — and is counted
 *   once, as coverage.py's combine skips duplicate data files.
 * - A file edited or deleted since its data was collected (meta.json `sources` hashes) has that
 *   data left out and reported: its line numbers would point at the wrong code.
 * - An entry its project's include/omit do not select (`runOptions`, select.ts) is left out and
 *   listed in `unselected`, before its file is read: the rc file chooses what is reported, not
 *   the data's writer.
 * - Test contexts (contexts.json beside a data file) merge as the union of the tests per line,
 *   under the same path remapping and staleness rules.
 * - A data file that cannot be used (see store/shape.ts, or paths outside the workspace that
 *   `paths` does not map) is skipped whole and reported as a DataError naming it; the caller
 *   decides whether that is fatal.
 */

export interface CombineOptions {
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
  /**
   * Each project's `run` options, whose include/omit select what its data may hold (select.ts);
   * other entries are left out and listed in `unselected`. Absent: every entry is kept (a baseline).
   */
  runOptions?: RunOptionsOf;
}

export interface CombineResult {
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
  /** Files whose data (from one input or more) was left out because they changed or were deleted since it was collected, sorted. */
  staleFiles: string[];
  /** Files some data held that its project's include/omit do not select, left out unread; sorted. */
  unselected: string[];
}

/** One project's data as collected, before stale files were left out. */
export interface ProjectInput {
  projectRoot: string;
  project: string;
  /** The data file (absolute). */
  input: string;
  /** meta.json `configHash`: the collection options the data was made with. */
  configHash: string;
  /** Why the data does not stand for passing tests (its tests failed or were killed, or a later run recorded nothing); absent when it does. */
  failure?: RunFailure;
  /** Every file the data holds, stale ones included, sorted. */
  files: string[];
  /** Files left out because they changed or were deleted since collection, sorted. */
  staleFiles: string[];
}

/** Finds, checks, remaps and merges data files. Never throws for bad data: see `problems`. */
export function combineCoverage(options: CombineOptions): CombineResult {
  const workspaceRoot = resolve(options.workspaceRoot);
  const problems: DataError[] = [];
  const files = findDataFiles(
    options.inputs.map((input) => resolve(workspaceRoot, input)),
    (options.exclude ?? []).map((dir) => resolve(workspaceRoot, dir)),
    problems,
  );
  const mapPath = createPathMapper({ workspaceRoot, paths: options.paths });

  const taken = new MergeInputs();
  const projects = new Map<string, MergedProject>();
  const inputs: string[] = [];
  const sources: Record<string, string> = {};
  // Sources are not checked for a baseline (made from other code on purpose), nor admitted.
  const admit = options.checkSources === false ? undefined : createAdmission(workspaceRoot);
  const current = currentSources(workspaceRoot, admit?.bytes);
  const selects = options.runOptions && createSelection(workspaceRoot, options.runOptions);
  const unselected = new Set<string>();
  const firstWithContent = new Map<string, string>();
  const duplicates: CombineResult['duplicates'] = [];
  const projectInputs: ProjectInput[] = [];
  const contextLines: LinesByTest = new Map();
  let hasContexts = false;
  const allStale = new Set<string>();
  for (const file of files) {
    // A lone input has nothing to be a copy of (and a merged one may be gigabytes to hash).
    const content = files.length > 1 ? dataContentHash(file) : file;
    const sameAs = firstWithContent.get(content);
    if (sameAs !== undefined) {
      duplicates.push({ input: file, sameAs });
      continue;
    }
    // Entries are taken one at a time as the file is read (a merged file may hold thousands of
    // projects); a file that turns out unusable is taken back whole, with what was said of it.
    const stale = new Set<string>();
    const rejected = new Set<string>();
    const fileProblems: DataError[] = [];
    const fileSources: Record<string, string> = {};
    const fileUnselected: string[] = [];
    const reject = (path: string, why: string): void => {
      rejected.add(path);
      fileProblems.push(new DataError(`${file}: entry "${path}" ${why}; the entry was left out`, file));
    };
    let data: MappedData;
    try {
      const stored = readStoredData(file);
      const described = describeMeta(file, stored, mapPath);
      const mappedKeys = new Map<string, string>();
      for (const [key, coverage, size] of stored.entries) {
        const mapped = mapPath(key);
        if (!mapped.ok) throw new DataError(`${file}: ${mapped.reason}; the file was skipped`, file);
        const { path } = mapped;
        mappedKeys.set(key, path);
        const recorded = stored.meta?.sources[key];
        // Where the key leads is judged without opening anything; a file deleted since its data was
        // collected is named as such below.
        const misplaced = admit?.locate(path);
        if (misplaced !== undefined && !(misplaced === NOT_IN_WORKSPACE && recorded !== undefined)) {
          reject(path, misplaced);
          continue;
        }
        if (selects && !selects(path, described.projectRootsOf(path))) {
          rejected.add(path);
          fileUnselected.push(path);
          continue;
        }
        if (recorded !== undefined && options.checkSources !== false) {
          const now = current(path, recorded);
          if (now !== 'same') {
            stale.add(path);
            const what = now === 'deleted' ? 'was deleted' : 'changed';
            fileProblems.push(
              new DataError(`${file}: ${path} ${what} since this data was collected, so its lines no longer match; its data was left out — rerun this project's coverage`, file),
            );
            continue;
          }
          fileSources[path] = recorded;
        }
        const beyond = admit?.withinLines(path, coverage);
        if (beyond !== undefined) {
          reject(path, beyond);
          continue;
        }
        taken.add(path, coverage, size);
      }
      data = described.withEntries(mappedKeys);
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      taken.discard();
      problems.push(error);
      continue;
    }
    taken.commit();
    firstWithContent.set(content, file);
    inputs.push(file);
    problems.push(...fileProblems);
    Object.assign(sources, fileSources);
    for (const path of stale) allStale.add(path);
    for (const path of fileUnselected) unselected.add(path);
    hasContexts ||= data.contexts !== undefined;
    for (const [path, byLine] of data.contexts ?? []) {
      if (stale.has(path) || rejected.has(path)) continue;
      for (const [line, names] of byLine) for (const name of names) addLine(contextLines, path, line, name);
    }
    if (data.configHash !== undefined) {
      const [found] = data.projects;
      projectInputs.push({
        projectRoot: found!.projectRoot,
        project: found!.project,
        input: file,
        configHash: data.configHash,
        ...(data.failure !== undefined && { failure: data.failure }),
        files: found!.files,
        staleFiles: [...stale].sort(compareStrings),
      });
    }
    for (const found of data.projects) {
      const id = `${found.projectRoot}\0${found.project}`;
      const project = projects.get(id) ?? { projectRoot: found.projectRoot, project: found.project, files: [] };
      project.files = [...new Set([...project.files, ...found.files.filter((path) => !stale.has(path) && !rejected.has(path))])].sort(compareStrings);
      projects.set(id, project);
    }
  }

  const coverage = taken.coverage();
  problems.sort((a, b) => compareStrings(a.path ?? '', b.path ?? '') || compareStrings(a.message, b.message));
  return {
    coverage,
    inputs,
    problems,
    sources: Object.fromEntries(
      Object.keys(coverage)
        .filter((path) => sources[path] !== undefined)
        .map((path) => [path, sources[path]!]),
    ),
    projects: [...projects.values()].sort((a, b) => compareStrings(a.projectRoot, b.projectRoot) || compareStrings(a.project, b.project)),
    duplicates,
    projectInputs,
    ...(hasContexts ? { contexts: toContextsData(contextLines) } : {}),
    staleFiles: [...allStale].sort(compareStrings),
    unselected: [...unselected].sort(compareStrings),
  };
}

/** What a data file says beyond its entries, with its paths mapped onto this workspace. */
interface MappedData {
  projects: MergedProject[];
  /** meta.json `configHash` of per-project data; undefined for bare istanbul files and merged workspace data. */
  configHash?: string;
  /** Why per-project data does not stand for passing tests (store/read.ts runFailure). */
  failure?: RunFailure;
  /** contexts.json beside the data, keyed by mapped path. */
  contexts?: LinesByTest;
}

/**
 * Maps a data file's meta.json onto this workspace before its entries are read (a root it cannot
 * place makes the file unusable): `projectRootsOf` gives the (mapped) roots of the projects whose
 * data holds a file, none for bare istanbul data. `withEntries` completes it once the entries
 * were read, their keys mapped as `mappedKeys`.
 */
function describeMeta(
  file: string,
  stored: StoredData,
  mapPath: (key: string) => MappedPath,
): { projectRootsOf(path: string): readonly string[]; withEntries(mappedKeys: Map<string, string>): MappedData } {
  // A source named only in contexts.json has no data here to be judged by: it is left out.
  const contextsOf = (mappedKeys: Map<string, string>): LinesByTest | undefined => stored.contexts && fromContextsData(stored.contexts, new Map(), (path) => mappedKeys.get(path));
  const { meta } = stored;
  if (meta === undefined) return { projectRootsOf: () => [], withEntries: (mappedKeys) => ({ projects: [], contexts: contextsOf(mappedKeys) }) };

  const metaPath = join(dirname(file), META_FILE);
  const projectRoot = (value: string): string => {
    const root = normalizeProjectRoot(value);
    if (root === '.') return root;
    const mapped = mapPath(root);
    if (!mapped.ok) throw new DataError(`${metaPath}: projectRoot "${value}" is not a folder of this workspace; the data beside it was skipped`, file);
    return mapped.path;
  };
  if (meta.kind === 'workspace') {
    const projects = meta.projects.map((project): MergedProject => {
      const held = project.files.map((path) => mapPath(path)).map((mapped) => (mapped.ok ? mapped.path : undefined));
      return {
        projectRoot: projectRoot(project.projectRoot),
        project: project.project,
        files: [...new Set(held.filter((path): path is string => path !== undefined))].sort(compareStrings),
      };
    });
    const roots = new Map<string, string[]>();
    for (const project of projects) for (const path of project.files) roots.set(path, [...(roots.get(path) ?? []), project.projectRoot]);
    return { projectRootsOf: (path) => roots.get(path) ?? [], withEntries: (mappedKeys) => ({ projects, contexts: contextsOf(mappedKeys) }) };
  }
  const root = projectRoot(meta.projectRoot);
  return {
    projectRootsOf: () => [root],
    withEntries: (mappedKeys) => ({
      projects: [{ projectRoot: root, project: meta.project, files: [...new Set(mappedKeys.values())].sort(compareStrings) }],
      configHash: meta.configHash,
      failure: meta.failure,
      contexts: contextsOf(mappedKeys),
    }),
  };
}
