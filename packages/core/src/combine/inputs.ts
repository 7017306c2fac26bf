import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DataError } from '../errors';
import { CONTEXTS_FILE, COVERAGE_FILE, META_FILE } from '../store/format';

/** Every data file under the inputs, absolute, deduplicated by real path, sorted. */
export function findDataFiles(inputs: string[], exclude: string[], problems: DataError[]): string[] {
  const found = new Map<string, string>();
  const excluded = new Set(exclude.map((dir) => realOrSelf(dir)));
  const visited = new Set<string>();

  const walk = (dir: string): void => {
    const real = realOrSelf(dir);
    if (visited.has(real) || excluded.has(real)) return;
    visited.add(real);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      problems.push(new DataError(`${dir}: folder cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, dir));
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const stat = statSync(path);
          isDir = stat.isDirectory();
          isFile = stat.isFile();
        } catch {
          continue; // a dangling link holds no data
        }
      }
      if (isDir && entry.name !== 'node_modules') walk(path);
      else if (isFile && entry.name === COVERAGE_FILE) add(path);
    }
  };
  const add = (file: string): void => {
    const real = realOrSelf(file);
    if (!found.has(real)) found.set(real, file);
  };

  for (const input of inputs) {
    let stat;
    try {
      stat = statSync(input);
    } catch {
      problems.push(new DataError(`${input}: no such file or folder`, input));
      continue;
    }
    if (stat.isDirectory()) walk(input);
    else add(input);
  }
  return [...found.values()].sort(compareStrings);
}

/**
 * sha256 of a data file with its meta.json and contexts.json (each absent one counts as absent):
 * two inputs with the same hash are copies of one run (an artifact downloaded twice).
 */
export function dataContentHash(file: string): string {
  const hash = createHash('sha256');
  const companions = basename(file) === COVERAGE_FILE ? [META_FILE, CONTEXTS_FILE] : [];
  for (const path of [file, ...companions.map((name) => join(dirname(file), name))]) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      hash.update(`${basename(path)}:absent\0`);
      continue;
    }
    hash.update(`${basename(path)}:${bytes.length}\0`).update(bytes);
  }
  return hash.digest('hex');
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
