import type { BranchMapping, FunctionMapping, Range } from 'istanbul-lib-coverage';
import type { ArmProbe, FileMaps, Span, StatementProbe } from './file-map-types';
import type { IgnoredLines } from './ignore-hints';

/** Removes entries that start on lines excluded by c8-style line hints, renumbering what is left. */
export function dropIgnoredLines(maps: FileMaps, ignored: IgnoredLines): FileMaps {
  if (ignored.empty) return maps;
  const { coverage } = maps;

  const statementMap: Record<string, Range> = {};
  const s: Record<string, number> = {};
  const newStatementId = new Map<number, number>();
  const kept: StatementProbe[] = [];
  Object.values(coverage.statementMap).forEach((range, oldId) => {
    if (ignored.has(range.start.line)) return;
    newStatementId.set(oldId, kept.length);
    statementMap[kept.length] = range;
    s[kept.length] = 0;
    kept.push(maps.statementProbes[oldId]!);
  });
  // References to a dropped statement pass to the statement it follows, which runs as often.
  const remap = (oldId: number | undefined): number | undefined => {
    while (oldId !== undefined && !newStatementId.has(oldId)) oldId = maps.statementProbes[oldId]?.follows;
    return oldId === undefined ? undefined : newStatementId.get(oldId);
  };
  const statementProbes = kept.map((probe): StatementProbe => {
    const follows = remap(probe.follows);
    return follows === undefined ? { span: probe.span } : { follows, span: probe.span };
  });

  const fnMap: Record<string, FunctionMapping> = {};
  const f: Record<string, number> = {};
  const functionProbes: Span[] = [];
  Object.values(coverage.fnMap).forEach((fn, i) => {
    if (ignored.has(fn.decl.start.line)) return;
    fnMap[functionProbes.length] = fn;
    f[functionProbes.length] = 0;
    functionProbes.push(maps.functionProbes[i]!);
  });

  const branchMap: Record<string, BranchMapping> = {};
  const b: Record<string, number[]> = {};
  const branchProbes: ArmProbe[][] = [];
  Object.values(coverage.branchMap).forEach((branch, i) => {
    if (ignored.has(branch.loc.start.line)) return;
    const arms = branch.locations
      .map((location, arm) => ({ location, probe: maps.branchProbes[i]![arm]! }))
      .filter(({ location }) => location.start.line === undefined || !ignored.has(location.start.line));
    if (arms.length === 0) return;
    branchMap[branchProbes.length] = { ...branch, locations: arms.map((arm) => arm.location) };
    b[branchProbes.length] = arms.map(() => 0);
    branchProbes.push(
      arms.map(({ probe }) => {
        const { statement, ...rest } = probe;
        return withStatement(rest, remap(statement));
      }),
    );
  });

  return {
    branchIds: branchProbes.map((_, id) => String(id)),
    branchProbes,
    coverage: { b, branchMap, f, fnMap, path: coverage.path, s, statementMap },
    functionProbes,
    statementProbes,
  };
}

/** An arm probe that also names its innermost statement; keys in written (sorted) order, as in istanbul-maps.ts. */
export function withStatement(probe: ArmProbe, statement: number | undefined): ArmProbe {
  if (statement === undefined) return probe;
  return 'at' in probe ? { at: probe.at, statement } : { minus: probe.minus, statement, whole: probe.whole };
}
