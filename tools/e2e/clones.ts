/**
 * Several CI machines in one temp folder: an origin workspace with monocov set up and committed,
 * and git clones of it at other absolute paths (other depths too), each with the node_modules
 * that `npm ci` of the committed lockfile gives. Used by the sharded and remote-cache scenarios.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as assert from 'uvu/assert';
import { commitAll, readJson, removeDir, REPO_ROOT, runOk, snapshotFiles } from './lib';
import { createNxWorkspace, nxOk, type NxVersions, type NxWorkspace } from './nx-workspace';

/** The Nx, TypeScript and c8 this repository itself is developed with (its lockfile's), on this machine's Node. */
export function repositoryVersions(): NxVersions {
  const installed = (name: string): string => readJson(join(REPO_ROOT, 'node_modules', name, 'package.json')).version;
  return { nx: installed('nx'), devkit: installed('@nx/devkit'), typescript: installed('typescript'), c8: installed('c8') };
}

/** The origin repository: the three projects, `nx g @monocov/nx:init` run, everything committed. */
export async function createOrigin(name: string): Promise<NxWorkspace> {
  const origin = await createNxWorkspace(repositoryVersions(), name);
  try {
    nxOk(origin, ['g', '@monocov/nx:init', '--no-interactive']);
    commitAll(origin.shell, origin.root, 'set up monocov');
  } catch (error) {
    // The scenario never gets the origin, so its cleanup cannot remove it.
    removeDir(origin.scratch);
    throw error;
  }
  return origin;
}

/**
 * A fresh checkout of the origin's commit at `path` (inside the origin's scratch folder): no
 * .nx, no coverage. node_modules is copied from the origin — what `npm ci` installs from the
 * same lockfile — which saves an install per clone.
 */
export function cloneOrigin(origin: NxWorkspace, path: string, env: NodeJS.ProcessEnv = {}): NxWorkspace {
  const root = join(origin.scratch, path);
  mkdirSync(dirname(root), { recursive: true });
  runOk(origin.shell, origin.scratch, 'git', ['clone', '--quiet', origin.root, root]);
  runOk(origin.shell, origin.scratch, 'cp', ['-a', join(origin.root, 'node_modules'), join(root, 'node_modules')]);
  if (existsSync(join(root, '.nx'))) throw new Error(`${root}/.nx exists in a fresh clone`);
  return { ...origin, root, shell: { ...origin.shell, env: { ...origin.shell.env, ...env } } };
}

/** Every file under the workspace's `coverage/<part>`, path → contents, for byte-for-byte comparison. */
export function coverageFiles(workspace: NxWorkspace, part: 'projects' | 'workspace'): Record<string, string> {
  return snapshotFiles(join(workspace.root, 'coverage', part));
}

/** Same file names and the same bytes in each; a failure names the files that differ, not a diff of every page. */
export function assertSameFiles(actual: Record<string, string>, expected: Record<string, string>, what: string): void {
  assert.equal(Object.keys(actual), Object.keys(expected), `${what}: file names`);
  const differing = Object.keys(expected).filter((path) => actual[path] !== expected[path]);
  assert.equal(differing, [], `${what}: files whose bytes differ`);
}
