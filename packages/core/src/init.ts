import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadConfig } from './config';
import { ConfigError } from './errors';
import { RC_FILE } from './config/load';
import { starterConfig, withIgnoredDataDir } from './starter';
import { projectDataDir } from './layout';
import { toPosix } from './workspace-path';
import { findsNoTestFile, noTestFilesReason } from './test-files';
import { testCommandKind } from './runners/test-commands';
import { MEASURED_BY_ROOT, ownCoverageScriptReason, rootTestScript, runsMonocov, testScripts } from './test-scripts';
import { readWorkspaceMembers } from './workspace-members';

/**
 * `monocov init` outside Nx: sets an npm, pnpm, yarn or bun workspace up for coverage, with
 * Turborepo when the root has a turbo.json. Small steps, each idempotent (a second run finds
 * nothing to do): the rc file, a `coverage` script per tested package, Turborepo's task (the
 * test task's `dependsOn` carried over, each package's data folder as its `outputs`), the root
 * script that measures and merges, and the data folder ignored by git and linters.
 */

export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'yarn-classic' | 'bun';

export interface MeasuredPackage {
  projectRoot: string;
  name: string;
  /** The test script its `coverage` script runs; undefined when that script runs monocov otherwise (`monocov run -- vitest run`). */
  testScript?: string;
}

export interface SkippedPackage {
  projectRoot: string;
  name: string;
  /** Why it gets no coverage script, and what to do to measure it. */
  reason: string;
  /** It has no test script at all (rather than one monocov cannot measure): its code runs only in other packages' tests. */
  withoutTests?: true;
}

export interface InitResult {
  packageManager: PackageManager;
  turbo: boolean;
  measured: MeasuredPackage[];
  skipped: SkippedPackage[];
  /** Workspace-relative files written, in the order written; empty on a second run. */
  written: string[];
  /** Advice for what init leaves to the user (a root script it would not replace, a linter config). */
  notes: string[];
  /** The one command that measures every package and merges. */
  command: string;
}

export function initWorkspace(workspaceRoot: string): InitResult {
  if (existsSync(join(workspaceRoot, 'nx.json'))) {
    // Package scripts named `coverage` would become Nx targets next to the plugin's own.
    throw new ConfigError('nx.json: this is an Nx workspace; set it up with `nx add @monocov/nx` (monocov init is for workspaces without Nx)');
  }
  const members = readWorkspaceMembers(workspaceRoot);
  if (members.folders.length === 0) {
    throw new ConfigError(
      members.sources.length === 0
        ? `${workspaceRoot}: no workspace packages declared (package.json \`workspaces\`, pnpm-workspace.yaml or lerna.json); monocov init sets up a workspace — in a single package, run its tests with \`monocov run -- <test command>\``
        : `${members.sources.join(', ')}: no package folder matches ${members.patterns.map((glob) => JSON.stringify(glob)).join(', ')}; fix the globs, then run monocov init again`,
    );
  }
  const files = new WorkspaceFiles(workspaceRoot);
  const packageManager = detectPackageManager(files);
  const turbo = existsSync(join(workspaceRoot, 'turbo.json'));
  const notes: string[] = [];
  // Every file init may edit is read once before anything is written: a bad one stops it with nothing half done.
  files.readJson('package.json');
  for (const folder of members.folders) files.readJson(`${folder}/package.json`);
  if (turbo) for (const path of ['turbo.json', ...members.folders.map((folder) => `${folder}/turbo.json`)]) files.readTurboJson(path);

  if (!files.exists(RC_FILE)) files.writeJson(RC_FILE, starterConfig());
  const { run } = loadConfig({ workspaceRoot }).config;
  const { dataDir } = run;

  const measured: MeasuredPackage[] = [];
  let skipped: SkippedPackage[] = [];
  for (const projectRoot of members.folders) {
    const outcome = addCoverageScript(files, projectRoot, packageManager);
    if ('reason' in outcome) skipped.push(outcome);
    else measured.push(outcome);
  }
  // The root's own tests are measured only where no package's are: a root `jest` over the packages
  // that have test scripts of their own would run their tests a second time.
  const rootTests = measuredRoot(files);
  const root = measured.length === 0 ? rootTests : undefined;
  if (root !== undefined) skipped = skipped.map((entry) => (entry.withoutTests ? { ...entry, reason: MEASURED_BY_ROOT } : entry));
  else if (rootTests !== undefined)
    notes.push("the root's `test` script runs tests too: monocov measures the packages' own test scripts instead, as running both would run the packages' tests twice");
  // The root project holds every package's files: no package's code is left out of its report.
  if (root === undefined && run.source === 'project') notes.push(...untestedDependencyNotes(files, measured, skipped));
  if (turbo) addTurboTasks(files, measured, dataDir);
  const command = addRootScript(files, { packageManager, turbo, folders: members.folders, rootMeasured: root !== undefined }, notes);
  ignoreDataDir(files, dataDir, notes);
  return { packageManager, turbo, measured: root === undefined ? measured : [root, ...measured], skipped, written: files.written, notes, command };
}

