import type { CoverageMapData } from 'istanbul-lib-coverage';
import type { MergedProject, ProjectCompleteness } from '../../store/format';
import { formatChange } from '../markdown';
import type { Baseline } from '../markdown';
import { METRIC_ORDER, addTotals, emptyTotals, fileTotalsIn, percent, sumTotals, type Totals } from '../metrics';
import { groupByProject, type ProjectGroup } from '../projects';
import { compareStrings } from '../../compare';

/**
 * What the workspace HTML report shows, as plain data the page's script renders: one row per
 * project (metrics, data state, change against a baseline) and, per project, its folder tree
 * down to each file's page. Names stay data here; the page sets them as text, never as markup.
 */

/** One metric: covered, total, and its percentage (metrics.percent: the digits of every other output). */
export type MetricCell = [covered: number, total: number, pct: number];

/** Statements, branches, functions, lines (METRIC_ORDER). */
export type MetricCells = [MetricCell, MetricCell, MetricCell, MetricCell];

/** A change against the baseline, per metric: points rounded at the report's precision, and as the Markdown summary writes it. */
export type Change = [points: number, text: string];

export interface ProjectRow {
  /** Workspace-relative root; null for the files no project owns. */
  root: string | null;
  /** Project name (the Nx project, or the package's name); null for the files no project owns. */
  name: string | null;
  /**
   * The project's data state (completeness: current, stale, missing, untested, unexpected,
   * carried-forward, or a state added later); null when the merge was not told which projects to
   * expect, so nothing was checked.
   */
  state: string | null;
  /** Why the state is what it is. */
  reasons: string[];
  /** Number of files. */
  files: number;
  /** The project's metrics; null when it has no data. */
  metrics: MetricCells | null;
  /** Against the baseline: per metric; 'new' when the baseline has no such project; null without a baseline or data. */
  change: [Change, Change, Change, Change] | 'new' | null;
  /** Index of the project's tree in `trees`; null when it has no files. */
  tree: number | null;
}

/** A folder or file under a project: `children` for folders, `page` (relative to the html folder) for files. */
export interface TreeNode {
  name: string;
  metrics: MetricCells;
  children?: TreeNode[];
  page?: string;
}

export interface ReportModel {
  /** When the data was made (the footer's time). */
  generated: string;
  /** How the change column names the baseline; null without one. */
  baseline: string | null;
  total: { metrics: MetricCells; change: [Change, Change, Change, Change] | null; files: number };
  projects: ProjectRow[];
  /** One tree per project with files (ProjectRow.tree). */
  trees: TreeNode[];
  /** Workspace-relative path → index of its project's row in `projects`. */
  owners: Map<string, number>;
}

export interface ReportModelOptions {
  coverage: CoverageMapData;
  projects: ReadonlyArray<Pick<MergedProject, 'projectRoot' | 'project'>>;
  /** Each expected project's state, when the merge was told which to expect. */
  completeness?: ProjectCompleteness[];
  baseline?: Baseline;
  /** Places of every percentage and change (report.precision). */
  precision: number;
  /** Workspace-relative path → its file page, relative to the html folder. */
  pages: ReadonlyMap<string, string>;
  generated: Date;
}

