import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** This repository: its node_modules (nx, tsx, uvu, and our own packages linked by npm) serve the fixtures. */
export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const NX_BIN = join(REPO_ROOT, 'node_modules', 'nx', 'bin', 'nx.js');

/** Every workspace made, removed when the test file's process ends, whether or not a test removed it. */
const workspaces: string[] = [];
process.on('exit', () => {
  for (const root of workspaces) removeWorkspace(root);
});

/**
 * A real Nx workspace in a temp folder: the given files, plus a node_modules link to this
 * repository's installed packages (so no network and no install per test).
 */
export function createFixtureWorkspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'monocov-ws-'));
  workspaces.push(root);
  writeFiles(root, files);
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), contents);
  }
}

export function removeWorkspace(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

export interface RunResult {
  status: number | null;
  output: string;
}

/** Runs the real nx CLI in the workspace, without the daemon or Nx Cloud, and without colour (the tests read its output). */
export function runNx(root: string, args: string[], env: NodeJS.ProcessEnv = {}): RunResult {
  const result = spawnSync(process.execPath, [NX_BIN, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...outsideNx(process.env), NO_COLOR: '1', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', ...env },
    timeout: 240_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/**
 * The environment without the NX_* variables of an Nx run we may be inside (this repository
 * measures itself with Nx): an inherited NX_SKIP_NX_CACHE or NX_TASK_TARGET_PROJECT would
 * change what the fixture's own nx does, and so would the marks of projects an outer run's
 * --exclude left out (MONOCOV_NX_NOT_SELECTED_*). Nx gives its tasks FORCE_COLOR, which beside
 * NO_COLOR makes Node warn in every process.
 */
function outsideNx(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('NX_') && !key.startsWith('MONOCOV_NX_') && key !== 'FORCE_COLOR'));
}

// The e2e scenarios compare files and read task lines the same way.
export { snapshotFiles, STREAM_TASK_OUTPUT } from '../../../../tools/e2e/lib';

export function readJson<T = any>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8'));
}
