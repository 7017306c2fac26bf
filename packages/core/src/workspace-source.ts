import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { readRegularFile } from './regular-file';

/**
 * Largest source file read into a report. Coverage of a bigger file is still counted; its HTML
 * page shows a note instead of the text (a generated bundle of this size is not read by anyone,
 * and a hostile data key must not make the report hold gigabytes).
 */
export const MAX_SOURCE_BYTES = 32 * 2 ** 20;

/** Why a workspace-relative path may not be read into a report, or undefined when it may. */
export function unreadableSourceReason(rel: string): string | undefined {
  if (rel === '' || isAbsolute(rel) || /^[A-Za-z]:/.test(rel)) return 'is not a path inside the workspace';
  const segments = rel.split(/[\\/]/);
  if (segments.some((segment) => segment === '..' || segment === '.' || segment === '')) return 'is not a plain workspace-relative path';
  if (segments.some((segment) => segment.toLowerCase() === '.git')) return 'is inside .git/';
  return undefined;
}

export type SourceRead = { ok: true; text: string } | { ok: false; reason: string };

/**
 * Lines of a text as istanbul's HTML report splits them (LF, CRLF or a lone CR; not U+2028 or
 * U+2029): one more than its line ends. Counted, not split: the map cache checks every cached file's
 * maps against it on every run.
 */
export function countLines(text: string): number {
  let lines = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
  // A CR ends a line unless a LF follows it (CRLF, counted above).
  for (let at = text.indexOf('\r'); at !== -1; at = text.indexOf('\r', at + 1)) if (text.charCodeAt(at + 1) !== 10) lines++;
  return lines;
}

/**
 * Where a workspace-relative path leads, when it may become report content: a regular file inside
 * the workspace, reached without leaving it through a symbolic link, outside `.git/`. Nothing is
 * opened: a FIFO, a device or `/proc/self/environ` is only looked at (stat). `realRoot`, the
 * workspace root's real path, is looked up when not given (a merge looks at thousands of files).
 */
export function locateWorkspaceSource(workspaceRoot: string, rel: string, realRoot?: string): { ok: true; real: string } | { ok: false; reason: string } {
  const unfit = unreadableSourceReason(rel);
  if (unfit) return { ok: false, reason: unfit };
  let real: string;
  try {
    realRoot ??= realpathSync(workspaceRoot);
    real = realpathSync(join(workspaceRoot, rel));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? NOT_FOUND : `cannot be found (${code ?? String(error)})` };
  }
  const inside = relative(realRoot, real);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) return { ok: false, reason: 'leads out of the workspace through a symbolic link' };
  if (inside.split(sep).some((segment) => segment.toLowerCase() === '.git')) return { ok: false, reason: 'leads into .git/ through a symbolic link' };
  const stat = statSync(real, { throwIfNoEntry: false });
  if (stat === undefined) return { ok: false, reason: NOT_FOUND };
  if (!stat.isFile()) return { ok: false, reason: 'is not a regular file' };
  return { ok: true, real };
}

/** locateWorkspaceSource's reason for a path that names nothing. */
export const NOT_FOUND = 'not found';

/**
 * Reads a source file for a report: only a file locateWorkspaceSource admits, and at most
 * MAX_SOURCE_BYTES. Anything else (`.git/config`, a link to /proc/self/environ, a FIFO, a device)
 * is never opened.
 */
export function readWorkspaceSource(workspaceRoot: string, rel: string): SourceRead {
  const read = readLocatedSource(locateWorkspaceSource(workspaceRoot, rel));
  return read.ok ? { ok: true, text: read.bytes.toString('utf8') } : read;
}

/** The bytes of a file locateWorkspaceSource admitted (`located`), read as readWorkspaceSource reads them; its refusal passed on. */
export function readLocatedSource(located: ReturnType<typeof locateWorkspaceSource>): { ok: true; bytes: Buffer } | { ok: false; reason: string } {
  if (!located.ok) return located;
  // Not as a link, nor when no regular file: a file swapped for a link or a FIFO since it was located is refused, without waiting for a writer.
  return readRegularFile(located.real, { followLinks: false, maxBytes: MAX_SOURCE_BYTES });
}
