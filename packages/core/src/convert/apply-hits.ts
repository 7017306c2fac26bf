import type { FileCoverageData } from 'istanbul-lib-coverage';
import type { FileMaps, Span } from './file-map-types';
import type { RangeTree } from './range-tree';
import type { ScriptMapping } from './script-mapping';

type Offset = number | undefined;

/** Executed-code offsets of a file's probes in one script, computed once per script and file. */
export interface ProbeOffsets {
  statements: Offset[];
  functions: Offset[];
  branches: Array<Array<{ at: Offset } | { whole: Offset; minus: Offset }>>;
}

export function probeOffsets(maps: FileMaps, mapping: ScriptMapping, sourceIndex: number): ProbeOffsets {
  const offset = (span: Span): Offset => mapping.generatedOffset(sourceIndex, span);
  return {
    statements: maps.statementProbes.map((probe) => offset(probe.span)),
    functions: maps.functionProbes.map(offset),
    branches: maps.branchProbes.map((arms) => arms.map((probe) => ('at' in probe ? { at: offset(probe.at) } : { whole: offset(probe.whole), minus: offset(probe.minus) }))),
  };
}

/** Adds one script execution's counts (one process's ranges) to `coverage`. */
export function addHits(coverage: FileCoverageData, maps: FileMaps, offsets: ProbeOffsets, ranges: RangeTree): void {
  const rangeAt = (offset: Offset): number => (offset === undefined ? -1 : ranges.indexAt(offset));

  const statementRanges = offsets.statements.map(rangeAt);
  const statementCounts: number[] = [];
  maps.statementProbes.forEach((probe, id) => {
    statementCounts[id] = ranges.countOf(statementRanges[id]!);
    // When the range read here also holds the straight-line statement before, V8 cut short the range
    // both should have shared (see control-flow.ts): the earlier statement's count is the right one.
    // A range of its own (a continuation that starts after that statement) is V8 counting exactly.
    const before = probe.follows === undefined ? undefined : offsets.statements[probe.follows];
    if (before !== undefined && ranges.contains(statementRanges[id]!, before)) statementCounts[id] = statementCounts[probe.follows!]!;
    coverage.s[id] = (coverage.s[id] ?? 0) + statementCounts[id];
  });

  offsets.functions.forEach((offset, id) => {
    coverage.f[id] = (coverage.f[id] ?? 0) + ranges.countOf(rangeAt(offset));
  });

  /** An arm V8 gives no range of its own (it reads its statement's range) runs as often as that statement. */
  const armCount = (offset: Offset, statement: number | undefined): number => {
    const index = rangeAt(offset);
    if (statement !== undefined && index !== -1 && index === statementRanges[statement]) return statementCounts[statement]!;
    return ranges.countOf(index);
  };
  offsets.branches.forEach((arms, index) => {
    const counts = coverage.b[maps.branchIds[index]!]!;
    arms.forEach((offsetsOfArm, arm) => {
      const { statement } = maps.branchProbes[index]![arm]!;
      const count = 'at' in offsetsOfArm ? armCount(offsetsOfArm.at, statement) : Math.max(0, armCount(offsetsOfArm.whole, statement) - armCount(offsetsOfArm.minus, undefined));
      counts[arm] = (counts[arm] ?? 0) + count;
    });
  });
}
