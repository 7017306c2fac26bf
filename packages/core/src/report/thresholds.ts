import type { CoverageMapData } from 'istanbul-lib-coverage';
import type { CoverageConfig, Metric, Threshold } from '../config/types';
import { METRIC_ORDER, fileTotalsIn, formatPercentShort, percent, sumTotals, type Totals } from './metrics';
import { normalizeProjectRoot } from '../layout';
import type { ProjectGroup } from './projects';

/** One missed threshold (or a perProject key no project answers to); `message` is the whole line. */
export interface ThresholdMiss {
  scope: 'workspace' | 'project' | 'file' | 'diff';
  /** The project key as configured, or the file path; undefined for the workspace total. */
  subject?: string;
  /** Undefined when `report.perProject` names a project the data does not hold. */
  metric?: Metric;
  /** The percentage measured, as every report shows it (`percent` at `report.precision`). */
  measured?: number;
  required?: number;
  /** e.g. `branches 71.43% < 80% (workspace total)`, `lines 50% < 90% (project packages/core)`. */
  message: string;
}

export interface ThresholdResult {
  misses: ThresholdMiss[];
  /** How many (subject, metric) pairs were checked. */
  checked: number;
}

export interface ThresholdOptions {
  coverage: CoverageMapData;
  /** Projects as grouped for the report (groupByProject). */
  groups: ProjectGroup[];
  report: Pick<CoverageConfig['report'], 'failUnder' | 'perProject' | 'perFile' | 'precision'>;
}

/**
 * coverage.py's fail_under for a monorepo: `failUnder` on the workspace total, `perProject`
 * (keyed by project root or name) on the files under that project's root, `perFile` on every
 * file. A measured value below the required one is a miss; nothing to measure counts as 100%.
 */
export function checkThresholds(options: ThresholdOptions): ThresholdResult {
  const { coverage, groups, report } = options;
  const misses: ThresholdMiss[] = [];
  let checked = 0;
  const check = (totals: Totals, threshold: Threshold | undefined, scope: ThresholdMiss['scope'], subject: string | undefined, where: string): void => {
    for (const [metric, required] of thresholdEntries(threshold)) {
      checked++;
      const measured = percent(totals[metric], report.precision);
      if (measured < required) {
        misses.push({ scope, subject, metric, measured, required, message: `${metric} ${formatPercentShort(totals[metric], report.precision)}% < ${required}% (${where})` });
      }
    }
  };

  if (report.failUnder !== undefined) check(sumTotals(coverage), report.failUnder, 'workspace', undefined, 'workspace total');

  const known = groups.filter((group) => group.projectRoot !== undefined);
  for (const key of Object.keys(report.perProject ?? {}).sort()) {
    const root = normalizeProjectRoot(key);
    const group = known.find((candidate) => candidate.projectRoot === root) ?? known.find((candidate) => candidate.project === key);
    if (!group) {
      const names = known.map((candidate) => candidate.projectRoot).join(', ') || 'none';
      misses.push({
        scope: 'project',
        subject: key,
        message: `report.perProject "${key}": no project with this root or name in the data (projects: ${names})`,
      });
      continue;
    }
    check(sumTotals(coverage, group.files), report.perProject[key], 'project', key, `project ${key}`);
  }

  if (report.perFile !== undefined) {
    for (const path of Object.keys(coverage).sort()) check(fileTotalsIn(coverage, path)!, report.perFile, 'file', path, `file ${path}`);
  }
  return { misses, checked };
}

/** `80` → all four metrics at 80; `{ lines: 90 }` → lines only. In report order. */
function thresholdEntries(threshold: Threshold | undefined): Array<[Metric, number]> {
  if (threshold === undefined) return [];
  if (typeof threshold === 'number') return METRIC_ORDER.map((metric) => [metric, threshold]);
  return METRIC_ORDER.filter((metric) => typeof threshold[metric] === 'number').map((metric) => [metric, threshold[metric]!]);
}
