import { isAbsolute, relative, sep } from 'node:path';

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** Workspace-relative POSIX path, or undefined when `absPath` lies outside the workspace. */
export function workspaceRelative(workspaceRoot: string, absPath: string): string | undefined {
  const rel = relative(workspaceRoot, absPath);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return toPosix(rel);
}
