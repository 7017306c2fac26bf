import { createHash } from 'node:crypto';

/**
 * The data format's names and types (docs/data-format.md): what a data folder holds. A leaf
 * module, so that every module reading or writing data can share these without import cycles.
 */

/**
 * Version of the per-project data layout (coverage-final.json + meta.json).
 * History:
 *   1 — first release: istanbul JSON keyed by workspace-relative POSIX paths; meta.json with
 *       tool, project, target, node, config hash and a content hash per source file. Added
 *       since, readable by earlier readers that then lose nothing they had: `tests.status`
 *       (readers derive it from the exit status when absent) and `laterRun` (a later run of the
 *       project recorded nothing; earlier readers take the data as they did).
 */
export const FORMAT_VERSION = 1;

/** The content hash of a source file recorded in meta.json `sources`: sha256, hex, first 16 chars. */
export function hashContent(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

export const COVERAGE_FILE = 'coverage-final.json';
export const META_FILE = 'meta.json';
/** Which tests ran each line (`run.contexts: "test"`); see contexts/data.ts. */
export const CONTEXTS_FILE = 'contexts.json';

/** meta.json beside one project's coverage-final.json (`<dataDir>/projects/<projectRoot>/meta.json`). */
export interface ProjectMeta {
  formatVersion: number;
  tool: { name: string; version: string };
  project: string;
  projectRoot: string;
  target: string;
  node: string;
  configHash: string;
  collector: string;
  /** How the test command the data came from ended; data is kept when tests fail, recorded as `failed`. */
  tests: TestsRecord;
  /**
   * A later run of the project that recorded nothing (command not found, watch mode refused,
   * killed before writing coverage): it did not replace this data, and the project counts as
   * failed until a run completes.
   */
  laterRun?: EndedWith;
  /** sha256 (hex, first 16 chars) of each source file's content when the data was collected. */
  sources: Record<string, string>;
  /** Only when something was left out (docs/security.md, "degrade, do not abort"). */
  dropped?: DroppedData;
}

/** How a test command ended: exactly one of the two is non-null. */
export interface EndedWith {
  exitCode: number | null;
  signal: string | null;
}

export interface TestsRecord extends EndedWith {
  /**
   * `passed`: exit status 0 and no signal. A run killed by a signal is `failed`, with `signal`
   * naming it (a merge names it `killed`), so that readers knowing only these two values never
   * take it for passed. Absent in data written before it was recorded: derived from the status then.
   */
  status?: 'passed' | 'failed';
}

/**
 * What a run left out rather than fail: test processes whose raw V8 file was malformed (their
 * hits are missing), scripts whose URL names no file (V8 removes line breaks and tabs from script
 * URLs; a file deleted before the conversion), sources a browser ran whose URL several workspace
 * files could stand for, and sources left out (workspace-relative, sorted):
 * Babel could not parse them, or their name holds a control character no report can represent.
 */
export interface DroppedData {
  processes: number;
  /** Written only when above 0; absent in data written before it was counted. */
  scripts?: number;
  /** Written only when above 0; absent in data written before it was counted. */
  ambiguous?: number;
  sources: string[];
}

/** A project whose data a merge held, as workspace meta.json lists it. */
export interface MergedProject {
  /** Workspace-relative POSIX folder ('.' for the root project), from meta.json. */
  projectRoot: string;
  /** Project name, from meta.json. */
  project: string;
  /** Workspace-relative paths of the files this project's data held, sorted. */
  files: string[];
}

/**
 * - `current`: data present and made for the project as it is now
 * - `missing`: the project should have data and has none
 * - `stale`: data present but made for other inputs (see `reasons`)
 * - `untested`: no data expected (no test target); listed so the omission is visible
 * - `unexpected`: data of a project that is not expected to have any (removed, renamed, or no
 *   longer tested): it counts files the workspace may no longer have
 * - `carried-forward`: this run made none, so the data came from a baseline folder (an affected
 *   run's unaffected project); still checked for staleness like any other data
 * - `failed`: data present, but its tests failed (it shows what ran up to the failure), or a later
 *   run recorded nothing and the data is an earlier run's (meta.json `tests`, `laterRun`)
 * - `killed`: data present, but its tests were killed by a signal (meta.json `tests.signal`): it
 *   holds only what the processes that ended wrote; or a later run was killed before recording
 *   anything and the data is an earlier run's (`laterRun.signal`)
 */
export type ProjectDataState = 'current' | 'missing' | 'stale' | 'failed' | 'killed' | 'untested' | 'unexpected' | 'carried-forward';

/** One expected project's state (completeness.ts), as a merge reports it and workspace meta.json records it. */
export interface ProjectCompleteness {
  project: string;
  projectRoot: string;
  state: ProjectDataState;
  /** Why the state is what it is, one phrase each; empty for `current` and `missing`. */
  reasons: string[];
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
  /** ISO time the reports show (see reportTime in workspace-report/index.ts). */
  dataTime: string;
  projects: MergedProject[];
  /** Content hash of each merged file (CombineResult.sources), so reports of stored data still notice edits. */
  sources: Record<string, string>;
  /** Each expected project's state, when the merge was told which projects to expect. */
  completeness?: ProjectCompleteness[];
  /** Only when the data held files that their project's `run.include`/`run.omit` do not select: those files, left out (workspace-relative, sorted). */
  dropped?: { unselected: string[] };
}

/**
 * contexts.json, beside a coverage-final.json (docs/data-format.md): which tests ran each line,
 * coverage.py's dynamic contexts. Test names are listed once; lines point at them by index.
 */
export interface ContextsData {
  formatVersion: number;
  /** Test names, sorted: `<test file, workspace-relative> > <suite> > <test>`. */
  contexts: string[];
  /** Workspace-relative source path → line number → indexes into `contexts`, ascending. */
  lines: Record<string, Record<string, number[]>>;
}