/**
 * The workspace root as a project to measure, when its `test` script runs the tests itself (a root
 * Jest config with `projects`): the root `coverage` script runs it under `monocov run`.
 */
function measuredRoot(files: WorkspaceFiles): MeasuredPackage | undefined {
  const manifest = files.readJson('package.json') ?? {};
  const test = rootTestScript(files.root, manifest.scripts);
  if (test === undefined) return undefined;
  return { projectRoot: '.', name: typeof manifest.name === 'string' ? manifest.name : '.', testScript: test.name };
}

/**
 * A package without tests that measured packages depend on: their tests run its code, but with
 * `run.source: "project"` each package counts only its own files, so it would be in no report
 * (seen in libp2p/js-libp2p-daemon, whose protocol package only the client's and server's tests load).
 */
function untestedDependencyNotes(files: WorkspaceFiles, measured: readonly MeasuredPackage[], skipped: readonly SkippedPackage[]): string[] {
  const dependents = (name: string) =>
    measured.filter((entry) => {
      const manifest = files.readJson(`${entry.projectRoot}/package.json`) ?? {};
      return ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].some((key) => Object.hasOwn(manifest[key] ?? {}, name));
    });
  return skipped.flatMap(({ projectRoot, name, withoutTests }) => {
    const users = withoutTests ? dependents(name) : [];
    if (users.length === 0) return [];
    return [
      `${projectRoot} has no tests of its own, but ${users.map((entry) => entry.projectRoot).join(', ')} depend${users.length === 1 ? 's' : ''} on it: to count its code as their tests run it, set \`"run": { "source": "workspace" }\` in ${RC_FILE} (docs/configuration.md)`,
    ];
  });
}

function detectPackageManager(files: WorkspaceFiles): PackageManager {
  const manifest = files.readJson('package.json');
  const declared = typeof manifest?.packageManager === 'string' ? /^(npm|pnpm|yarn|bun)@(\d+)/.exec(manifest.packageManager) : null;
  if (declared) return declared[1] === 'yarn' ? (Number(declared[2]) >= 2 ? 'yarn' : 'yarn-classic') : (declared[1] as PackageManager);
  const has = (file: string) => files.exists(file);
  if (has('pnpm-workspace.yaml') || has('pnpm-lock.yaml')) return 'pnpm';
  if (has('.yarnrc.yml')) return 'yarn';
  if (has('yarn.lock')) return 'yarn-classic';
  if (has('bun.lock') || has('bun.lockb')) return 'bun';
  return 'npm';
}

/** `<pm> run <script>`: the package's own test command stays the one place the tests are defined. */
function runScript(packageManager: PackageManager, script: string): string {
  return `${packageManager === 'yarn-classic' ? 'yarn' : packageManager} run ${script}`;
}

