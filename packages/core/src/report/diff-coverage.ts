import type { CoverageMapData } from 'istanbul-lib-coverage';
import { formatPercentShort, lineHits, percent } from './metrics';

/** One file's changed lines that hold code, and which of them no test ran. */
export interface DiffFileCoverage {
  path: string;
  /** Changed lines that hold code, covered or not. */
  executable: number;
  /** Changed executable lines no test ran, ascending. */
  uncovered: number[];
}

/** Coverage of the changed lines only: `covered` of `total` executable changed lines. */
export interface DiffCoverage {
  /** Files with changed executable lines, by path. */
  files: DiffFileCoverage[];
  covered: number;
  total: number;
}

/**
 * Coverage of the changed lines only. A changed line counts when it holds code (istanbul's line
 * coverage has an entry for it); blank lines, comments and types are not measured. Changed files
 * outside the data (tests, omitted files) are not measured either.
 */
export function diffCoverage(coverage: CoverageMapData, changed: Map<string, Set<number>>): DiffCoverage {
  const files: DiffFileCoverage[] = [];
  let covered = 0;
  let total = 0;
  for (const path of [...changed.keys()].sort()) {
    const data = coverage[path];
    if (!data) continue;
    const hits = lineHits(data);
    const lines = [...changed.get(path)!].filter((line) => hits[line] !== undefined).sort((a, b) => a - b);
    if (lines.length === 0) continue;
    const uncovered = lines.filter((line) => hits[line] === 0);
    files.push({ path, executable: lines.length, uncovered });
    total += lines.length;
    covered += lines.length - uncovered.length;
  }
  return { files, covered, total };
}

/** The changed lines' percentage by the same rule as every other (`percent`); nothing changed that holds code counts as fully covered. */
export function diffPercent(diff: DiffCoverage, precision: number): number {
  return percent(diff, precision);
}

/** `path:12,14-16` for each file with uncovered changed lines. */
export function formatUncovered(diff: DiffCoverage): string[] {
  return diff.files.filter((file) => file.uncovered.length > 0).map((file) => `${file.path}:${compactRanges(file.uncovered)}`);
}

export function formatDiffCoverage(diff: DiffCoverage, base: string, precision: number): string {
  const lines = [`Diff coverage since ${base}: ${formatPercentShort(diff, precision)}% of ${diff.total} changed executable line(s) covered`];
  for (const entry of formatUncovered(diff)) lines.push(`  not covered: ${entry}`);
  return lines.join('\n') + '\n';
}

function compactRanges(sorted: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let end = i;
    while (end + 1 < sorted.length && sorted[end + 1] === sorted[end]! + 1) end++;
    parts.push(end === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[end]}`);
    i = end;
  }
  return parts.join(',');
}
