import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../errors';
import type { V8RawFile } from './v8-data';
import { isObject } from '../is-object';

/** The raw files in a NODE_V8_COVERAGE folder, in a stable order. */
export async function listRawFiles(rawDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(rawDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .filter((name) => name.startsWith('coverage-') && name.endsWith('.json'))
    .sort()
    .map((name) => join(rawDir, name));
}

/** One raw file, checked at the door so a foreign or truncated file is named, not a crash deep inside. */
export async function readRawFile(path: string): Promise<V8RawFile> {
  const text = await readFile(path, 'utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new DataError(`${path} is not valid JSON (${(error as Error).message}); was the process killed while writing it?`, path);
  }
  if (!data || typeof data !== 'object' || !Array.isArray((data as V8RawFile).result)) {
    throw new DataError(`${path} is not V8 coverage: expected an object with a "result" array`, path);
  }
  const problem = rawFileProblem(data as Record<string, unknown>);
  if (problem !== undefined) throw new DataError(`${path} is not V8 coverage: ${problem}`, path);
  return data as V8RawFile;
}

const isOffset = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * Why a parsed raw file is not the shape Node writes, or undefined: every script, function and
 * range is checked before any is used, so a malformed file (written by a hostile or broken test
 * process: `{"result":[null]}`) is dropped whole, never half added.
 */
function rawFileProblem(data: Record<string, unknown>): string | undefined {
  for (const [index, script] of (data.result as unknown[]).entries()) {
    if (!isObject(script) || typeof script.url !== 'string' || !Array.isArray(script.functions)) {
      return `result[${index}] is not a script's coverage ({ url, functions })`;
    }
    for (const fn of script.functions as unknown[]) {
      if (!isObject(fn) || !Array.isArray(fn.ranges) || fn.ranges.length === 0) return `result[${index}] has a function without "ranges"`;
      for (const range of fn.ranges as unknown[]) {
        if (!isObject(range) || !isOffset(range.startOffset) || !isOffset(range.endOffset) || !isOffset(range.count) || range.endOffset < range.startOffset) {
          return `result[${index}] has a range that is not { startOffset, endOffset, count } of whole numbers`;
        }
      }
    }
  }
  const cache = data['source-map-cache'];
  if (cache !== undefined) {
    if (!isObject(cache)) return '"source-map-cache" is not an object';
    for (const [url, entry] of Object.entries(cache)) {
      if (!isObject(entry) || !Array.isArray(entry.lineLengths) || !entry.lineLengths.every(isOffset) || (entry.data !== null && !isObject(entry.data))) {
        return `"source-map-cache" entry ${JSON.stringify(url)} is not { lineLengths, data }`;
      }
    }
  }
  return undefined;
}
