import { closeSync, existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CoverageMapData, FileCoverageData } from 'istanbul-lib-coverage';
import { DataError } from '../errors';
import { jsonObjectEntriesOfFile } from '../json-entries';
import { openRegularFile, readRegularFile } from '../regular-file';
import {
  CONTEXTS_FILE,
  COVERAGE_FILE,
  FORMAT_VERSION,
  META_FILE,
  type ContextsData,
  type EndedWith,
  type MergedProject,
  type ProjectCompleteness,
  type ProjectMeta,
} from './format';
import { checkContextsData, checkDataMeta, checkFileCoverage } from './shape';

/**
 * Files up to this size are parsed as one string; larger ones (a merged file of hundreds of
 * projects) entry by entry from the file, a chunk at a time: one string of them would pass V8's
 * limit of about 512 MiB, and holding one whole while its entries are parsed would take several
 * times its size. 64 MiB, or a 64th of the heap's limit when that is less. Asked when a file is
 * read: node:v8 is loaded then, not by every `monocov run` that loads this module (3 ms of its start).
 */
export function wholeParseLimit(): number {
  return Math.min(64 * 2 ** 20, (require('node:v8') as typeof import('node:v8')).getHeapStatistics().heap_size_limit / 64);
}

/** One entry of a data file: its key as written, its coverage, and the size in bytes of its JSON. */
export type CoverageEntry = [key: string, coverage: FileCoverageData, size: number];

/**
 * Reads one istanbul JSON file, every entry checked at the door (checkFileCoverage) so a bad
 * file is named, not crashed on. Keys are as written (not yet mapped onto the workspace); the
 * map has no prototype, so a `__proto__` key is an entry like any other.
 */
export function readCoverageFile(path: string, door?: EntryDoor): CoverageMapData {
  const coverage: CoverageMapData = Object.create(null);
  for (const [key, file] of readCoverageEntries(path, door)) coverage[key] = file;
  return coverage;
}

/** How the entries of a file the tests of this run just wrote pass the door; data from elsewhere passes it as it is. */
export interface EntryDoor {
  /** Puts a known quirk of the file's maker right, before the entry is checked (the parsed entry is changed in place). */
  normalize?: (entry: unknown) => void;
  /** Told of each unusable entry, which is then left out, instead of the whole file being refused. */
  onUnusable?: (key: string, reason: string) => void;
}

/**
 * readCoverageFile one entry at a time, so a merged file of any size is read without holding it:
 * a file over wholeParseLimit() is read from disk a chunk at a time. A bad entry (unless
 * `door.onUnusable` takes it), or bad JSON, is a DataError when it is reached, after the entries
 * before it were given.
 */
export function* readCoverageEntries(path: string, door: EntryDoor = {}): Generator<CoverageEntry> {
  // Only a regular file: a FIFO would block the read and a device never end.
  const opened = openRegularFile(path, { followLinks: true });
  if (!opened.ok) throw new DataError(`${path}: ${opened.reason}`, path);
  const { fd, size } = opened;
  try {
    const entries = size > wholeParseLimit() ? jsonObjectEntriesOfFile(fd) : wholeObjectEntries(readFileSync(fd), path);
    for (;;) {
      let next: IteratorResult<[string, unknown, number]>;
      try {
        next = entries.next();
      } catch (error) {
        if (error instanceof DataError) throw error;
        throw new DataError(`${path}: is not valid JSON (${(error as Error).message}); the file may be truncated`, path);
      }
      if (next.done) return;
      const [key, file, bytes] = next.value;
      door.normalize?.(file);
      const reason = checkFileCoverage(file);
      if (reason && door.onUnusable) {
        door.onUnusable(key, reason);
        continue;
      }
      if (reason) throw new DataError(`${path}: entry "${key}": ${reason}`, path);
      yield [key, file as FileCoverageData, bytes];
    }
  } finally {
    closeSync(fd);
  }
}

