import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../errors';
import type { V8RawFile } from './v8-data';

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
  return data as V8RawFile;
}
