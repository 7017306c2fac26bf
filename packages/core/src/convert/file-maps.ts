import type { FileCoverageData, Range } from 'istanbul-lib-coverage';
import { analyzeControlFlow, spanKey, type ControlFlow } from './control-flow';
import { dropIgnoredLines, withStatement } from './drop-ignored';
import { adoptNodeHints, ignoredLines } from './ignore-hints';
import { istanbulMaps } from './istanbul-maps';
import type { ArmProbe, FileMaps, Span, StatementProbe } from './file-map-types';
import { parseSource } from './parse-source';

/**
 * Builds a file's maps as istanbul-lib-instrument's visitor defines them on the original source,
 * so statements, functions and branches are exactly the ones nyc and Jest report; then derives
 * where each entry's count is read.
 */
export function buildFileMaps(path: string, code: string): FileMaps {
  const ast = parseSource(code, path);
  const comments = ast.comments ?? [];
  adoptNodeHints(comments);
  const flow = analyzeControlFlow(ast);
  const coverage = istanbulMaps(ast, path);
  const { branchIds, branchProbes, functionProbes, statementProbes } = deriveProbes(coverage, flow);
  return dropIgnoredLines({ branchIds, branchProbes, coverage, functionProbes, statementProbes }, ignoredLines(comments));
}

// Probes are kept in the map cache: keys in written (sorted) order, as in istanbul-maps.ts.
function spanOf(range: Range): Span {
  return {
    end: { column: range.end.column, line: range.end.line },
    start: { column: range.start.column, line: range.start.line },
  };
}

function deriveProbes(coverage: FileCoverageData, flow: ControlFlow): Omit<FileMaps, 'coverage'> {
  const statementRanges = Object.values(coverage.statementMap);
  const statementKeys = statementRanges.map(spanKey);
  const statementIds = new Map<string, number>();
  statementKeys.forEach((key, id) => {
    if (!statementIds.has(key)) statementIds.set(key, id);
  });
  // A statement istanbul did not count (an ignored one) still runs as often as the one it follows.
  const statementId = (key: string | undefined): number | undefined => {
    for (let seen = 0; key !== undefined && seen < 10_000; seen++) {
      const id = statementIds.get(key);
      if (id !== undefined) return id;
      key = flow.follows.get(key);
    }
    return undefined;
  };

  const statementProbes = statementRanges.map((range, id): StatementProbe => {
    const follows = statementId(flow.follows.get(statementKeys[id]!));
    return follows !== undefined && follows < id ? { follows, span: spanOf(range) } : { span: spanOf(range) };
  });
  // A function runs as often as its body is entered; the body lies inside V8's range for the function.
  const functionProbes = Object.values(coverage.fnMap).map((fn) => spanOf(fn.loc));
  const branchIds = Object.keys(coverage.branchMap);
  const branchProbes = Object.values(coverage.branchMap).map((branch) =>
    branch.locations.map((location): ArmProbe => {
      if (branch.type !== 'if') {
        return withStatement({ at: spanOf(location) }, statementId(flow.enclosingStatement.get(spanKey(location))));
      }
      const ifKey = spanKey(branch.loc);
      const whole = spanOf(branch.loc);
      const statement = statementId(ifKey);
      const consequent = flow.consequents.get(ifKey) ?? whole;
      // istanbul records the consequent arm at the `if` itself, and an absent else with no location.
      if (location.start.line === undefined) return withStatement({ minus: consequent, whole }, statement);
      if (spanKey(location) === ifKey) return withStatement({ at: consequent }, statement);
      return withStatement({ at: spanOf(location) }, statement);
    }),
  );
  return { branchIds, branchProbes, functionProbes, statementProbes };
}
