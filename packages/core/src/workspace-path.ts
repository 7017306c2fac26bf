import nodePath, { type PlatformPath } from 'node:path';

/**
 * The path functions paths are computed with: the host's (`node:path`) unless a test passes
 * `path.win32` or `path.posix` to check the other platform's separators and drive letters.
 */
export type PathFlavor = PlatformPath;

export function toPosix(path: string, flavor: PathFlavor = nodePath): string {
  return flavor.sep === '/' ? path : path.split(flavor.sep).join('/');
}

/** Workspace-relative POSIX path, or undefined when `absPath` lies outside the workspace. */
export function workspaceRelative(workspaceRoot: string, absPath: string, flavor: PathFlavor = nodePath): string | undefined {
  const rel = flavor.relative(workspaceRoot, absPath);
  if (rel === '' || rel.startsWith('..') || flavor.isAbsolute(rel)) return undefined;
  return toPosix(rel, flavor);
}