function addCoverageScript(files: WorkspaceFiles, projectRoot: string, packageManager: PackageManager): MeasuredPackage | SkippedPackage {
  const manifestPath = `${projectRoot}/package.json`;
  const manifest = files.readJson(manifestPath) ?? {};
  const name = typeof manifest.name === 'string' ? manifest.name : projectRoot;
  const scripts = (manifest.scripts ?? {}) as Record<string, unknown>;
  const existing = scripts.coverage;
  if (typeof existing === 'string') {
    // Set up before (by init or by hand): named by the script it runs when it is one of the package's.
    if (runsMonocov(existing)) {
      const script = /^monocov run -- (?:npm|pnpm|yarn|bun) run (\S+)$/.exec(existing.trim())?.[1];
      return script !== undefined && typeof scripts[script] === 'string' ? { projectRoot, name, testScript: script } : { projectRoot, name };
    }
    return { projectRoot, name, reason: ownCoverageScriptReason(existing) };
  }
  const tests = testScripts(scripts);
  const chosen = tests[0]?.name === 'test' ? tests[0] : tests.length === 1 ? tests[0] : undefined;
  if (chosen === undefined) {
    if (tests.length > 0) {
      const add = `"coverage": "monocov run -- ${runScript(packageManager, tests[0]!.name)}"`;
      return { projectRoot, name, reason: `several test scripts (${tests.map((script) => script.name).join(', ')}) and no \`test\`; add \`${add}\` for the one to measure` };
    }
    if (typeof scripts.test === 'string' && testCommandKind(scripts.test, stringScripts(scripts)) === 'e2e')
      return { projectRoot, name, reason: `its "test" script runs end-to-end tests ("${scripts.test}"), which monocov does not measure yet` };
    return { projectRoot, name, reason: 'no test script (`test`, or a `test:*` script running a test runner)', withoutTests: true };
  }
  if (findsNoTestFile({ workspaceRoot: files.root, projectRoot, commands: [chosen.command], options: [] }))
    return { projectRoot, name, reason: `"${chosen.name}" is not measured: ${noTestFilesReason('run monocov init again')}` };
  files.writeJson(manifestPath, { ...manifest, scripts: { ...scripts, coverage: `monocov run -- ${runScript(packageManager, chosen.name)}` } });
  return { projectRoot, name, testScript: chosen.name };
}

interface TurboTask {
  dependsOn?: string[];
  inputs?: string[];
  outputs?: string[];
  env?: string[];
  [key: string]: unknown;
}

/**
 * Turborepo: the root turbo.json defines `coverage` like the test task it wraps (its
 * `dependsOn` — without `^build` a clean checkout fails to resolve workspace packages that have
 * not been built — inputs and env), plus the rc file as an input. Turbo has no token for a
 * package's own folder in a path, so each measured package declares its data folder as the
 * task's `outputs` in its own turbo.json.
 */
function addTurboTasks(files: WorkspaceFiles, measured: MeasuredPackage[], dataDir: string): void {
  const root = files.readTurboJson('turbo.json') ?? {};
  const tasks = (root.tasks ?? {}) as Record<string, TurboTask>;
  if (tasks.coverage === undefined) {
    const testTasks = [...new Set(measured.map((entry) => entry.testScript ?? 'test'))].map((script) => tasks[script]).filter((task): task is TurboTask => task !== undefined);
    const union = (key: 'dependsOn' | 'inputs' | 'env') => [...new Set(testTasks.flatMap((task) => (Array.isArray(task[key]) ? task[key] : [])))];
    const coverage: TurboTask = {};
    const dependsOn = union('dependsOn');
    if (dependsOn.length > 0) coverage.dependsOn = dependsOn;
    const inputs = union('inputs');
    coverage.inputs = [...(inputs.length > 0 ? inputs : ['$TURBO_DEFAULT$']), `$TURBO_ROOT$/${RC_FILE}`];
    const env = union('env');
    if (env.length > 0) coverage.env = env;
    files.writeJson('turbo.json', { ...root, tasks: { ...tasks, coverage } });
  }
  for (const entry of measured) {
    const path = `${entry.projectRoot}/turbo.json`;
    const own = files.readTurboJson(path);
    const ownTasks = (own?.tasks ?? {}) as Record<string, TurboTask>;
    if (ownTasks.coverage?.outputs !== undefined) continue;
    const output = `$TURBO_ROOT$/${toPosix(relative(files.root, projectDataDir(files.root, dataDir, entry.projectRoot)))}/**`;
    const ownTest = ownTasks[entry.testScript ?? 'test'];
    const coverage: TurboTask = { ...ownTasks.coverage, outputs: [output] };
    if (ownTest?.dependsOn !== undefined && coverage.dependsOn === undefined) coverage.dependsOn = ownTest.dependsOn;
    files.writeJson(path, own === undefined ? { extends: ['//'], tasks: { coverage } } : { ...own, tasks: { ...ownTasks, coverage } });
  }
}

