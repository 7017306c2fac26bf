import type { CoverageMapData } from 'istanbul-lib-coverage';
import type { CoverageConfig, Metric } from '../config/types';
import { visibleControls } from '../escape';
import { METRIC_ORDER, addTotals, emptyTotals, fileTotalsIn, formatPercent, lineHits, percent, type Totals } from './metrics';
import { projectLabel, type ProjectGroup } from './projects';

export type TableOptions = Pick<CoverageConfig['report'], 'skipCovered' | 'skipEmpty' | 'showMissing' | 'precision' | 'sort'> & {
  /** Also list each project's files under it (`--files`). */
  perFile?: boolean;
};

interface Row {
  label: string;
  totals: Totals;
  missing: string;
  files?: Row[];
}

const HEADERS: Record<Metric, string> = { statements: '% Stmts', branches: '% Branch', functions: '% Funcs', lines: '% Lines' };

/**
 * The text report: a total row, one row per project and, with `perFile`, each project's files
 * beneath it — istanbul's text table, grouped the way a monorepo reads. Returns the text; the
 * caller prints it.
 */
export function formatTable(coverage: CoverageMapData, groups: ProjectGroup[], options: TableOptions): string {
  const fileTotalsByPath = new Map(Object.keys(coverage).map((path) => [path, fileTotalsIn(coverage, path)!]));
  const total = emptyTotals();
  for (const totals of fileTotalsByPath.values()) addTotals(total, totals);

  const skipped = { covered: 0, empty: 0 };
  const noun = options.perFile ? 'file' : 'project';
  const rows: Row[] = [];
  for (const group of groups) {
    const groupTotals = emptyTotals();
    const files: Row[] = [];
    for (const path of group.files) {
      const totals = fileTotalsByPath.get(path)!;
      addTotals(groupTotals, totals);
      if (!options.perFile) continue;
      if (options.skipEmpty && totals.statements.total === 0) skipped.empty++;
      else if (options.skipCovered && fullyCovered(totals)) skipped.covered++;
      else files.push({ label: `  ${path}`, totals, missing: options.showMissing ? missingLines(coverage, path) : '' });
    }
    const empty = groupTotals.statements.total === 0;
    if (!options.perFile) {
      if (options.skipEmpty && empty) {
        skipped.empty++;
        continue;
      }
      if (options.skipCovered && fullyCovered(groupTotals)) {
        skipped.covered++;
        continue;
      }
    } else if (files.length === 0 && group.files.length > 0) {
      continue; // every file of this project was skipped
    }
    rows.push({ label: ` ${projectLabel(group)}`, totals: groupTotals, missing: '', files: sortRows(files, options.sort) });
  }

  const ordered = sortRows(rows, options.sort).flatMap((row) => [row, ...(row.files ?? [])]);
  const withMissing = Boolean(options.perFile && options.showMissing);
  const lines = renderTable([{ label: 'All files', totals: total, missing: '' }, ...ordered], options.precision, withMissing);
  if (skipped.covered > 0) lines.push(`${skipped.covered} fully covered ${noun}${skipped.covered === 1 ? '' : 's'} not shown.`);
  if (skipped.empty > 0) lines.push(`${skipped.empty} empty ${noun}${skipped.empty === 1 ? '' : 's'} not shown.`);
  return lines.join('\n') + '\n';
}

/** istanbul's text-summary block for the workspace total. */
export function formatSummary(totals: Totals, precision: number): string {
  const rule = '='.repeat(80);
  const title = ' Coverage summary ';
  const left = Math.floor((80 - title.length) / 2);
  const lines = [`${'='.repeat(left)}${title}${'='.repeat(80 - left - title.length)}`];
  for (const metric of METRIC_ORDER) {
    const name = metric[0]!.toUpperCase() + metric.slice(1);
    const count = totals[metric];
    lines.push(`${name.padEnd(12)} : ${formatPercent(count, precision)}% ( ${count.covered}/${count.total} )`);
  }
  lines.push(rule);
  return lines.join('\n') + '\n';
}

function fullyCovered(totals: Totals): boolean {
  return METRIC_ORDER.every((metric) => totals[metric].covered === totals[metric].total);
}

function sortRows(rows: Row[], sort: TableOptions['sort']): Row[] {
  const byName = (a: Row, b: Row): number => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
  if (sort === 'name') return [...rows].sort(byName);
  return [...rows].sort((a, b) => percent(a.totals[sort], 10) - percent(b.totals[sort], 10) || byName(a, b));
}

function renderTable(rows: Row[], precision: number, withMissing: boolean): string[] {
  const header = ['Project / file', ...METRIC_ORDER.map((metric) => HEADERS[metric]), ...(withMissing ? ['Uncovered lines'] : [])];
  // Names come from source trees and data: shown escaped, so a line break cannot split a row and the widths count what is shown.
  const body = rows.map((row) => [
    visibleControls(row.label),
    ...METRIC_ORDER.map((metric) => formatPercent(row.totals[metric], precision)),
    ...(withMissing ? [row.missing] : []),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]!.length)));
  const last = header.length - 1;
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => {
        if (column === 0) return cell.padEnd(widths[0]!);
        if (withMissing && column === last) return cell.padEnd(widths[column]!);
        return cell.padStart(widths[column]!);
      })
      .join(' | ')
      .trimEnd();
  const separator = widths.map((width) => '-'.repeat(width)).join('-|-');
  return [separator, line(header), separator, ...body.map(line), separator];
}

/**
 * Uncovered lines as ranges, `3-5, 9`. As in coverage.py, a range runs on over lines without
 * statements (blank lines, comments), so it ends only at a covered line.
 */
function missingLines(coverage: CoverageMapData, path: string): string {
  const byLine = lineHits(coverage[path]!);
  const lines = Object.keys(byLine)
    .map(Number)
    .sort((a, b) => a - b);
  const ranges: string[] = [];
  let start: number | undefined;
  let end = 0;
  for (const line of lines) {
    if (byLine[line] === 0) {
      start ??= line;
      end = line;
    } else if (start !== undefined) {
      ranges.push(start === end ? String(start) : `${start}-${end}`);
      start = undefined;
    }
  }
  if (start !== undefined) ranges.push(start === end ? String(start) : `${start}-${end}`);
  return ranges.join(', ');
}
