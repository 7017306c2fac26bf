import type { V8FunctionCoverage } from './v8-data';

/**
 * The V8 ranges of one script in one process, nested by containment, for "innermost range that
 * contains this offset" look-ups in O(log n + depth). V8 ranges nest properly (a block lies inside
 * its function, a function inside the function or script that defines it).
 */
export class RangeTree {
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly counts: Float64Array;
  private readonly isFunction: Uint8Array;
  private readonly parents: Int32Array;

  constructor(functions: readonly V8FunctionCoverage[]) {
    const flat: Array<{ start: number; end: number; count: number; isFunction: boolean; order: number }> = [];
    for (const fn of functions) {
      fn.ranges.forEach((range, index) => {
        flat.push({
          start: range.startOffset,
          end: range.endOffset,
          count: range.count,
          isFunction: index === 0,
          order: flat.length,
        });
      });
    }
    // Outer ranges first: by start, then the longer one; equal spans keep V8's order (function before its blocks).
    flat.sort((a, b) => a.start - b.start || b.end - a.end || a.order - b.order);
    const n = flat.length;
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.counts = new Float64Array(n);
    this.isFunction = new Uint8Array(n);
    this.parents = new Int32Array(n);
    const open: number[] = [];
    flat.forEach((range, i) => {
      this.starts[i] = range.start;
      this.ends[i] = range.end;
      this.counts[i] = range.count;
      this.isFunction[i] = range.isFunction ? 1 : 0;
      while (open.length > 0 && this.ends[open[open.length - 1]!]! < range.end) open.pop();
      this.parents[i] = open.length > 0 ? open[open.length - 1]! : -1;
      open.push(i);
    });
  }

  /**
   * Index of the innermost range containing `offset`, or -1. A function that starts exactly at
   * `offset` is passed over: a probe there stands for the code that *defines* that function (a
   * variable's initialiser, a ternary arm), which runs as often as its surroundings, not as often
   * as the function is called. The script's own top-level range has nothing around it and
   * holds its first statement (offset 0 of a CommonJS module) itself.
   */
  indexAt(offset: number): number {
    let i = this.lastStartingAtOrBefore(offset);
    while (i !== -1 && (this.ends[i]! <= offset || (this.isFunction[i] === 1 && this.starts[i] === offset && this.parents[i] !== -1))) {
      i = this.parents[i]!;
    }
    return i;
  }

  /** Whether the range at `index` contains `offset`. */
  contains(index: number, offset: number): boolean {
    return index !== -1 && this.starts[index]! <= offset && offset < this.ends[index]!;
  }

  /** Count of the range at `index` (from indexAt); 0 for -1, code V8 has no range for. */
  countOf(index: number): number {
    return index === -1 ? 0 : this.counts[index]!;
  }

  private lastStartingAtOrBefore(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (this.starts[mid]! <= offset) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }
}