/**
 * How the root script runs packages' `coverage` scripts with each tool: every package that has one
 * (`all`, which also picks up packages added later), or only the named ones
 * (`prefix` + ` <flag> <name>` per package + `suffix`), each form tried with the real tool.
 */
interface RunCoverageForms {
  all: string;
  prefix: string;
  flag: string;
  suffix: string;
}

const RUN_COVERAGE: Record<Exclude<PackageManager, 'yarn-classic'> | 'turbo', RunCoverageForms> = {
  turbo: { all: 'turbo run coverage', prefix: 'turbo run coverage', flag: '--filter', suffix: '' },
  npm: { all: 'npm run coverage --workspaces --if-present', prefix: 'npm run coverage', flag: '-w', suffix: '' },
  pnpm: { all: 'pnpm -r --if-present run coverage', prefix: 'pnpm', flag: '--filter', suffix: ' run coverage' },
  yarn: { all: 'yarn workspaces foreach --all --topological run coverage', prefix: 'yarn workspaces foreach --all --topological', flag: '--include', suffix: ' run coverage' },
  bun: { all: "bun run --filter '*' coverage", prefix: 'bun run', flag: '--filter', suffix: ' coverage' },
};

/**
 * A package name the root script can hold unquoted, the same in sh and in cmd.exe, and that no
 * tool's filter reads as a pattern (pnpm's `...`, `{dir}`, `!`; globs): scope, letters, digits, `.`, `_`, `-`.
 */
const PLAIN_NAME = '@?[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?';

interface RootScriptOptions {
  packageManager: PackageManager;
  turbo: boolean;
  folders: string[];
  /** The root's own `test` script is measured (measuredRoot): the root script runs it under `monocov run` first. */
  rootMeasured: boolean;
}

/**
 * The root `coverage` script: the root's own tests under `monocov run` when it has them, the
 * packages' coverage scripts, then `monocov merge`. When a package
 * has a `coverage` script of its own (`vitest run --coverage`), it runs only the packages whose
 * script runs monocov, by name: monocov never reads the other coverage, which can take minutes,
 * and a failing one (its own thresholds) would stop the script before the merge. A root script
 * init wrote before (either form) is brought up to date; any other is left as it is. Returns the
 * command to run.
 */
function addRootScript(files: WorkspaceFiles, { packageManager, turbo, folders, rootMeasured }: RootScriptOptions, notes: string[]): string {
  const rootRun = `monocov run -- ${runScript(packageManager, 'test')}`;
  if (!turbo && packageManager === 'yarn-classic') {
    // Yarn 1 fails on a workspace without the script and has no filter by name in its own CLI; the
    // root's own tests it runs like any script (measured only where no package is).
    if (rootMeasured) {
      const wanted = `${rootRun} && monocov merge`;
      return writeRootScript(files, packageManager, { wanted }, notes);
    }
    notes.push("yarn 1 has no way to run a script only where it exists: run each package's `coverage` script, then `monocov merge` (or add Turborepo)");
    return 'monocov merge';
  }
  const forms = RUN_COVERAGE[turbo ? 'turbo' : (packageManager as Exclude<PackageManager, 'yarn-classic'>)];
  const byMonocov: { projectRoot: string; name: unknown }[] = [];
  const own: string[] = [];
  for (const projectRoot of folders) {
    const manifest = files.readJson(`${projectRoot}/package.json`) ?? {};
    const coverage = ((manifest.scripts ?? {}) as Record<string, unknown>).coverage;
    if (typeof coverage !== 'string') continue;
    if (runsMonocov(coverage)) byMonocov.push({ projectRoot, name: manifest.name });
    else own.push(projectRoot);
  }
  let runCoverage = forms.all;
  // What the root script does with the own coverage scripts, said when it is monocov's.
  let ownScriptsNote: string | undefined;
  if (own.length > 0 && byMonocov.length > 0) {
    const notPlain = byMonocov.filter((entry) => typeof entry.name !== 'string' || !new RegExp(`^${PLAIN_NAME}$`).test(entry.name));
    if (notPlain.length === 0) {
      runCoverage = `${forms.prefix}${byMonocov.map((entry) => ` ${forms.flag} ${String(entry.name)}`).join('')}${forms.suffix}`;
      ownScriptsNote = `the root \`coverage\` script runs only the packages whose \`coverage\` script runs monocov: the own \`coverage\` scripts of ${own.join(', ')} are left out (monocov does not read their coverage, and one that failed would stop the script before \`monocov merge\`)`;
    } else {
      ownScriptsNote = `the root \`coverage\` script runs every package's \`coverage\` script, so the own ones of ${own.join(', ')} run too (and one that fails stops it before \`monocov merge\`): ${notPlain.map((entry) => entry.projectRoot).join(', ')} ${notPlain.length === 1 ? 'has' : 'have'} no package name that a script can hold unquoted in every shell, to run only the packages monocov measures`;
    }
  }
  // Packages' coverage scripts are run when some package has one; with a measured root, only then.
  const steps = [...(rootMeasured ? [rootRun] : []), ...(rootMeasured && byMonocov.length === 0 ? [] : [runCoverage]), 'monocov merge'];
  const wanted = steps.join(' && ');
  return writeRootScript(files, packageManager, { wanted, ours: (script) => writtenByInit(script, forms, rootRun), noteIfWritten: ownScriptsNote }, notes);
}

