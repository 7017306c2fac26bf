import { execFileSync } from 'node:child_process';
import { ConfigError } from './errors';

/** What diff coverage compares: the lines changed since `base`, up to `head` or the working tree. */
export interface DiffBase {
  /** A git ref: the lines changed since it are measured (`main`, `origin/main`, a SHA). */
  base: string;
  /** Compare against this ref instead of the working tree (Nx's NX_HEAD in CI). */
  head?: string;
}

/**
 * Lines added or changed since `base`, by workspace-relative POSIX path — what diff-cover and
 * Codecov's patch status measure. Without `head` the working tree counts, uncommitted edits
 * included, compared with the merge base (so commits on `base` since branching don't count).
 */
export function changedLines(workspaceRoot: string, diff: DiffBase): Map<string, Set<number>> {
  const git = (args: string[]) => execFileSync('git', args, { cwd: workspaceRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  let range: string[];
  try {
    range = diff.head === undefined ? [git(['merge-base', '--end-of-options', diff.base, 'HEAD']).trim()] : [`${diff.base}...${diff.head}`];
  } catch (error) {
    const reason = String((error as { stderr?: string }).stderr ?? (error as Error).message)
      .trim()
      .split('\n')[0];
    throw new ConfigError(`diff base "${diff.base}" cannot be compared with ${diff.head ?? 'HEAD'}: ${reason}; fetch it first (CI checkouts are often shallow: fetch-depth: 0)`);
  }
  // --relative: paths relative to the workspace root, even when it is a folder of a larger repository.
  // --end-of-options on every call: a ref given as `--output=…` stays a (bad) ref, never an option.
  const output = git(['diff', '--unified=0', '--no-color', '--no-ext-diff', '--no-renames', '--relative', '--end-of-options', ...range]);
  return parseUnifiedDiff(output);
}

/** Added line numbers per new-side path from `git diff --unified=0` output. */
export function parseUnifiedDiff(output: string): Map<string, Set<number>> {
  const changed = new Map<string, Set<number>>();
  let current: Set<number> | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith('+++ ')) {
      const path = line.slice(4);
      current = path === '/dev/null' ? undefined : new Set();
      if (current) changed.set(path.replace(/^b\//, ''), current);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && current) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      for (let lineNumber = start; lineNumber < start + count; lineNumber++) current.add(lineNumber);
    }
  }
  for (const [path, lines] of changed) if (lines.size === 0) changed.delete(path);
  return changed;
}
