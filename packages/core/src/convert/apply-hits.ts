import type { FileCoverageData } from 'istanbul-lib-coverage';
import type { ArmProbe, FileMaps, Span } from './file-maps';
import type { RangeTree } from './range-tree';
import type { ScriptMapping } from './script-mapping';

/** Executed-code offsets of a file's probes in one script, computed once per script and file. */
export interface ProbeOffsets {
  statements: (number | undefined)[];
  functions: (number | undefined)[];
  branches: ({ at: number | undefined } | { whole: number | undefined; minus: number | undefined })[][];
}

export function probeOffsets(maps: FileMaps, mapping: ScriptMapping, sourceIndex: number): ProbeOffsets {
  const offset = (span: Span): number | undefined => mapping.generatedOffset(sourceIndex, span);
  const arm = (probe: ArmProbe) =>
    'at' in probe ? { at: offset(probe.at) } : { whole: offset(probe.whole), minus: offset(probe.minus) };
  return {
    statements: maps.statementProbes.map(offset),
    functions: maps.functionProbes.map(offset),
    branches: maps.branchProbes.map((arms) => arms.map(arm)),
  };
}

/** Adds one script execution's counts (one process's ranges) to `coverage`. */
export function addHits(coverage: FileCoverageData, offsets: ProbeOffsets, ranges: RangeTree): void {
  const countAt = (offset: number | undefined): number => (offset === undefined ? 0 : (ranges.countAt(offset) ?? 0));
  offsets.statements.forEach((offset, id) => {
    coverage.s[id] = (coverage.s[id] ?? 0) + countAt(offset);
  });
  offsets.functions.forEach((offset, id) => {
    coverage.f[id] = (coverage.f[id] ?? 0) + countAt(offset);
  });
  offsets.branches.forEach((arms, id) => {
    const counts = coverage.b[id]!;
    arms.forEach((probe, arm) => {
      const count = 'at' in probe ? countAt(probe.at) : Math.max(0, countAt(probe.whole) - countAt(probe.minus));
      counts[arm] = (counts[arm] ?? 0) + count;
    });
  });
}