interface RootScript {
  wanted: string;
  /** Whether a `coverage` script there is one init wrote before, which it may bring up to date; only `wanted` when absent. */
  ours?: (script: unknown) => boolean;
  /** Said only when the script is monocov's. */
  noteIfWritten?: string;
}

/** Writes the root `coverage` script unless the user has one of their own; returns the command to run. */
function writeRootScript(files: WorkspaceFiles, packageManager: PackageManager, { wanted, ours, noteIfWritten }: RootScript, notes: string[]): string {
  const manifest = files.readJson('package.json') ?? {};
  const scripts = (manifest.scripts ?? {}) as Record<string, unknown>;
  if (scripts.coverage === wanted || scripts.coverage === undefined || ours?.(scripts.coverage) === true) {
    // Rewritten only to change the script: the file's other formatting stays the user's.
    if (scripts.coverage !== wanted) files.writeJson('package.json', { ...manifest, scripts: { ...scripts, coverage: wanted } });
    if (noteIfWritten !== undefined) notes.push(noteIfWritten);
    return runScript(packageManager, 'coverage');
  }
  notes.push(`package.json already has a \`coverage\` script ("${String(scripts.coverage)}"), left as it is; monocov's is "${wanted}"`);
  return wanted;
}

/** Whether a root `coverage` script is one init writes with this tool (the root's tests, every package or some by name), which init may bring up to date. */
function writtenByInit(script: unknown, forms: RunCoverageForms, rootRun: string): boolean {
  if (typeof script !== 'string') return false;
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const some = `${escape(forms.prefix)}(?: ${escape(forms.flag)} ${PLAIN_NAME})+${escape(forms.suffix)}`;
  const packages = `(?:${escape(forms.all)}|${some})`;
  return new RegExp(`^(?:${packages}|${escape(rootRun)}(?: && ${packages})?) && monocov merge$`).test(script);
}

/** The data folder out of git, and out of the linters that read an ignore file (an HTML report is thousands of lint errors). */
function ignoreDataDir(files: WorkspaceFiles, dataDir: string, notes: string[]): void {
  for (const ignoreFile of ['.gitignore', '.prettierignore', '.eslintignore']) {
    if (ignoreFile !== '.gitignore' && !files.exists(ignoreFile)) continue;
    const current = files.exists(ignoreFile) ? files.readText(ignoreFile) : '';
    const updated = withIgnoredDataDir(current, dataDir);
    if (updated !== current) files.write(ignoreFile, updated);
  }
  const flatConfig = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts'].find((file) => files.exists(file));
  if (flatConfig !== undefined && !files.readText(flatConfig).includes(`${dataDir}/`)) {
    notes.push(`${flatConfig}: ESLint's flat config does not read .gitignore; add \`{ ignores: ['${dataDir}/**'] }\` so the HTML report is not linted`);
  }
}

