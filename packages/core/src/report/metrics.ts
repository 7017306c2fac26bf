import libCoverage from 'istanbul-lib-coverage';
import type { CoverageMapData, FileCoverageData } from 'istanbul-lib-coverage';
import type { Metric } from '../config/types';

/** The four metrics, in the order reports show them. */
export const METRIC_ORDER: readonly Metric[] = ['statements', 'branches', 'functions', 'lines'];

export interface Count {
  covered: number;
  total: number;
}

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

/** One file's counts, as istanbul computes them (lines from statement starts). Callers must not change the result. */
export function fileTotals(file: FileCoverageData): Totals {
  let totals = totalsOf.get(file);
  if (totals === undefined) {
    const summary = libCoverage.createFileCoverage(file).toSummary();
    totals = emptyTotals();
    for (const metric of METRIC_ORDER) {
      totals[metric] = { covered: summary[metric].covered, total: summary[metric].total };
    }
    totalsOf.set(file, totals);
  }
  return totals;
}

export function addTotals(into: Totals, add: Totals): Totals {
  for (const metric of METRIC_ORDER) {
    into[metric].covered += add[metric].covered;
    into[metric].total += add[metric].total;
  }
  return into;
}

export function sumTotals(coverage: CoverageMapData, paths: Iterable<string> = Object.keys(coverage)): Totals {
  const totals = emptyTotals();
  for (const path of paths) {
    const file = coverage[path];
    if (file) addTotals(totals, fileTotals(file));
  }
  return totals;
}

/** Exact percentage; nothing to cover counts as 100%, as in istanbul. */
export function percent(count: Count): number {
  return count.total === 0 ? 100 : (100 * count.covered) / count.total;
}

/**
 * A percentage rounded to `precision` places, never rounded onto a boundary it did not reach
 * (coverage.py's rule): 99.999 shows as 99.99, not 100; 0.001 as 0.01, not 0; and with
 * `below`, a value under a threshold never shows as the threshold (79.996 < 80 shows 79.99).
 */
export function roundPercent(value: number, precision: number, below?: number): number {
  const scale = 10 ** precision;
  let rounded = Math.round(value * scale) / scale;
  if (rounded === 100 && value < 100) rounded = Math.floor(value * scale) / scale;
  if (rounded === 0 && value > 0) rounded = Math.ceil(value * scale) / scale;
  if (below !== undefined && value < below && rounded >= below) rounded = Math.floor(value * scale) / scale;
  return rounded;
}

/** Fixed places, for table columns: `71.43`, `100.00`. */
export function formatPercent(value: number, precision: number): string {
  return roundPercent(value, precision).toFixed(precision);
}

/** Shortest form, for messages: `71.43`, `50`, `0`. */
export function formatPercentShort(value: number, precision: number, below?: number): string {
  return String(roundPercent(value, precision, below));
}
