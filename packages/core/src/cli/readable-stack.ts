import { readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type * as TraceMapping from '@jridgewell/trace-mapping';
import { CODE_DIR } from '../package-dir';

/**
 * An error's stack with each frame in monocov's compiled code (dist/, the CLI's bundle among it) mapped
 * through that file's source map to src/, as `node --enable-source-maps` would: a report of an
 * unexpected error then names `src/convert/index.ts:41:7` rather than a line of a 12,000-line bundle.
 * Frames elsewhere, and any that cannot be mapped, are kept as they are.
 */
export function readableStack(error: Error): string {
  const stack = error.stack ?? String(error);
  const { TraceMap, originalPositionFor } = require('@jridgewell/trace-mapping') as typeof TraceMapping;
  const maps = new Map<string, TraceMapping.TraceMap | undefined>();
  const mapOf = (file: string): TraceMapping.TraceMap | undefined => {
    if (!maps.has(file)) {
      try {
        maps.set(file, new TraceMap(readFileSync(`${file}.map`, 'utf8'), `${file}.map`));
      } catch {
        maps.set(file, undefined); // no map beside it, or one that does not parse
      }
    }
    return maps.get(file);
  };
  const frame = new RegExp(`(${escapeRegExp(CODE_DIR)}[^\\s():]*\\.js):(\\d+):(\\d+)`, 'g');
  // Only frame lines, and only files inside dist/: the message above them may quote any text (a path
  // from a data file), which must not make this read a map elsewhere.
  const mapped = (text: string) =>
    text.replace(frame, (whole, file: string, line: string, column: string) => {
      const map = resolve(file).startsWith(CODE_DIR + sep) ? mapOf(resolve(file)) : undefined;
      const original = map && originalPositionFor(map, { line: Number(line), column: Number(column) - 1 });
      return original?.source ? `${original.source}:${original.line}:${original.column + 1}` : whole;
    });
  return stack
    .split('\n')
    .map((line) => (/^\s+at /.test(line) ? mapped(line) : line))
    .join('\n');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
