import type { FileCoverageData } from 'istanbul-lib-coverage';
import { countLines, readWorkspaceSource } from '../workspace-source';

/**
 * Whether a data entry may become report content (docs/security.md): its key must name a regular
 * file inside the workspace, reached without a symbolic link that leaves it, outside `.git/`
 * (workspace-source.ts), and its maps must lie within that file: a statement on line 30,000,000
 * of a 12-line file (or of a file that is not there) is a data error, found before anything is
 * allocated by that number. Returns why not, or undefined. Sources are read once per merge.
 */
export function createAdmission(workspaceRoot: string): (path: string, coverage: FileCoverageData) => string | undefined {
  const lines = new Map<string, number | string>();
  return (path, coverage) => {
    let known = lines.get(path);
    if (known === undefined) {
      const read = readWorkspaceSource(workspaceRoot, path);
      known = read.ok ? countLines(read.text) : read.reason;
      lines.set(path, known);
    }
    if (typeof known === 'string') return `names a file that ${known === 'not found' ? 'is not in the workspace' : known}`;
    const last = lastLine(coverage);
    return last > known ? `names line ${last}, beyond the ${known} line(s) of the file` : undefined;
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
