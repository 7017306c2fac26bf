import { createHash } from 'node:crypto';
import { closeSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { DataError } from '../errors';
import { CONTEXTS_FILE, COVERAGE_FILE, META_FILE } from '../store/format';
import { compareStrings } from '../compare';
import { realOrSelf } from '../real-path';
import { openRegularFile } from '../regular-file';

/** Every data file under the inputs, absolute, deduplicated by real path, sorted. */
export function findDataFiles(inputs: string[], exclude: string[], problems: DataError[]): string[] {
  const found = new Map<string, string>();
  const excluded = new Set(exclude.map((dir) => realOrSelf(dir)));
  const visited = new Set<string>();

  // The real path of the input folder being walked: a link leading out of it is not followed
  // (a link to / would merge every workspace on the machine).
  let within = '';
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
        let target: string;
        try {
          target = realpathSync(path);
          const stat = statSync(target);
          isDir = stat.isDirectory();
          isFile = stat.isFile();
        } catch {
          continue; // a dangling link holds no data
        }
        if (target !== within && !target.startsWith(within + sep)) {
          problems.push(new DataError(`${path}: a symbolic link out of the data folder (to ${target}); not followed`, path));
          continue;
        }
      }
      if (entry.name === COVERAGE_FILE && !isFile) {
        // A folder, FIFO or device where a data file belongs: named, never opened.
        problems.push(new DataError(`${path}: is ${isDir ? 'a folder' : 'not a regular file'}, not a data file; skipped`, path));
        continue;
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
    if (stat.isDirectory()) {
      within = realOrSelf(input);
      walk(input);
    } else if (stat.isFile()) add(input);
    else problems.push(new DataError(`${input}: is not a regular file, not a data file; skipped`, input));
  }
  return [...found.values()].sort(compareStrings);
}

/**
 * sha256 of a data file with its meta.json and contexts.json: two inputs with the same hash are copies
 * of one run (an artifact downloaded twice). A file that cannot be opened (most often: none there)
 * counts as absent; one that is no regular file (never read: a FIFO would block) or fails while read, as unreadable.
 */
export function dataContentHash(file: string): string {
  const hash = createHash('sha256');
  const companions = basename(file) === COVERAGE_FILE ? [META_FILE, CONTEXTS_FILE] : [];
  // Read a chunk at a time: a merged file may be larger than one buffer can hold (2 GiB).
  const chunk = Buffer.allocUnsafe(1 << 20);
  for (const path of [file, ...companions.map((name) => join(dirname(file), name))]) {
    const opened = openRegularFile(path, { followLinks: true });
    if (!opened.ok) {
      hash.update(`${basename(path)}:${opened.openFailed ? 'absent' : 'unreadable'}\0`);
      continue;
    }
    try {
      hash.update(`${basename(path)}:${opened.size}\0`);
      for (let read = readSync(opened.fd, chunk); read > 0; read = readSync(opened.fd, chunk)) hash.update(chunk.subarray(0, read));
    } catch {
      hash.update(`${basename(path)}:unreadable\0`);
    } finally {
      closeSync(opened.fd);
    }
  }
  return hash.digest('hex');
}