function* wholeObjectEntries(bytes: Buffer, path: string): Generator<[string, unknown, number]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new DataError(`${path}: is not valid JSON (${(error as Error).message}); the file may be truncated`, path);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new DataError(`${path}: is not istanbul coverage data (expected an object keyed by file path)`, path);
  }
  const keys = Object.keys(parsed);
  // Sizes shared out by entry: what the caller keeps in memory is weighed by them.
  const share = keys.length === 0 ? 0 : Math.ceil(bytes.length / keys.length);
  for (const key of keys) yield [key, (parsed as Record<string, unknown>)[key], share];
}

/** A small JSON file of ours (meta.json, contexts.json); unreadable or malformed is a DataError naming it. */
export function readJsonFile(path: string): unknown {
  // A companion file that is a link is not followed: it could lead anywhere (/proc/self/environ).
  const read = readRegularFile(path, { followLinks: false });
  if (!read.ok) throw new DataError(`${path}: ${read.reason}`, path);
  const { bytes } = read;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new DataError(`${path}: cannot be read as JSON (${(error as Error).message})`, path);
  }
}

/**
 * A meta.json, checked: what the data beside it belongs to. `sources` is the content hash of
 * each source file when the data was collected; paths and roots are as written (not yet mapped
 * onto the workspace).
 */
export type DataMeta =
  | {
      kind: 'project';
      project: string;
      projectRoot: string;
      /** '' when absent. */
      configHash: string;
      sources: Record<string, string>;
      /** Why the data does not stand for passing tests (runFailure); absent when it does, or when meta.json has no `tests`. */
      failure?: RunFailure;
    }
  | { kind: 'workspace'; projects: MergedProject[]; sources: Record<string, string>; completeness?: ProjectCompleteness[] };

/** A value read from data, as a message shows it: never converted recursively (a list nested 20,000 deep overflowed the stack; found by tools/fuzz). */
function shown(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value).slice(0, 40);
  return Array.isArray(value) ? 'a list' : 'an object';
}

/**
 * Reads and checks a meta.json. A format version other than ours is a DataError that says which
 * tool wrote it; a malformed one is a DataError naming the file and the key.
 */
export function readDataMeta(path: string): DataMeta {
  const meta = readJsonFile(path) as Record<string, unknown> | null;
  if (meta === null || typeof meta !== 'object' || meta.formatVersion !== FORMAT_VERSION) {
    const version = (meta?.tool as { version?: unknown } | undefined)?.version;
    const writer = version ? ` (written by monocov ${shown(version)})` : '';
    throw new DataError(
      `${path}: data format version ${shown(meta?.formatVersion)}${writer} is not the version this monocov reads (${FORMAT_VERSION}); re-run coverage with one monocov version`,
      path,
    );
  }
  const reason = checkDataMeta(meta);
  if (reason) throw new DataError(`${path}: ${reason}`, path);
  const sources = Object.assign(Object.create(null) as Record<string, string>, meta.sources);
  if (meta.kind === 'workspace') {
    const projects = (meta.projects as MergedProject[]).map(({ project, projectRoot, files }) => ({ project, projectRoot, files }));
    const completeness = meta.completeness as ProjectCompleteness[] | undefined;
    return { kind: 'workspace', projects, sources, ...(completeness ? { completeness } : {}) };
  }
  const configHash = typeof meta.configHash === 'string' ? meta.configHash : '';
  // Data without a `tests` record (made by another tool) says nothing of how its tests ended.
  const failure = meta.tests === undefined ? undefined : runFailure(meta as unknown as Pick<ProjectMeta, 'tests' | 'laterRun'>);
  return { kind: 'project', project: meta.project as string, projectRoot: meta.projectRoot as string, configHash, sources, ...(failure !== undefined && { failure }) };
}

