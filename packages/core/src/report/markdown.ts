import type { CoverageMapData } from 'istanbul-lib-coverage';
import { visibleControls } from '../escape';
import type { MergedProject, ProjectCompleteness, ProjectDataState } from '../store/format';
import { METRIC_ORDER, formatPercent, percent, sumTotals, type Totals } from './metrics';
import { groupByProject, projectLabel, type ProjectGroup } from './projects';
import type { ThresholdMiss } from './thresholds';

/** The `markdown` reporter's file, beside the other workspace reports. */
export const SUMMARY_FILE = 'summary.md';

/** Coverage to compare with: another run's merged data (a data folder, or a git ref's). */
export interface Baseline {
  /** How the summary names it: the folder given, or the git ref. */
  label: string;
  coverage: CoverageMapData;
  projects: MergedProject[];
}

export interface MarkdownSummaryOptions {
  coverage: CoverageMapData;
  /** The projects that own files (fileOwners). */
  projects: ReadonlyArray<Pick<MergedProject, 'projectRoot' | 'project'>>;
  precision: number;
  baseline?: Baseline;
  /** The merge's completeness list: projects without current data are named under the table. */
  completeness?: ProjectCompleteness[];
  misses?: ThresholdMiss[];
}

const HEADER = ['Project', 'Statements', 'Branches', 'Functions', 'Lines'];

/**
 * A short Markdown summary for a GitHub job summary or pull-request comment: one row per
 * project and a total, each cell a percentage and, against a baseline, its change in points.
 * With a baseline, projects whose numbers did not move fold into a closed <details> block, so
 * the comment stays short in a large workspace. Below the table: projects without current
 * data, removed projects and missed thresholds, one line each.
 */
export function formatMarkdownSummary(options: MarkdownSummaryOptions): string {
  const { coverage, precision, baseline } = options;
  const groups = groupByProject(coverage, options.projects);
  // The baseline grouped by today's projects, so a row compares the same folders.
  const baselineGroups = baseline && groupByProject(baseline.coverage, [...options.projects, ...baseline.projects]);
  const before = (group: ProjectGroup): Totals | undefined => {
    const match = baselineGroups?.find((candidate) => candidate.projectRoot === group.projectRoot && candidate.files.length > 0);
    return match && sumTotals(baseline!.coverage, match.files);
  };

  const row = (label: string, now: Totals, then: Totals | undefined, bold = false): string[] => [
    bold ? `**${label}**` : label,
    ...METRIC_ORDER.map((metric) => {
      const value = `${formatPercent(now[metric], precision)}%`;
      const cell = then === undefined ? value : `${value} (${formatChange(percent(now[metric], precision) - percent(then[metric], precision), precision)})`;
      return bold ? `**${cell}**` : cell;
    }),
  ];

  const moved: string[][] = [];
  const still: string[][] = [];
  for (const group of groups) {
    const now = sumTotals(coverage, group.files);
    const then = before(group);
    const cells = row(code(projectLabel(group)), now, then);
    if (baseline && then === undefined) cells[0] += ' (new)';
    (baseline && then !== undefined && unchanged(now, then, precision) ? still : moved).push(cells);
  }
  const total = row('Total', sumTotals(coverage), baseline && sumTotals(baseline.coverage), true);

  const lines = ['### Coverage', '', ...table([...moved, total])];
  if (still.length > 0) {
    lines.push('', `<details><summary>${still.length} project(s) unchanged</summary>`, '', ...table(still), '', '</details>');
  }

  const notes: string[] = [];
  if (baseline) {
    notes.push(`Changes in percentage points against ${code(baseline.label)}.`);
    const roots = new Set(groups.map((group) => group.projectRoot));
    const removed = baselineGroups!.filter((group) => group.projectRoot !== undefined && group.files.length > 0 && !roots.has(group.projectRoot));
    if (removed.length > 0) notes.push(`Gone since the baseline: ${removed.map((group) => code(projectLabel(group))).join(', ')}.`);
  }
  const incomplete = (options.completeness ?? []).filter((entry) => entry.state !== 'current' && entry.state !== 'untested');
  if (incomplete.length > 0) {
    const shown = incomplete.map((entry) => `${code(entry.projectRoot)} (${STATE_NOTES[entry.state] ?? `${entry.state} data`})`);
    notes.push(`**Without current data:** ${shown.join(', ')}.`);
  }
  const untested = (options.completeness ?? []).filter((entry) => entry.state === 'untested');
  if (untested.length > 0) notes.push(`Not measured (no tests): ${untested.map((entry) => code(entry.projectRoot)).join(', ')}.`);
  for (const miss of options.misses ?? []) notes.push(`**Threshold missed:** ${escapeText(miss.message)}`);
  if (notes.length > 0) lines.push('', ...notes.flatMap((note, index) => (index === 0 ? [note] : ['', note])));
  return `${lines.join('\n')}\n`;
}

/** How the summary names a project's state where "<state> data" would not read. */
const STATE_NOTES: Partial<Record<ProjectDataState, string>> = { missing: 'no data', failed: 'tests failed', killed: 'tests killed' };

function table(rows: string[][]): string[] {
  return [`| ${HEADER.join(' | ')} |`, '| :-- | --: | --: | --: | --: |', ...rows.map((cells) => `| ${cells.join(' | ')} |`)];
}

function unchanged(now: Totals, then: Totals, precision: number): boolean {
  return METRIC_ORDER.every((metric) => percent(now[metric], precision) === percent(then[metric], precision));
}

/** `+1.25`, `-0.50`, `±0.00`: a change in percentage points at the report's precision. */
export function formatChange(points: number, precision: number): string {
  const rounded = Math.round(points * 10 ** precision) / 10 ** precision;
  if (rounded === 0) return `±${(0).toFixed(precision)}`;
  return `${rounded > 0 ? '+' : '-'}${Math.abs(rounded).toFixed(precision)}`;
}

/**
 * A code span that survives a table cell: line breaks and other control characters written as
 * `\n`, `\u001b` (a line break would end the row and start Markdown of the name's choosing),
 * `|` escaped, a fence longer than any backtick run inside.
 */
function code(name: string): string {
  const text = visibleControls(name);
  const fence = '`'.repeat(Math.max(0, ...[...text.matchAll(/`+/g)].map((run) => run[0].length)) + 1);
  const body = text.replace(/\|/g, '\\|');
  return fence.length > 1 ? `${fence} ${body} ${fence}` : `${fence}${body}${fence}`;
}

/** Plain text in a Markdown line: characters that would start markup or end a table cell are escaped. */
function escapeText(text: string): string {
  return visibleControls(text).replace(/[\\`*_[\]<>|#]/g, (char) => `\\${char}`);
}
