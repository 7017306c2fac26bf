import type { CoverageMapData } from 'istanbul-lib-coverage';
import type { Metric } from './config/types';
import { addMember, applyEdits, memberOf, parseJsonTree, type JsonNode, type TextEdit } from './config/json-edit';
import type { MergedProject } from './store/format';
import { METRIC_ORDER, percent, sumTotals, type Totals } from './report/metrics';
import { normalizeProjectRoot } from './layout';
import { groupByProject, type ProjectGroup } from './report/projects';

/**
 * `monocov ratchet`: thresholds only go up. Each threshold in `.coveragerc.json` below what was
 * measured is raised to the measurement, rounded down to `report.precision` places (so the
 * check it gates still passes on the same data); none is ever lowered.
 * - `report.failUnder` and each `report.perProject` entry: a per-metric object has each of its
 *   metrics raised; a single number (one threshold for all four metrics) keeps its shape and
 *   rises to the lowest metric's measurement.
 * - With `addProjects`, a project without a `perProject` entry gets one with all four metrics.
 * The file is edited in place (see config/json-edit.ts): its layout and key order are kept, and
 * a second run on the same data changes nothing.
 */

export interface RatchetOptions {
  /** The rc file's text. */
  text: string;
  /** Merged coverage, keyed by workspace-relative paths. */
  coverage: CoverageMapData;
  projects: MergedProject[];
  /** Decimal places thresholds are written with (`report.precision`). */
  precision: number;
  /** Add a `perProject` entry, keyed by project root, for every project that has none. */
  addProjects?: boolean;
}

export interface RatchetChange {
  /** `report.failUnder.lines`, `report.perProject["packages/a"]`, … */
  key: string;
  /** Undefined for an entry added. */
  from?: number;
  to: number | Partial<Record<Metric, number>>;
}

export interface RatchetResult {
  text: string;
  changes: RatchetChange[];
}

export function ratchetThresholds(options: RatchetOptions): RatchetResult {
  const { coverage, precision } = options;
  const reached = (totals: Totals, metric: Metric): number => percent(totals[metric], precision);
  const changes: RatchetChange[] = [];
  const edits: TextEdit[] = [];

  /** Raises one threshold value (a number or a per-metric object) to `totals`. */
  const raise = (node: JsonNode, totals: Totals, key: string): void => {
    if (node.kind === 'value' && typeof node.value === 'number') {
      const target = Math.min(...METRIC_ORDER.map((metric) => reached(totals, metric)));
      if (target > node.value) {
        edits.push({ start: node.start, end: node.end, text: String(target) });
        changes.push({ key, from: node.value, to: target });
      }
      return;
    }
    if (node.kind !== 'object') return;
    for (const member of node.members) {
      const metric = member.key as Metric;
      if (!METRIC_ORDER.includes(metric) || member.value.kind !== 'value' || typeof member.value.value !== 'number') continue;
      const target = reached(totals, metric);
      if (target > member.value.value) {
        edits.push({ start: member.value.start, end: member.value.end, text: String(target) });
        changes.push({ key: `${key}.${metric}`, from: member.value.value, to: target });
      }
    }
  };

  const tree = parseJsonTree(options.text);
  const report = memberOf(tree, 'report');
  const failUnder = memberOf(report, 'failUnder');
  if (failUnder) raise(failUnder, sumTotals(coverage), 'report.failUnder');

  const groups = groupByProject(coverage, options.projects).filter((group) => group.projectRoot !== undefined);
  const perProject = memberOf(report, 'perProject');
  const configured = perProject?.kind === 'object' ? perProject.members : [];
  for (const member of configured) {
    const group = findGroup(groups, member.key);
    if (group) raise(member.value, sumTotals(coverage, group.files), `report.perProject${keyText(member.key)}`);
  }
  let text = applyEdits(options.text, edits);

  if (options.addProjects) {
    for (const group of groups) {
      if (configured.some((member) => findGroup([group], member.key))) continue;
      const totals = sumTotals(coverage, group.files);
      const entry = Object.fromEntries(METRIC_ORDER.map((metric) => [metric, reached(totals, metric)]));
      text = addNested(text, ['report', 'perProject'], group.projectRoot!, entry);
      changes.push({ key: `report.perProject${keyText(group.projectRoot!)}`, to: entry });
    }
  }
  return { text, changes };
}

/** The project a `perProject` key names, by root or by name, as the threshold check finds it. */
function findGroup(groups: ProjectGroup[], key: string): ProjectGroup | undefined {
  const root = normalizeProjectRoot(key);
  return groups.find((group) => group.projectRoot === root) ?? groups.find((group) => group.project === key);
}

/** Adds `key: value` to the object at `path`, creating the objects on the way (each laid out by addMember). */
function addNested(text: string, path: string[], key: string, value: unknown): string {
  let current = text;
  for (let depth = 0; depth <= path.length; depth++) {
    let node: JsonNode | undefined = parseJsonTree(current);
    for (const segment of path.slice(0, depth)) node = memberOf(node, segment);
    if (node?.kind !== 'object') throw new Error(`${path.slice(0, depth).join('.')} is not an object`);
    const next = path[depth];
    if (next === undefined) return applyEdits(current, [addMember(current, node, key, value)]);
    if (memberOf(node, next) === undefined) current = applyEdits(current, [addMember(current, node, next, {})]);
  }
  return current;
}

function keyText(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
