import { realpathSync } from 'node:fs';
import type { FileCoverageData } from 'istanbul-lib-coverage';
import { countLines, locateWorkspaceSource, NOT_FOUND, readLocatedSource } from '../workspace-source';

/**
 * Whether a data entry may become report content (docs/security.md), judged in two steps so that
 * a file is opened only when it may be shown:
 * - `locate`: its key must name a regular file inside the workspace, reached without a symbolic
 *   link that leaves it, outside `.git/` (workspace-source.ts); nothing is opened;
 * - `withinLines`: its maps must lie within that file: a statement on line 30,000,000 of a
 *   12-line file is a data error, found before anything is allocated by that number.
 * Between the two, the merge applies the project's include/omit (select.ts) and compares the
 * file with the content hash its data recorded, from the bytes `bytes` gives: the ones
 * `withinLines` then counts, so each source is looked at and read once per merge.
 */
export interface Admission {
  locate(path: string): string | undefined;
  withinLines(path: string, coverage: FileCoverageData): string | undefined;
  /** The bytes of a file `locate` admits, as `withinLines` reads them; undefined when it does not admit it or cannot read it so. */
  bytes(path: string): Buffer | undefined;
}

/** Admission's reason for a key that names no file: a file deleted since its data was collected, when the data recorded its hash. */
export const NOT_IN_WORKSPACE = 'names a file that is not in the workspace';

export function createAdmission(workspaceRoot: string): Admission {
  const located = new Map<string, string | undefined>();
  const lines = new Map<string, number | string>();
  const why = (reason: string): string => (reason === NOT_FOUND ? NOT_IN_WORKSPACE : `names a file that ${reason}`);
  let realRoot: string | undefined;
  const place = (path: string): ReturnType<typeof locateWorkspaceSource> => {
    if (realRoot === undefined) {
      try {
        realRoot = realpathSync(workspaceRoot);
      } catch {
        // left to locateWorkspaceSource, which names why
      }
    }
    return locateWorkspaceSource(workspaceRoot, path, realRoot);
  };
  // Only the latest file is held: an entry's source check and its withinLines come one after the other.
  let last: { path: string; read: ReturnType<typeof readLocatedSource> } | undefined;
  let lastPlaced: { path: string; placed: ReturnType<typeof locateWorkspaceSource> } | undefined;
  const read = (path: string): ReturnType<typeof readLocatedSource> => {
    if (last?.path !== path) last = { path, read: readLocatedSource(lastPlaced?.path === path ? lastPlaced.placed : place(path)) };
    return last.read;
  };
  return {
    locate(path) {
      if (!located.has(path)) {
        const found = place(path);
        lastPlaced = { path, placed: found };
        located.set(path, found.ok ? undefined : why(found.reason));
      }
      return located.get(path);
    },
    withinLines(path, coverage) {
      let known = lines.get(path);
      if (known === undefined) {
        const source = read(path);
        known = source.ok ? countLines(source.bytes.toString('utf8')) : source.reason;
        lines.set(path, known);
      }
      if (typeof known === 'string') return why(known);
      const last = lastLine(coverage);
      return last > known ? `names line ${last}, beyond the ${known} line(s) of the file` : undefined;
    },
    bytes(path) {
      if (located.get(path) !== undefined) return undefined;
      const source = read(path);
      return source.ok ? source.bytes : undefined;
    },
  };
}

/** The last line any statement, function or branch of the entry names. */
function lastLine(coverage: FileCoverageData): number {
  let last = 0;
  const see = (range: { start: { line?: number | null }; end: { line?: number | null } } | undefined): void => {
    last = Math.max(last, range?.start.line ?? 0, range?.end.line ?? 0);
  };
  for (const range of Object.values(coverage.statementMap)) see(range);
  for (const fn of Object.values(coverage.fnMap)) {
    see(fn.loc);
    see(fn.decl);
  }
  for (const branch of Object.values(coverage.branchMap)) {
    see(branch.loc);
    for (const location of branch.locations) see(location);
  }
  return last;
}
