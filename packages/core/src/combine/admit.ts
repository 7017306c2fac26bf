import type { FileCoverageData } from 'istanbul-lib-coverage';
import { countLines, locateWorkspaceSource, NOT_FOUND, readWorkspaceSource } from '../workspace-source';

/**
 * Whether a data entry may become report content (docs/security.md), judged in two steps so that
 * a file is opened only when it may be shown:
 * - `locate`: its key must name a regular file inside the workspace, reached without a symbolic
 *   link that leaves it, outside `.git/` (workspace-source.ts); nothing is opened;
 * - `withinLines`: its maps must lie within that file: a statement on line 30,000,000 of a
 *   12-line file is a data error, found before anything is allocated by that number.
 * Between the two, the merge applies the project's include/omit (select.ts). Each returns why
 * not, or undefined. Sources are looked at and read once per merge.
 */
export interface Admission {
  locate(path: string): string | undefined;
  withinLines(path: string, coverage: FileCoverageData): string | undefined;
}

/** Admission's reason for a key that names no file: a file deleted since its data was collected, when the data recorded its hash. */
export const NOT_IN_WORKSPACE = 'names a file that is not in the workspace';

export function createAdmission(workspaceRoot: string): Admission {
  const located = new Map<string, string | undefined>();
  const lines = new Map<string, number | string>();
  const why = (reason: string): string => (reason === NOT_FOUND ? NOT_IN_WORKSPACE : `names a file that ${reason}`);
  return {
    locate(path) {
      if (!located.has(path)) {
        const found = locateWorkspaceSource(workspaceRoot, path);
        located.set(path, found.ok ? undefined : why(found.reason));
      }
      return located.get(path);
    },
    withinLines(path, coverage) {
      let known = lines.get(path);
      if (known === undefined) {
        const read = readWorkspaceSource(workspaceRoot, path);
        known = read.ok ? countLines(read.text) : read.reason;
        lines.set(path, known);
      }
      if (typeof known === 'string') return why(known);
      const last = lastLine(coverage);
      return last > known ? `names line ${last}, beyond the ${known} line(s) of the file` : undefined;
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
