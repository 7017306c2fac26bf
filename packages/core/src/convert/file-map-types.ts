import type { FileCoverageData } from 'istanbul-lib-coverage';

// The shapes a file's maps are built in (file-maps.ts) and read by (control-flow, drop-ignored,
// apply-hits, the script mapping): a leaf module, so that the steps share them without a cycle.

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

export interface StatementProbe {
  span: Span;
  /** An earlier statement that runs exactly as often (straight-line code between them). */
  follows?: number;
}

/**
 * Where V8 tells how often one branch arm ran: the count at `at`, or, for an `if` without `else`
 * (nothing in the code to point at), the `if`'s count minus its consequent's. `statement` is the
 * innermost statement around the arm: when V8 has no range of its own for the arm, the arm runs
 * as often as that statement.
 */
export type ArmProbe = ({ at: Span } | { whole: Span; minus: Span }) & { statement?: number };

/** A file's istanbul maps (every count 0) and, for each entry, where to read its count from V8. */
export interface FileMaps {
  readonly coverage: FileCoverageData;
  readonly statementProbes: readonly StatementProbe[];
  readonly functionProbes: readonly Span[];
  /** Keys of `coverage.branchMap`, in order (istanbul leaves a gap where every arm of a branch is ignored). */
  readonly branchIds: readonly string[];
  readonly branchProbes: readonly (readonly ArmProbe[])[];
}
