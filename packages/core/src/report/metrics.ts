import type { CoverageMapData, FileCoverageData } from 'istanbul-lib-coverage';
import type { Metric } from '../config/types';

/** The four metrics, in the order reports show them. */
export const METRIC_ORDER: readonly Metric[] = ['statements', 'branches', 'functions', 'lines'];

/** Covered and total items of one metric. */
export interface Count {
  covered: number;
  total: number;
}

/** A count per metric: statements, branches, functions, lines. */
export type Totals = Record<Metric, Count>;

export function emptyTotals(): Totals {
  return {
    statements: { covered: 0, total: 0 },
    branches: { covered: 0, total: 0 },
    functions: { covered: 0, total: 0 },
    lines: { covered: 0, total: 0 },
  };
}

/** Per data object: the table, the totals and each threshold ask for the same files' counts. */
const totalsOf = new WeakMap<FileCoverageData, Totals>();

/**
 * One file's counts: istanbul's summary of it (istanbul-lib-coverage's FileCoverage#toSummary,
 * lines from statement starts), whose metrics are Totals with istanbul's `skipped` and `pct`
 * beside the counts, so the reports' summaries are made from it without reading the file again
 * (report/writers.ts). Callers must not change it.
 */
export function fileTotals(file: FileCoverageData): Totals {
  let totals = totalsOf.get(file);
  if (totals === undefined) {
    totals = istanbulSummary(file);
    totalsOf.set(file, totals);
  }
  return totals;
}

/** A metric as istanbul's summary holds it: `skipped` is always 0 in a file's summary. */
interface SummaryCount extends Count {
  skipped: number;
  pct: number;
}

/**
 * What `createFileCoverage(file).toSummary().toJSON()` gives, counted from the data directly: the
 * same objects, keys in the same order (the json-summary report writes them as they are), without
 * istanbul's per-file objects and copies, which were most of the totals' cost (test/metrics.test.ts
 * compares the two on real data).
 */
function istanbulSummary(file: FileCoverageData): Totals {
  const summary = {
    lines: simpleCount(lineHits(file)),
    functions: simpleCount(file.f),
    statements: simpleCount(file.s),
    branches: branchCount(file.b),
  };
  // istanbul-lib-coverage counts the arms' truthy values (`bT`, recorded with reportLogic) when the data has them.
  const branchesTrue = (file as { bT?: Record<string, number[]> }).bT;
  return (branchesTrue ? { ...summary, branchesTrue: branchCount(branchesTrue) } : summary) as Totals;
}

/** Items and how many were hit (istanbul's computeSimpleTotals). */
function simpleCount(hits: Record<string, number>): SummaryCount {
  const values = Object.values(hits);
  let covered = 0;
  for (const value of values) if (value) covered++;
  return withPercent(values.length, covered);
}

/** Every arm of every branch, and how many ran (istanbul's computeBranchTotals). */
function branchCount(hits: Record<string, number[]>): SummaryCount {
  let total = 0;
  let covered = 0;
  for (const arms of Object.values(hits)) {
    total += arms.length;
    for (const count of arms) if (count > 0) covered++;
  }
  return withPercent(total, covered);
}

function withPercent(total: number, covered: number): SummaryCount {
  return { total, covered, skipped: 0, pct: percent({ covered, total }) };
}

/**
 * Hits per line, keyed by line number: the largest count of the statements that start on it
 * (istanbul-lib-coverage's FileCoverage#getLineCoverage, the line coverage of every istanbul report).
 */
export function lineHits(file: FileCoverageData): Record<string, number> {
  const { statementMap, s } = file;
  const byLine: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const id of Object.keys(s)) {
    const statement = statementMap[id];
    if (!statement) continue;
    const { line } = statement.start;
    const count = s[id]!;
    const before = byLine[line];
    if (before === undefined || before < count) byLine[line] = count;
  }
  return byLine;
}

export function addTotals(into: Totals, add: Totals): Totals {
  for (const metric of METRIC_ORDER) {
    into[metric].covered += add[metric].covered;
    into[metric].total += add[metric].total;
  }
  return into;
}

/** Maps that keep their files' totals (a merge's, whose files may be read back from disk: combine/merged-coverage.ts), by the map. */
const keptTotals = new WeakMap<CoverageMapData, (path: string) => Totals>();

/** Says that `coverage` knows its files' totals: sums ask it rather than read each file again. */
export function keepTotals(coverage: CoverageMapData, totalsOf: (path: string) => Totals): void {
  keptTotals.set(coverage, totalsOf);
}

/** The totals of `coverage`'s file `path`; undefined when it has none. */
export function fileTotalsIn(coverage: CoverageMapData, path: string): Totals | undefined {
  if (!Object.hasOwn(coverage, path)) return undefined;
  const kept = keptTotals.get(coverage);
  if (kept) return kept(path);
  const file = coverage[path];
  return file && fileTotals(file);
}

export function sumTotals(coverage: CoverageMapData, paths: Iterable<string> = Object.keys(coverage)): Totals {
  const totals = emptyTotals();
  for (const path of paths) {
    const file = fileTotalsIn(coverage, path);
    if (file) addTotals(totals, file);
  }
  return totals;
}

/**
 * A count's percentage: the one number every output shows. istanbul's rule
 * (istanbul-lib-coverage's `percent`, which its HTML, json-summary and cobertura reports use):
 * truncated, never rounded, to `precision` places — istanbul's own reports always use 2, the
 * default. Nothing to cover counts as 100%. Truncation keeps the places that are shown the same
 * at every precision (66.019 shows as 66.01 at 2 places and 66.0 at 1), and a value under a
 * threshold never shows as the threshold. Thresholds compare this number, so a message shows
 * exactly what was compared.
 */
export function percent(count: Count, precision = 2): number {
  if (count.total === 0) return 100;
  const scale = 10 ** precision;
  // istanbul's own arithmetic, `Math.floor((1000 * 100 * covered) / total / 10) / 100` at 2
  // places, so that float steps land on the same side as in the reports it writes.
  return Math.floor((10 * scale * 100 * count.covered) / count.total / 10) / scale;
}

/** Fixed places, for table columns: `71.42`, `100.00`. */
export function formatPercent(count: Count, precision: number): string {
  return percent(count, precision).toFixed(precision);
}

/** Shortest form, for messages: `71.42`, `50`, `0`. */
export function formatPercentShort(count: Count, precision: number): string {
  return String(percent(count, precision));
}
