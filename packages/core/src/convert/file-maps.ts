import * as types from '@babel/types';
import type { File, Node } from '@babel/types';
import type { BranchMapping, FileCoverageData, FunctionMapping, Range } from 'istanbul-lib-coverage';
import { adoptNodeHints, ignoredLines, type IgnoredLines } from './ignore-hints';
import { parseSource } from './parse-source';

/** A position in the original source: line from 1, column from 0 (UTF-16 units), as istanbul writes them. */
export interface Position {
  line: number;
  column: number;
}

/** The original code an entry stands for; its count is read where this code starts in the executed script. */
export interface Span {
  start: Position;
  end: Position;
}

/**
 * Where V8 tells how often one branch arm ran: the count at `at`, or, for an `if` without `else`
 * (nothing in the code to point at), the `if`'s count minus its consequent's.
 */
export type ArmProbe = { at: Span } | { whole: Span; minus: Span };

/** A file's istanbul maps (every count 0) and, for each entry, where to read its count from V8. */
export interface FileMaps {
  readonly coverage: FileCoverageData;
  readonly statementProbes: readonly Span[];
  readonly functionProbes: readonly Span[];
  readonly branchProbes: readonly (readonly ArmProbe[])[];
}

interface ProgramVisitor {
  enter(path: unknown): void;
  exit(path: unknown): { fileCoverage: FileCoverageData } | undefined;
}
// Neither package ships type declarations; these are the only members used.
const { programVisitor } = require('istanbul-lib-instrument') as {
  programVisitor: (babelTypes: typeof types, path: string, options: object) => ProgramVisitor;
};
const traverse = (require('@babel/traverse') as { default: (ast: Node, visitors: object) => void }).default;

const key = (position: Position): string => `${position.line}:${position.column}`;

/**
 * Builds a file's maps with istanbul-lib-instrument's own visitor on the original source, so
 * statements, functions and branches are exactly the ones nyc and Jest report; then derives the
 * position each entry's count is read at.
 */
export function buildFileMaps(path: string, code: string): FileMaps {
  const ast = parseSource(code, path);
  const comments = ast.comments ?? [];
  adoptNodeHints(comments);
  const consequents = collectIfConsequents(ast);
  const coverage = runIstanbulVisitor(ast, path);
  const probes = deriveProbes(coverage, consequents);
  return dropIgnoredLines({ coverage, ...probes }, ignoredLines(comments));
}

function runIstanbulVisitor(ast: File, path: string): FileCoverageData {
  const visitor = programVisitor(types, path, { coverageVariable: '__coverage__' });
  let result: { fileCoverage: FileCoverageData } | undefined;
  traverse(ast, {
    Program: {
      enter: visitor.enter,
      exit(programPath: unknown) {
        result = visitor.exit(programPath);
      },
    },
  });
  const data = result?.fileCoverage;
  if (!data) throw new Error(`istanbul-lib-instrument produced no coverage for ${path}`);
  return {
    path,
    statementMap: data.statementMap,
    fnMap: data.fnMap,
    branchMap: data.branchMap,
    s: data.s,
    f: data.f,
    b: data.b,
  };
}

/** `if` statement start → its consequent, the code V8's "then" range covers. */
function collectIfConsequents(ast: File): Map<string, Span> {
  const consequents = new Map<string, Span>();
  const visit = (node: Node): void => {
    if (node.type === 'IfStatement' && node.loc && node.consequent.loc) {
      consequents.set(key(node.loc.start), spanOf(node.consequent.loc));
    }
    for (const field of types.VISITOR_KEYS[node.type] ?? []) {
      const child = (node as unknown as Record<string, unknown>)[field];
      if (Array.isArray(child)) {
        for (const item of child) if (item && typeof item === 'object' && 'type' in item) visit(item as Node);
      } else if (child && typeof child === 'object' && 'type' in child) {
        visit(child as Node);
      }
    }
  };
  visit(ast.program);
  return consequents;
}

function spanOf(range: Range): Span {
  return {
    start: { line: range.start.line, column: range.start.column },
    end: { line: range.end.line, column: range.end.column },
  };
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.column === b.start.column && a.end.line === b.end.line && a.end.column === b.end.column;
}

function deriveProbes(coverage: FileCoverageData, consequents: Map<string, Span>): Omit<FileMaps, 'coverage'> {
  const statementProbes = Object.values(coverage.statementMap).map(spanOf);
  // A function runs as often as its body is entered; the body lies inside V8's range for the function.
  const functionProbes = Object.values(coverage.fnMap).map((fn) => spanOf(fn.loc));
  const branchProbes = Object.values(coverage.branchMap).map((branch) =>
    branch.locations.map((location): ArmProbe => {
      if (branch.type !== 'if') return { at: spanOf(location) };
      const whole = spanOf(branch.loc);
      const consequent = consequents.get(key(whole.start)) ?? whole;
      // istanbul records the consequent arm at the `if` itself, and an absent else with no location.
      if (location.start.line === undefined) return { whole, minus: consequent };
      if (sameRange(location, branch.loc)) return { at: consequent };
      return { at: spanOf(location) };
    }),
  );
  return { statementProbes, functionProbes, branchProbes };
}

/** Removes entries that start on lines excluded by c8-style line hints, renumbering what is left. */
function dropIgnoredLines(maps: FileMaps, ignored: IgnoredLines): FileMaps {
  if (ignored.empty) return maps;
  const { coverage } = maps;
  const statementMap: Record<string, Range> = {};
  const s: Record<string, number> = {};
  const statementProbes: Span[] = [];
  Object.values(coverage.statementMap).forEach((range, i) => {
    if (ignored.has(range.start.line)) return;
    const id = statementProbes.length;
    statementMap[id] = range;
    s[id] = 0;
    statementProbes.push(maps.statementProbes[i]!);
  });
  const fnMap: Record<string, FunctionMapping> = {};
  const f: Record<string, number> = {};
  const functionProbes: Span[] = [];
  Object.values(coverage.fnMap).forEach((fn, i) => {
    if (ignored.has(fn.decl.start.line)) return;
    const id = functionProbes.length;
    fnMap[id] = fn;
    f[id] = 0;
    functionProbes.push(maps.functionProbes[i]!);
  });
  const branchMap: Record<string, BranchMapping> = {};
  const b: Record<string, number[]> = {};
  const branchProbes: ArmProbe[][] = [];
  Object.values(coverage.branchMap).forEach((branch, i) => {
    if (ignored.has(branch.loc.start.line)) return;
    const kept = branch.locations
      .map((location, arm) => ({ location, probe: maps.branchProbes[i]![arm]! }))
      .filter(({ location }) => location.start.line === undefined || !ignored.has(location.start.line));
    if (kept.length === 0) return;
    const id = branchProbes.length;
    branchMap[id] = { ...branch, locations: kept.map((arm) => arm.location) };
    b[id] = kept.map(() => 0);
    branchProbes.push(kept.map((arm) => arm.probe));
  });
  return {
    coverage: { path: coverage.path, statementMap, fnMap, branchMap, s, f, b },
    statementProbes,
    functionProbes,
    branchProbes,
  };
}