export function buildReportModel(options: ReportModelOptions): ReportModel {
  const { coverage, baseline, precision } = options;
  const groups = groupByProject(coverage, options.projects);
  // The baseline grouped by today's projects, as the Markdown summary does, so a row compares the same folders.
  const baselineGroups = baseline && groupByProject(baseline.coverage, [...options.projects, ...baseline.projects]);
  const states = new Map((options.completeness ?? []).map((entry) => [entry.projectRoot, entry]));
  const rows: Array<{ row: ProjectRow; group?: ProjectGroup }> = [];

  for (const group of groups) {
    const totals = sumTotals(coverage, group.files);
    const entry = group.projectRoot === undefined ? undefined : states.get(group.projectRoot);
    let change: ProjectRow['change'] = null;
    if (baselineGroups && group.files.length > 0) {
      const before = baselineGroups.find((candidate) => candidate.projectRoot === group.projectRoot && candidate.files.length > 0);
      change = before ? changes(totals, sumTotals(baseline!.coverage, before.files), precision) : 'new';
    }
    const row: ProjectRow = {
      root: group.projectRoot ?? null,
      name: group.project ?? null,
      state: entry?.state ?? null,
      reasons: entry?.reasons ?? [],
      files: group.files.length,
      metrics: group.files.length > 0 ? metricCells(totals, precision) : null,
      change,
      tree: null,
    };
    rows.push({ row, group });
  }
  // Expected projects the merge has no data for (missing, not measured, failed) still get their row.
  const shown = new Set(groups.map((group) => group.projectRoot));
  for (const entry of options.completeness ?? []) {
    if (shown.has(entry.projectRoot)) continue;
    rows.push({ row: { root: entry.projectRoot, name: entry.project, state: entry.state, reasons: entry.reasons, files: 0, metrics: null, change: null, tree: null } });
  }
  // By root; the files no project owns last.
  rows.sort((a, b) => (a.row.root === null ? 1 : b.row.root === null ? -1 : compareStrings(a.row.root, b.row.root)));

  const trees: TreeNode[] = [];
  const owners = new Map<string, number>();
  rows.forEach(({ row, group }, index) => {
    if (!group || group.files.length === 0) return;
    row.tree = trees.push(projectTree(group, coverage, options.pages, precision)) - 1;
    for (const path of group.files) owners.set(path, index);
  });
  const projects = rows.map(({ row }) => row);

  const total = sumTotals(coverage);
  return {
    generated: options.generated.toISOString(),
    baseline: baseline?.label ?? null,
    total: { metrics: metricCells(total, precision), change: baseline ? changes(total, sumTotals(baseline.coverage), precision) : null, files: Object.keys(coverage).length },
    projects,
    trees,
    owners,
  };
}

/** Each metric's counts and its percentage: metrics.percent, the one number every output shows. */
export function metricCells(totals: Totals, precision: number): MetricCells {
  return METRIC_ORDER.map((metric) => [totals[metric].covered, totals[metric].total, percent(totals[metric], precision)]) as MetricCells;
}

/** Points of change per metric, computed and written as the Markdown summary does. */
function changes(now: Totals, then: Totals, precision: number): [Change, Change, Change, Change] {
  return METRIC_ORDER.map((metric) => {
    const points = percent(now[metric], precision) - percent(then[metric], precision);
    return [Math.round(points * 10 ** precision) / 10 ** precision, formatChange(points, precision)];
  }) as [Change, Change, Change, Change];
}

interface Folder {
  name: string;
  totals: Totals;
  folders: Map<string, Folder>;
  files: TreeNode[];
}

/**
 * A project's files as a folder tree, paths relative to its root, folders first then files,
 * each sorted by name. A chain of folders with one folder each (`src/lib/util`) is one node, as
 * istanbul folds them, so the drill-down does not click through empty levels.
 */
function projectTree(group: ProjectGroup, coverage: CoverageMapData, pages: ReadonlyMap<string, string>, precision: number): TreeNode {
  const prefix = group.projectRoot === undefined || group.projectRoot === '.' ? '' : `${group.projectRoot}/`;
  const root: Folder = { name: group.projectRoot ?? '', totals: emptyTotals(), folders: new Map(), files: [] };
  for (const path of group.files) {
    const totals = fileTotalsIn(coverage, path)!;
    const parts = path.slice(prefix.length).split('/');
    const name = parts.pop()!;
    let folder = root;
    addTotals(folder.totals, totals);
    for (const part of parts) {
      let next = folder.folders.get(part);
      if (!next) {
        next = { name: part, totals: emptyTotals(), folders: new Map(), files: [] };
        folder.folders.set(part, next);
      }
      folder = next;
      addTotals(folder.totals, totals);
    }
    folder.files.push({ name, metrics: metricCells(totals, precision), ...(pages.has(path) ? { page: pages.get(path)! } : {}) });
  }
  return toNode(root, precision);
}

function toNode(folder: Folder, precision: number): TreeNode {
  let current = folder;
  let name = folder.name;
  while (current.files.length === 0 && current.folders.size === 1) {
    current = [...current.folders.values()][0]!;
    name = name === '' ? current.name : `${name}/${current.name}`;
  }
  const folders = [...current.folders.values()].sort((a, b) => compareStrings(a.name, b.name)).map((child) => toNode(child, precision));
  const files = current.files.sort((a, b) => compareStrings(a.name, b.name));
  return { name, metrics: metricCells(current.totals, precision), children: [...folders, ...files] };
}
