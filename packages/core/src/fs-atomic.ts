import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

/**
 * Writes `contents` to `path` so that readers see either the old file or the whole new one:
 * the bytes go to a uniquely named temp file beside the target, then rename() swaps it in.
 * Unique names keep concurrent writers (parallel tasks, two merges) from sharing a temp file.
 * A writer killed between the two steps (SIGKILL, Ctrl-C) leaves only its hidden temp file,
 * never a partial target; the next write of the same target removes such leftovers.
 */
export function writeFileAtomic(path: string, contents: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  removeAbandonedTemps(dir, basename(path));
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, contents);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Temp files of `name` whose writer (the pid in their name) is no longer running. */
function removeAbandonedTemps(dir: string, name: string): void {
  const prefix = `.${name}.`;
  for (const entry of readdirSync(dir)) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    const pid = Number(/^(\d+)\.[0-9a-f]+\.tmp$/.exec(entry.slice(prefix.length))?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || isProcessRunning(pid)) continue;
    rmSync(join(dir, entry), { force: true });
  }
}

/** Whether a process with this PID exists: cleanup must never take a live writer's temp file. */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' && !isZombie(pid); // alive, owned by someone else
  }
  return !isZombie(pid);
}

/**
 * Whether a process that still has a pid has ended: a zombie (Linux's /proc state Z) is dead but
 * not yet reaped, as a web server Playwright has just killed is while its parent exits.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) === 'Z';
  } catch {
    return false; // no /proc (macOS, Windows): the pid answering is taken as running
  }
}

/** Hidden folder, beside the folders replaced, where whole folders are staged and set aside. */
export const STAGING_FOLDER = '.monocov-staging';

/**
 * Every name monocov writes in a project's data folder or a report folder. A folder replaced as
 * a unit keeps the old folder's other entries (a nested project's data folder, a user's file):
 * they are carried into the new one.
 */
export const OUTPUT_NAMES: readonly string[] = [
  'coverage-final.json',
  'meta.json',
  'contexts.json',
  'lcov.info',
  'coverage-summary.json',
  'cobertura-coverage.xml',
  'html',
  'summary.md',
];

/**
 * Replaces the folder `target` by one that `fill` writes, as one unit: readers see the old folder
 * whole or the new one whole, never a mix (a coverage-final.json of one run beside the meta.json
 * of another). `stagingRoot` must be on the same file system as `target` and outside every
 * folder data is read from. Steps, each a rename but the first:
 *   1. `fill` writes `new-<pid>-<random>-<target>` in the staging root, renamed `full-…` when done;
 *   2. the old folder's entries that are not OUTPUT_NAMES (or are named in `keep`) move into it;
 *   3. the old folder is renamed aside (`old-…`), 4. the new one into its place, 5. the old one removed.
 * A failed write (ENOSPC) leaves `target` as it was. A writer killed on the way (SIGKILL, a CI
 * timeout) is finished or undone by the next writer under the same staging root: see
 * recoverFolders. Removing a folder removes a symbolic link inside it, never what it points to.
 */
export function replaceFolder(target: string, stagingRoot: string, fill: (dir: string) => void, keep: readonly string[] = []): void {
  if (isMountPoint(target)) {
    replaceEntries(target, fill);
    return;
  }
  recoverFolders(stagingRoot);
  mkdirSync(dirname(target), { recursive: true });
  const tag = Buffer.from(relative(dirname(stagingRoot), target)).toString('base64url');
  const entry = (kind: 'new' | 'full' | 'old') => join(stagingRoot, `${kind}-${process.pid}-${randomBytes(4).toString('hex')}-${tag}`);
  const writing = entry('new');
  const staged = entry('full');
  const asides: string[] = [];
  makeEntry(stagingRoot, writing);
  try {
    fill(writing);
    renameSync(writing, staged);
    for (let attempt = 0; ; attempt++) {
      if (existsSync(target)) {
        carryOver(target, staged, (name) => !OUTPUT_NAMES.includes(name) || keep.includes(name));
        const old = entry('old');
        try {
          renameSync(target, old);
          asides.push(old);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EBUSY' || code === 'EXDEV') {
            // A mount point of the same file system (a bind mount): it cannot move either.
            carryOver(staged, target, (name) => !existsSync(join(target, name)));
            rmSync(staged, { recursive: true, force: true });
            replaceEntries(target, fill);
            return;
          }
          if (code !== 'ENOENT') throw error;
        }
      }
      try {
        renameSync(staged, target);
        return;
      } catch (error) {
        // Another writer's folder landed in between: it is set aside on the next turn.
        const code = (error as NodeJS.ErrnoException).code;
        if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt >= 20) throw error;
      }
    }
  } finally {
    rmSync(writing, { recursive: true, force: true });
    rmSync(staged, { recursive: true, force: true });
    for (const aside of asides) rmSync(aside, { recursive: true, force: true });
    removeIfEmpty(stagingRoot);
  }
}

