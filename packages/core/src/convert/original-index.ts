import type { SourceMapSegment } from '@jridgewell/trace-mapping';
import type { Span } from './file-map-types';

// Positions as one sortable number: line in the high bits, column in the low 32 (exact in a double).
const COLUMN_SPAN = 2 ** 32;
const keyOf = (line: number, column: number): number => line * COLUMN_SPAN + column;

interface SourceEntries {
  /** Original position keys (1-based line), ascending. */
  keys: Float64Array;
  /** Executed-code offset of each entry; among equal keys, ascending. */
  offsets: Float64Array;
}

/**
 * Every mapping of a source map, indexed by original position, to answer "where in the executed
 * code does this piece of original code begin". Built once per script, on first use.
 */
export class OriginalPositionIndex {
  private readonly bySource: SourceEntries[];

  constructor(mappings: readonly (readonly SourceMapSegment[])[], generatedLineStarts: Int32Array, sourceCount: number) {
    const keys: number[][] = Array.from({ length: sourceCount }, () => []);
    const offsets: number[][] = Array.from({ length: sourceCount }, () => []);
    mappings.forEach((segments, generatedLine) => {
      const lineStart = generatedLineStarts[generatedLine];
      if (lineStart === undefined) return;
      for (const segment of segments) {
        if (segment.length < 4) continue;
        const [generatedColumn, sourceIndex, originalLine, originalColumn] = segment as [number, number, number, number];
        keys[sourceIndex]?.push(keyOf(originalLine + 1, originalColumn));
        offsets[sourceIndex]?.push(lineStart + generatedColumn);
      }
    });
    this.bySource = keys.map((sourceKeys, sourceIndex) => sortEntries(sourceKeys, offsets[sourceIndex]!));
  }

  /**
   * Offset of the first mapped original position inside `span`; of several executed places for that
   * position, the earliest. Failing that (a map with coarse mappings), the last mapping before the
   * span on its first line.
   */
  firstOffsetWithin(sourceIndex: number, span: Span): number | undefined {
    const entries = this.bySource[sourceIndex];
    if (!entries || entries.keys.length === 0) return undefined;
    const start = keyOf(span.start.line, span.start.column);
    const end = keyOf(span.end.line, span.end.column);
    const index = lowerBound(entries.keys, start);
    if (index < entries.keys.length && (entries.keys[index]! < end || entries.keys[index] === start)) {
      return entries.offsets[index];
    }
    const before = index - 1;
    if (before >= 0 && entries.keys[before]! >= keyOf(span.start.line, 0)) {
      return entries.offsets[lowerBound(entries.keys, entries.keys[before]!)];
    }
    return undefined;
  }
}

function sortEntries(keys: number[], offsets: number[]): SourceEntries {
  const order = Array.from(keys.keys()).sort((a, b) => keys[a]! - keys[b]! || offsets[a]! - offsets[b]!);
  return {
    keys: Float64Array.from(order, (i) => keys[i]!),
    offsets: Float64Array.from(order, (i) => offsets[i]!),
  };
}

function lowerBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
