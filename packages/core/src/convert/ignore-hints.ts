import type { Comment } from '@babel/types';

// Hints that name a node (istanbul's own grammar), written with another tool's prefix.
const NODE_HINT = /^(\s*)(?:c8|v8|node:coverage)(\s+ignore\s+(?:if|else|next|file))(?=\W|$)(?!\s+\d)/;
const NEXT_LINES_HINT = /^\s*(?:c8|v8|node:coverage)\s+ignore\s+next\s+(\d+)/;
const START_HINT = /^\s*(?:(?:c8|v8)\s+ignore\s+start|node:coverage\s+disable)(?=\W|$)/;
const STOP_HINT = /^\s*(?:(?:c8|v8)\s+ignore\s+stop|node:coverage\s+enable)(?=\W|$)/;

/**
 * `c8|v8|node:coverage ignore next|if|else|file` mean what istanbul's hints mean (the next node,
 * the if or else arm, the whole file), as in ast-v8-to-istanbul and Vitest. Rewriting the comments
 * in place lets istanbul-lib-instrument apply them with its own, exact rules.
 */
export function adoptNodeHints(comments: readonly Comment[]): void {
  for (const comment of comments) {
    const match = NODE_HINT.exec(comment.value);
    if (match) comment.value = `${match[1]}istanbul${match[2]}${comment.value.slice(match[0].length)}`;
  }
}

/** Lines excluded by line-based hints. */
export interface IgnoredLines {
  has(line: number): boolean;
  readonly empty: boolean;
}

/**
 * Lines that line-based hints exclude, as c8 defines them: `ignore next N` excludes the comment's
 * line and the N lines after it; `ignore start` … `ignore stop` excludes every line from the one
 * comment to the other (to the end of the file when no stop follows).
 */
export function ignoredLines(comments: readonly Comment[]): IgnoredLines {
  const lines = new Set<number>();
  let startedAt: number | undefined;
  for (const comment of comments) {
    if (!comment.loc) continue;
    const { start, end } = comment.loc;
    if (startedAt === undefined && START_HINT.test(comment.value)) {
      startedAt = start.line;
    } else if (startedAt !== undefined && STOP_HINT.test(comment.value)) {
      for (let line = startedAt; line <= end.line; line++) lines.add(line);
      startedAt = undefined;
    } else {
      const next = NEXT_LINES_HINT.exec(comment.value);
      if (next) for (let line = start.line; line <= end.line + Number(next[1]); line++) lines.add(line);
    }
  }
  const openFrom = startedAt ?? Number.POSITIVE_INFINITY;
  return {
    empty: lines.size === 0 && startedAt === undefined,
    has: (line) => line >= openFrom || lines.has(line),
  };
}