/** Reads and writes workspace-relative files, remembering what was written; a JSON file is read once. */
class WorkspaceFiles {
  readonly written: string[] = [];
  /** JSON files by path, as first read or as last written by writeJson. */
  private readonly json = new Map<string, Record<string, unknown> | undefined>();

  constructor(readonly root: string) {}

  exists(path: string): boolean {
    return existsSync(join(this.root, path));
  }

  readText(path: string): string {
    return readFileSync(join(this.root, path), 'utf8');
  }

  readJson(path: string): Record<string, unknown> | undefined {
    if (!this.json.has(path)) this.json.set(path, readJson(this.root, path));
    return this.json.get(path);
  }

  /** turbo.json may hold comments (Turborepo reads JSONC): init edits only strict JSON and says so. */
  readTurboJson(path: string): Record<string, unknown> | undefined {
    try {
      return this.readJson(path);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new ConfigError(`${path}: monocov init edits only strict JSON (no comments or trailing commas); add the \`coverage\` task by hand as docs/getting-started.md shows`);
    }
  }

  /** Writes `value` as JSON in the file's own style (a new file's as Prettier and Biome print it) and a final newline. */
  writeJson(path: string, value: Record<string, unknown>): void {
    const style = this.exists(path) ? jsonStyle(this.readText(path)) : { indent: '  ', inlineArrays: true };
    this.write(path, `${printJson(value, style)}\n`);
    this.json.set(path, value);
  }

  write(path: string, text: string): void {
    if (this.exists(path) && this.readText(path) === text) return;
    writeFileSync(join(this.root, path), text);
    if (!this.written.includes(path)) this.written.push(path);
  }
}

interface JsonStyle {
  indent: string;
  /** An array of plain values on one line when it fits in {@link PRINT_WIDTH} columns (Prettier's and Biome's default), else one item a line (JSON.stringify's). */
  inlineArrays: boolean;
}

/** Prettier's and Biome's default line width. */
const PRINT_WIDTH = 80;

/**
 * The style a JSON file is written in: its indentation, and the array layout that prints it back
 * unchanged. A turbo.json formatted by Prettier or Biome keeps `"dependsOn": ["^build"]` on one line,
 * and a package.json written by npm or pnpm keeps every array expanded: rewritten in the other
 * layout, every array of the file would show in the diff and fail the workspace's format check.
 */
function jsonStyle(text: string): JsonStyle {
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined; // read as JSON before; a file that no longer parses keeps the layout guessed below
  }
  for (const inlineArrays of [true, false]) if (value !== undefined && `${printJson(value, { indent, inlineArrays })}\n` === text) return { indent, inlineArrays };
  return { indent, inlineArrays: /\[[^\n\]]*[^\s\]][^\n]*\]/.test(text) };
}

/** `value` as JSON in `style`; `column` is where the value starts on its line, `suffix` what follows it there. */
function printJson(value: unknown, style: JsonStyle, depth = 0, column = 0, suffix = ''): string {
  const outer = style.indent.repeat(depth);
  const inner = style.indent.repeat(depth + 1);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (style.inlineArrays && value.every((item) => item === null || typeof item !== 'object')) {
      const flat = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
      if (column + flat.length + suffix.length <= PRINT_WIDTH) return flat;
    }
    const items = value.map((item, index) => `${inner}${printJson(item, style, depth + 1, inner.length, index < value.length - 1 ? ',' : '')}`);
    return `[\n${items.join(',\n')}\n${outer}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const members = entries.map(([key, member], index) => {
      const head = `${inner}${JSON.stringify(key)}: `;
      return `${head}${printJson(member, style, depth + 1, head.length, index < entries.length - 1 ? ',' : '')}`;
    });
    return `{\n${members.join(',\n')}\n${outer}}`;
  }
  return JSON.stringify(value);
}

function stringScripts(scripts: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(scripts).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function readJson(root: string, path: string): Record<string, unknown> | undefined {
  const file = join(root, path);
  if (!existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path}: not valid JSON (${(error as Error).message}); fix the file, then run monocov init again`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`${path}: expected a JSON object`);
  return value as Record<string, unknown>;
}