/** How a project's data falls short of passing tests: the completeness state it gives, and why, one phrase. */
export interface RunFailure {
  state: 'failed' | 'killed';
  reason: string;
}

/**
 * Why a project's data does not stand for passing tests; undefined when it does. Its tests
 * failed (the data shows what ran up to the failure), or were killed by a signal (`tests.signal`:
 * the data holds only what the processes that ended wrote, a killed process writes no coverage),
 * or a later run recorded nothing (`laterRun`; `killed` when a signal ended it).
 */
export function runFailure(meta: Pick<ProjectMeta, 'tests' | 'laterRun'>): RunFailure | undefined {
  const { tests, laterRun } = meta;
  if (laterRun) {
    return laterRun.signal !== null
      ? { state: 'killed', reason: `its last run was killed by ${laterRun.signal} before any coverage was recorded; the data is from an earlier run` }
      : { state: 'failed', reason: `its last run ran no test (${endedWith(laterRun)}); the data is from an earlier run` };
  }
  if (tests.signal !== null && tests.status !== 'passed') {
    return { state: 'killed', reason: `its tests were killed by ${tests.signal}; the data holds only what the processes that ended wrote` };
  }
  const failed = tests.status === undefined ? tests.exitCode !== 0 : tests.status === 'failed';
  return failed ? { state: 'failed', reason: `its tests failed (${endedWith(tests)}); the data shows what ran up to the failure` } : undefined;
}

/** `exit status 1`, `killed by SIGTERM`. */
function endedWith({ exitCode, signal }: EndedWith): string {
  return signal !== null ? `killed by ${signal}` : `exit status ${String(exitCode)}`;
}

/** Reads and checks a contexts.json; a malformed one is a DataError naming it. */
function readContextsFile(path: string): ContextsData {
  const data = readJsonFile(path);
  const reason = checkContextsData(data);
  if (reason) throw new DataError(`${path}: ${reason}`, path);
  return data as ContextsData;
}

/** One data file with what lies beside it, each checked. */
export interface StoredData {
  /**
   * The coverage entries, keyed as written, read one at a time as they are iterated: a bad entry
   * or bad JSON is a DataError (naming the file, which is to be skipped whole) when it is reached.
   */
  entries: Iterable<CoverageEntry>;
  /** meta.json beside a coverage-final.json; absent for bare istanbul data. */
  meta?: DataMeta;
  /** contexts.json beside a coverage-final.json, when the data recorded test contexts. */
  contexts?: ContextsData;
}

/**
 * Reads a data file's meta.json and contexts.json (beside a coverage-final.json; any other file
 * name is bare istanbul data), and gives its entries to be read. They are one unit: a DataError
 * in any of them, naming the file at fault, makes the whole unusable.
 */
export function readStoredData(file: string): StoredData {
  const companion = (name: string): string | undefined => {
    const path = join(dirname(file), name);
    return basename(file) === COVERAGE_FILE && existsSync(path) ? path : undefined;
  };
  const metaPath = companion(META_FILE);
  const meta = metaPath === undefined ? undefined : skippedWith(() => readDataMeta(metaPath), 'the data beside it was skipped', file);
  const contextsPath = companion(CONTEXTS_FILE);
  const contexts = contextsPath === undefined ? undefined : skippedWith(() => readContextsFile(contextsPath), 'the data beside it was skipped', contextsPath);
  const entries = function* (): Generator<CoverageEntry> {
    try {
      yield* readCoverageEntries(file);
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      throw new DataError(`${error.message}; the file was skipped`, file);
    }
  };
  return { entries: { [Symbol.iterator]: entries }, ...(meta ? { meta } : {}), ...(contexts ? { contexts } : {}) };
}

/** Reads one file of a data unit; its DataError also says what of the unit is skipped (`skipped`) and names `path`. */
function skippedWith<T>(read: () => T, skipped: string, path: string): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    throw new DataError(`${error.message}; ${skipped}`, path);
  }
}