/** Whether `dir` is on another file system than its parent (a volume mounted there): it cannot be renamed. */
function isMountPoint(dir: string): boolean {
  try {
    return statSync(dir).dev !== statSync(dirname(dir)).dev;
  } catch {
    return false;
  }
}

/**
 * replaceFolder for a folder that is a mount point: the folder itself cannot be swapped, so the
 * new entries are staged inside it and each is renamed into place (a folder such as html/ by
 * setting the old one aside first). Each entry is whole; the set may briefly mix old and new.
 */
function replaceEntries(target: string, fill: (dir: string) => void): void {
  const stagingRoot = join(target, STAGING_FOLDER);
  recoverFolders(stagingRoot);
  // Named by the entry each replaces, relative to `target` (the staged set as a whole: `.`).
  const entry = (kind: 'new' | 'old', name: string) => join(stagingRoot, `${kind}-${process.pid}-${randomBytes(4).toString('hex')}-${Buffer.from(name).toString('base64url')}`);
  const writing = entry('new', '.');
  const asides: string[] = [];
  makeEntry(stagingRoot, writing);
  try {
    fill(writing);
    for (const name of readdirSync(writing)) {
      const to = join(target, name);
      if (statSync(join(writing, name)).isDirectory() && existsSync(to)) {
        const old = entry('old', name);
        renameSync(to, old);
        asides.push(old);
      }
      renameSync(join(writing, name), to);
    }
  } finally {
    rmSync(writing, { recursive: true, force: true });
    for (const aside of asides) rmSync(aside, { recursive: true, force: true });
    removeIfEmpty(stagingRoot);
  }
}

/** Entries of `from` that are not OUTPUT_NAMES (or that `moves` picks) move into `to`: a rename each, same file system. */
function carryOver(from: string, to: string, moves: (name: string) => boolean = (name) => !OUTPUT_NAMES.includes(name)): void {
  let names: string[];
  try {
    names = readdirSync(from);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const name of names) {
    if (!moves(name) || existsSync(join(to, name))) continue;
    try {
      renameSync(join(from, name), join(to, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // a concurrent writer moved it first
    }
  }
}

/**
 * Finishes or undoes the replacements of writers that were killed (their pid no longer runs):
 * a complete new folder (`full-…`) whose target is missing is put in place, else an old one is
 * put back; a complete new folder whose target still exists gives back the entries carried into
 * it; everything else of dead writers is removed. Entries of running writers are left alone.
 */
export function recoverFolders(stagingRoot: string): void {
  let names: string[];
  try {
    names = readdirSync(stagingRoot);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
    throw error;
  }
  const base = dirname(stagingRoot);
  const dead: Array<{ path: string; kind: string; target: string }> = [];
  for (const name of names) {
    const match = /^(new|full|old)-(\d+)-[0-9a-f]+-([A-Za-z0-9_-]+)$/.exec(name);
    if (!match || Number(match[2]) === process.pid || isProcessRunning(Number(match[2]))) continue;
    const target = resolve(base, Buffer.from(match[3]!, 'base64url').toString());
    // Only folders below the staging root's own folder: a forged name cannot move anything elsewhere.
    if (target.startsWith(base + sep)) dead.push({ path: join(stagingRoot, name), kind: match[1]!, target });
    else rmSync(join(stagingRoot, name), { recursive: true, force: true });
  }
  for (const kind of ['full', 'old']) {
    for (const entry of dead.filter((candidate) => candidate.kind === kind)) {
      if (!existsSync(entry.path)) continue;
      if (!existsSync(entry.target)) renameSync(entry.path, entry.target);
      else if (kind === 'full') carryOver(entry.path, entry.target); // killed before its swap: the carried entries go back
    }
  }
  for (const entry of dead) rmSync(entry.path, { recursive: true, force: true });
  removeIfEmpty(stagingRoot);
}

/**
 * Makes `entry` inside `stagingRoot`: another writer that just finished may remove the staging
 * root the moment it is empty (removeIfEmpty), so it is made again when that happened.
 */
function makeEntry(stagingRoot: string, entry: string): void {
  for (let attempt = 0; ; attempt++) {
    makeFolder(stagingRoot);
    try {
      mkdirSync(entry);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 20) throw error;
    }
  }
}

/** mkdir that may find the folder there; not `recursive`, which reports EROFS as ENOENT. */
function makeFolder(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (a running writer's folder), or already gone
  }
}
