import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isObject } from '../is-object';

/** The rc file's name; it lives at the workspace root. */
export const RC_FILE = '.coveragerc.json';

/**
 * The workspace root for a directory, walking up from `startDir` (itself included):
 *  1. the nearest folder holding `nx.json`, `pnpm-workspace.yaml` or a package.json with
 *     `workspaces` — a monorepo root, so an rc file misplaced in a package below it is passed
 *     over and paths stay relative to the whole workspace;
 *  2. else the nearest folder holding `.coveragerc.json` (a single-package repository);
 *  3. else the nearest folder holding a package.json;
 *  4. else `startDir` itself.
 * The nearest monorepo root wins over outer ones, so fixtures nested in a repository are roots.
 */
export function findWorkspaceRoot(startDir: string): string {
  const start = resolve(startDir);
  let rcDir: string | undefined;
  let packageDir: string | undefined;
  for (let dir = start; ; dir = dirname(dir)) {
    if (isMonorepoRoot(dir)) return dir;
    if (rcDir === undefined && existsSync(join(dir, RC_FILE))) rcDir = dir;
    if (packageDir === undefined && existsSync(join(dir, 'package.json'))) packageDir = dir;
    if (dirname(dir) === dir) break;
  }
  return rcDir ?? packageDir ?? start;
}

function isMonorepoRoot(dir: string): boolean {
  if (existsSync(join(dir, 'nx.json')) || existsSync(join(dir, 'pnpm-workspace.yaml'))) return true;
  try {
    const manifest: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    return isObject(manifest) && manifest.workspaces !== undefined;
  } catch {
    return false; // no package.json, or one we cannot read: not a marker either way
  }
}
