import type { BranchMapping, CoverageMapData, FileCoverageData, FunctionMapping, Range } from 'istanbul-lib-coverage';
import { stableStringify } from './stable-json';
import { compareStrings } from './compare';

/**
 * The n-ary merge of istanbul file coverage (istanbul-lib-coverage's FileCoverage.merge, made
 * n-ary and order-free). Pure: no files, no path mapping; inputs are checked data (store/shape.ts)
 * keyed by workspace-relative path, and are never mutated.
 * - A file reached from several inputs is listed once, with the hits of every input.
 * - Statements, functions and branches are matched by source location, never by index. When
 *   every input has the same map for a file (the usual case: one source, one converter) the
 *   keys are kept and hits added key by key. When maps differ, the union of locations is
 *   re-indexed in source order, and an item missing from one input takes the hits of that
 *   input's narrowest range containing it (istanbul's rule for coarser ranges).
 * - Sums are taken over all inputs at once, so the result does not depend on input order, and
 *   are capped at Number.MAX_SAFE_INTEGER so JSON stays exact.
 * - Inputs with `all: true` (placeholders for never-loaded files) give way to real data.
 * - Only the istanbul fields (path, maps, hits, bT, all) are carried over.
 */

export interface MergeOptions {
  /**
   * The inputs belong to this merge (parsed for it and dropped after), so the result may share
   * their map objects instead of copying them — copies were a third of a big merge's time.
   */
  owned?: boolean;
}

/** Merges coverage maps (keyed by workspace-relative paths) by the rules above. */
export function mergeCoverageMaps(maps: CoverageMapData[], options: MergeOptions = {}): CoverageMapData {
  return mergeCoverageEntries(
    maps.flatMap((map) => Object.entries(map)),
    options,
  );
}

/** Merges `[path, file coverage]` pairs, a path possibly given many times, by the rules above; keys sorted. */
export function mergeCoverageEntries(entries: Iterable<[string, FileCoverageData]>, options: MergeOptions = {}): CoverageMapData {
  const byPath = new Map<string, FileCoverageData[]>();
  for (const [path, file] of entries) {
    const list = byPath.get(path);
    if (list) list.push(file);
    else byPath.set(path, [file]);
  }
  const merged: CoverageMapData = {};
  for (const path of [...byPath.keys()].sort(compareStrings)) merged[path] = mergeFileCoverage(path, byPath.get(path)!, options);
  return merged;
}

interface Part<Item, Hits> {
  map: Record<string, Item>;
  hits: Record<string, Hits>;
}

type Hits = number | number[];

/** istanbul's optional fields that its typings leave out. */
type FullFileCoverage = FileCoverageData & { all?: boolean; bT?: Record<string, number[]> };

/** One file's inputs merged by the rules above. */
export function mergeFileCoverage(path: string, inputs: FullFileCoverage[], { owned = false }: MergeOptions = {}): FileCoverageData {
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
