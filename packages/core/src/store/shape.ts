import type { BranchMapping, Range } from 'istanbul-lib-coverage';
import { FORMAT_VERSION, type ContextsData, type MergedProject, type ProjectCompleteness, type ProjectDataState } from './format';
import { isObject } from '../is-object';

/**
 * The one shape check of each data file, at the door: istanbul itself crashes deep inside merge
 * or report on malformed data, and data files are untrusted input. Each check returns why a
 * value is unusable (a phrase ready to follow the file's name), or undefined when it is usable.
 */

const INDEX_KEY = /^(0|[1-9]\d*)$/;

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
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return Array.isArray(value) ? 'a list nested too deep to show' : 'an object nested too deep to show'; // deeper than the stack
  }
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Deepest nesting accepted in one file's coverage: istanbul's own is 6 levels (branchMap → locations → start). */
export const MAX_ENTRY_DEPTH = 32;

/**
 * Whether objects and arrays in `value` (itself at `depth`) nest deeper than `limit`: a value
 * nested 20,000 deep in a field no check reads (a function's `line`) would otherwise overflow the
 * stack of the writer that sorts the merged data (found by tools/fuzz). The recursion stops at
 * `limit`, so it never goes deeper than 33 frames itself; it allocates nothing, which a merge of
 * thousands of entries feels (a queue of [value, depth] pairs was a seventh of a merge's CPU).
 */
function nestedDeeperThan(value: object, limit: number, depth = 1): boolean {
  if (depth > limit) return true;
  if (Array.isArray(value)) {
    for (const child of value) if (child !== null && typeof child === 'object' && nestedDeeperThan(child, limit, depth + 1)) return true;
    return false;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const child = (value as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object' && nestedDeeperThan(child, limit, depth + 1)) return true;
  }
  return false;
}

/** Why `value` is not usable istanbul file coverage, or undefined when it is. */
export function checkFileCoverage(value: unknown): string | undefined {
  if (!isObject(value)) return 'is not istanbul file coverage (expected an object)';
  if (nestedDeeperThan(value, MAX_ENTRY_DEPTH)) return `is nested more than ${MAX_ENTRY_DEPTH} levels deep (istanbul's coverage is 6)`;
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

const SOURCE_RANGE = 'a source range { start: { line, column }, end: { line, column } } of whole numbers from 0';

function checkStatement(item: unknown): string | undefined {
  return isRange(item) ? undefined : `is ${describe(item)}, not ${SOURCE_RANGE}`;
}

/**
 * Why an entry's `loc` is unusable, naming the part that is: runners have written ranges istanbul's
 * readers cannot use (Vitest 3.1 an untested file's function ending at a negative column, which
 * monocov puts right only where it reads Vitest's output: runners/read-output.ts).
 */
function checkLoc(loc: unknown): string | undefined {
  if (loc === undefined) return 'has no source range "loc"';
  if (!isObject(loc)) return `has a "loc" of ${describe(loc)}, not ${SOURCE_RANGE}`;
  for (const end of ['start', 'end'] as const) {
    const position = loc[end];
    if (!isObject(position)) return `has loc.${end} ${describe(position)}, not { line, column }`;
    if (!isCount(position.line)) return `has loc.${end}.line ${describe(position.line)}, not a whole number from 0`;
    if (!isPosition(position)) return `has loc.${end}.column ${describe(position.column)}, not a whole number from 0`;
  }
  return undefined;
}

function checkFunction(item: unknown): string | undefined {
  if (!isObject(item)) return `is ${describe(item)}, not a function entry`;
  if (typeof item.name !== 'string') return 'has no "name" string';
  const loc = checkLoc(item.loc);
  if (loc) return loc;
  if (item.decl !== undefined && !isRange(item.decl)) return 'has a "decl" that is not a source range';
  return undefined;
}

function checkBranch(item: unknown): string | undefined {
  if (!isObject(item)) return `is ${describe(item)}, not a branch entry`;
  const loc = checkLoc(item.loc);
  if (loc) return loc;
  if (!Array.isArray(item.locations) || item.locations.length === 0 || !item.locations.every(isBranchLocation)) {
    return 'has no "locations" list of source ranges';
  }
  return undefined;
}

const PROJECT_STATES: readonly ProjectDataState[] = ['current', 'missing', 'stale', 'failed', 'killed', 'untested', 'unexpected', 'carried-forward'];

/**
 * Why a meta.json (of one project's data, or of merged workspace data when `kind` is
 * "workspace") is unusable. Its format version is checked before, by the reader.
 */
export function checkDataMeta(meta: Record<string, unknown>): string | undefined {
  if (meta.sources !== undefined && (!isObject(meta.sources) || !Object.values(meta.sources).every((hash) => typeof hash === 'string'))) {
    return '"sources" is not an object of content hashes';
  }
  if (meta.kind === 'workspace') {
    if (!Array.isArray(meta.projects)) return '"projects" is not a list';
    for (const entry of meta.projects as unknown[]) {
      const project = (isObject(entry) ? entry : {}) as Partial<Record<keyof MergedProject, unknown>>;
      if (typeof project.project !== 'string') return 'a project without a "project" name';
      if (!isStringList(project.files)) return `project "${project.project}" has no "files" list`;
      if (typeof project.projectRoot !== 'string') return `projectRoot ${describe(project.projectRoot)} is not a string`;
    }
    if (meta.completeness !== undefined && !(Array.isArray(meta.completeness) && meta.completeness.every(isProjectCompleteness))) {
      return '"completeness" is not a list of project states';
    }
    return undefined;
  }
  if (typeof meta.project !== 'string') return `project ${describe(meta.project)} is not a string`;
  if (typeof meta.projectRoot !== 'string') return `projectRoot ${describe(meta.projectRoot)} is not a string`;
  for (const key of ['tests', 'laterRun']) {
    const ended = meta[key];
    if (
      ended !== undefined &&
      !(isObject(ended) && (ended.exitCode === null || typeof ended.exitCode === 'number') && (ended.signal === null || typeof ended.signal === 'string'))
    ) {
      return `"${key}" is not an object of exitCode and signal`;
    }
  }
  return undefined;
}

function isProjectCompleteness(value: unknown): value is ProjectCompleteness {
  return (
    isObject(value) &&
    typeof value.project === 'string' &&
    typeof value.projectRoot === 'string' &&
    PROJECT_STATES.includes(value.state as ProjectDataState) &&
    isStringList(value.reasons)
  );
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Why a contexts.json is unusable. */
export function checkContextsData(data: unknown): string | undefined {
  if (!isObject(data)) return 'is not a contexts.json object';
  if (data.formatVersion !== FORMAT_VERSION) return `data format version ${String(data.formatVersion)} is not the version this monocov reads (${FORMAT_VERSION})`;
  const { contexts, lines } = data as Partial<Record<keyof ContextsData, unknown>>;
  if (!isStringList(contexts)) return '"contexts" is not a list of test names';
  if (!isObject(lines)) return '"lines" is not an object';
  for (const [file, byLine] of Object.entries(lines)) {
    if (!isObject(byLine)) return `lines of "${file}" are not an object`;
    for (const [line, indexes] of Object.entries(byLine)) {
      const valid = /^[1-9]\d*$/.test(line) && Array.isArray(indexes) && indexes.every((i) => Number.isInteger(i) && i >= 0 && i < contexts.length);
      if (!valid) return `line "${line}" of "${file}" does not list test indexes`;
    }
  }
  return undefined;
}
