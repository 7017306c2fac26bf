import type { NxJsonConfiguration, TargetConfiguration } from 'nx/src/devkit-exports';
import {
  commandAndScriptsItRuns,
  detectTargetRunner,
  measuresVitestInBrowser,
  noTestFilesReason,
  ownTestDiscovery,
  runnerOfExecutor,
  testCommandKind,
  whyNotTests,
  withoutRepeats,
  type RunnerDetection,
} from '@monocov/core';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { InferredTestTarget } from './test-plugins';

/** A target that runs the project's tests, as Nx will resolve it. */
export interface TestTarget {
  name: string;
  /** Inferred by a test plugin, under target defaults, under package.json and project.json: its inputs, dependsOn and configurations. */
  target: Partial<TargetConfiguration>;
  /** Jest or Vitest, when the target shows it: the coverage target collects through the runner's own coverage. */
  runner: RunnerDetection | undefined;
  /** It runs Playwright: measured in Chromium (monocov's preload) and under V8, crediting every workspace file it runs. */
  browser: boolean;
  /** It runs Vitest in browser mode, measured in Chromium through monocov's own provider and conversion rather than Vitest's own coverage. */
  vitestInBrowser: boolean;
  /** Where it comes from: `project.json`, `package.json script "test:lib"`, `@nx/jest/plugin (jest.config.ts)`. */
  source: string;
}

/** A target with a test-like name that is not measured, and why (init reports it). */
export interface SkippedTarget {
  name: string;
  reason: string;
}

export interface ProjectTests {
  testTargets: TestTarget[];
  skipped: SkippedTarget[];
}

/**
 * The project's test targets: the names given (`testTargetName`), or by default `test`, every
 * `test:*` target whose command runs a test runner, the targets that test plugins infer, and
 * Playwright targets of any name (docs/browser.md). Never another end-to-end runner (Cypress), nor a
 * command that runs nx, lerna or turbo itself (`nx affected --target=test:lib` would run the
 * tests as other tasks, unmeasured).
 */
export function findTestTargets(args: {
  workspaceRoot: string;
  /** project.json or package.json: the file Nx makes the project of (project.json when the folder has both). */
  file: string;
  nxJson: NxJsonConfiguration;
  inferred: readonly InferredTestTarget[];
  /** From the plugin options; undefined for the default search. */
  testTargetNames: readonly string[] | undefined;
  /** Whether a file of the project is named like a test (isTestFile). */
  hasTestFiles: boolean;
}): ProjectTests {
  const { workspaceRoot, file, nxJson, inferred, testTargetNames } = args;
  const projectRoot = dirname(file);
  const projectDir = join(workspaceRoot, projectRoot);
  const manifest = readJson(join(projectDir, 'package.json'));
  const scripts = stringEntries(manifest?.scripts);
  const declared = declaredTargets(workspaceRoot, file, manifest);
  const inferredByName = new Map(inferred.map((entry) => [entry.name, entry]));
  const names = new Set([...inferredByName.keys(), ...Object.keys(declared)]);
  const runsE2e = (name: string) => {
    const target = resolveTarget([inferredByName.get(name)?.target, declared[name]?.target]);
    return runsPlaywright(target, scripts) || runsCypress(target, scripts);
  };
  // End-to-end targets of any name: Playwright's are measured; Cypress's are named as not supported.
  const wanted = testTargetNames
    ? testTargetNames.filter((name) => names.has(name))
    : [...names].filter((name) => name === 'test' || name.startsWith('test:') || inferredByName.has(name) || runsE2e(name));

  const testTargets: TestTarget[] = [];
  const skipped: SkippedTarget[] = [];
  for (const name of wanted.sort(byTestName)) {
    const fromPlugin = inferredByName.get(name);
    const target = resolveTarget([fromPlugin?.target, targetDefaults(nxJson, name, declared[name]?.target ?? fromPlugin?.target), declared[name]?.target]);
    // A package.json or project.json entry that names no executor or command only adds options or dependsOn to what the plugin infers: the plugin is where it comes from.
    const source = (fromPlugin && !declared[name]?.replaces ? fromPlugin.source : declared[name]?.source) ?? 'project.json';
    const browser = runsPlaywright(target, scripts);
    const judged = browser
      ? undefined
      : runsCypress(target, scripts)
        ? CYPRESS_NOT_SUPPORTED
        : fromPlugin && !declared[name]?.replaces
          ? undefined
          : whyNotATestTarget(name, target, scripts, testTargetNames !== undefined);
    if (judged) skipped.push({ name, reason: judged });
    else {
      const runner = browser ? undefined : runnerOf(target, fromPlugin, projectDir);
      const vitestInBrowser = runner?.runners.includes('vitest') === true && measuresVitestInBrowser(workspaceRoot, projectRoot);
      testTargets.push({ name, target, runner, browser, vitestInBrowser, source });
    }
  }
  const found = testTargetNames ? { testTargets, skipped } : withoutRepeatedRuns(testTargets, skipped, scripts);
  if (found.testTargets.length === 0 || args.hasTestFiles) return found;
  // No test file by the runners' default names: unless the run picks files of its own, it finds none and always fails.
  const own = ownTestDiscovery({
    workspaceRoot,
    projectRoot,
    commands: found.testTargets.map((entry) => commandOf(entry.target, scripts)),
    options: found.testTargets.map((entry) => entry.target.options),
  });
  if (own !== undefined) return found;
  return { testTargets: [], skipped: [...found.skipped, ...found.testTargets.map((entry) => ({ name: entry.name, reason: NO_TEST_FILES_TARGET }))] };
}

export const NO_TEST_FILES_TARGET = noTestFilesReason('the coverage target appears');

function withoutRepeatedRuns(testTargets: TestTarget[], skipped: SkippedTarget[], scripts: Record<string, string>): ProjectTests {
  const { kept, repeats } = withoutRepeats(
    testTargets.map((entry) => ({ name: entry.name, command: commandOf(entry.target, scripts), entry })),
    scripts,
  );
  // Targets that run the same executor with the same options run the same tests (nrwl/nx-console's
  // vscode-e2e: `e2e` and `e2e-local`, both `playwright test -c …`): the first is measured.
  const measured = new Map<string, string>();
  const distinct = kept.filter(({ name, command, entry }) => {
    const run = JSON.stringify([entry.target.executor, entry.target.options ?? {}]);
    const first = measured.get(run);
    if (first === undefined) measured.set(run, name);
    else repeats.push({ name, reason: `it runs what ${first} runs (${command === undefined ? entry.target.executor : `"${command}"`}), which is measured already` });
    return first === undefined;
  });
  return { testTargets: distinct.map((run) => run.entry), skipped: [...skipped, ...repeats] };
}

function byTestName(a: string, b: string): number {
  return Number(b === 'test') - Number(a === 'test') || a.localeCompare(b);
}

interface DeclaredTarget {
  target: Partial<TargetConfiguration>;
  source: string;
  /** It names its own executor or command, so it replaces what a plugin infers rather than adding options to it. */
  replaces: boolean;
}

/** Targets from package.json (scripts Nx turns into targets, `nx.targets`) under project.json, as Nx merges them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a manifest read from JSON, its fields checked where used
function declaredTargets(workspaceRoot: string, file: string, manifest: Record<string, any> | undefined): Record<string, DeclaredTarget> {
  const targets: Record<string, DeclaredTarget> = {};
  const add = (name: string, target: Partial<TargetConfiguration>, source: string) => {
    const merged = resolveTarget([targets[name]?.target, target]);
    targets[name] = { target: merged, source: runsSomething(target) ? source : (targets[name]?.source ?? source), replaces: runsSomething(merged) };
  };
  if (manifest) {
    const scripts = stringEntries(manifest.scripts);
    const included: string[] = Array.isArray(manifest.nx?.includedScripts) ? manifest.nx.includedScripts : Object.keys(scripts);
    for (const name of included) {
      if (scripts[name] !== undefined) add(name, { executor: 'nx:run-script', options: { script: name } }, `package.json script "${name}"`);
    }
    for (const [name, target] of Object.entries(manifest.nx?.targets ?? {})) add(name, target as Partial<TargetConfiguration>, 'package.json');
  }
  if (basename(file) === 'project.json') {
    for (const [name, target] of Object.entries(readJson(join(workspaceRoot, file))?.targets ?? {})) add(name, target as Partial<TargetConfiguration>, 'project.json');
  }
  return targets;
}

function runsSomething(target: Partial<TargetConfiguration> | undefined): boolean {
  return target?.executor !== undefined || target?.command !== undefined;
}

/** `targetDefaults` by target name, else by executor, as Nx looks them up. */
function targetDefaults(nxJson: NxJsonConfiguration, name: string, target: Partial<TargetConfiguration> | undefined): Partial<TargetConfiguration> | undefined {
  const defaults = nxJson.targetDefaults ?? {};
  const executor = target?.executor ?? (target?.command !== undefined ? 'nx:run-commands' : undefined);
  return defaults[name] ?? (executor ? defaults[executor] : undefined);
}

/**
 * Layers merged as Nx merges a target's sources, lowest first: a layer naming another executor or
 * command replaces the ones below; otherwise its options and configurations are laid over them.
 */
export function resolveTarget(layers: ReadonlyArray<Partial<TargetConfiguration> | undefined>): Partial<TargetConfiguration> {
  let result: Partial<TargetConfiguration> = {};
  for (const layer of layers) {
    if (!layer) continue;
    const normalized = withCommandAsOption(layer);
    if (runsSomething(normalized) && runsSomething(result) && !sameRunner(result, normalized)) {
      result = { ...normalized };
      continue;
    }
    const configurations: Record<string, unknown> = { ...result.configurations };
    for (const [name, options] of Object.entries(normalized.configurations ?? {})) {
      configurations[name] = { ...(configurations[name] as object | undefined), ...options };
    }
    result = {
      ...result,
      ...normalized,
      options: { ...result.options, ...normalized.options },
      ...(Object.keys(configurations).length > 0 ? { configurations } : {}),
    };
  }
  return result;
}

// `command: "x"` is Nx's shorthand for nx:run-commands with that command.
function withCommandAsOption(target: Partial<TargetConfiguration>): Partial<TargetConfiguration> {
  if (target.command === undefined) return target;
  const { command, ...rest } = target;
  return { ...rest, executor: 'nx:run-commands', options: { ...rest.options, command } };
}

function sameRunner(a: Partial<TargetConfiguration>, b: Partial<TargetConfiguration>): boolean {
  if (a.executor !== b.executor) return false;
  const commandOf = (target: Partial<TargetConfiguration>) => target.options?.command ?? target.options?.commands;
  return b.options === undefined || commandOf(b) === undefined || JSON.stringify(commandOf(a)) === JSON.stringify(commandOf(b));
}

/** Cypress runs its own Electron or browser: no V8 coverage reaches monocov from there. */
const CYPRESS_EXECUTOR = /^@(?:nx|nrwl)\/cypress:/;
const CYPRESS_COMMAND = /(?:^|[\s;&|()'"/])cypress\s+(?:run|open)(?=$|[\s;&|()'"])/;
export const CYPRESS_NOT_SUPPORTED =
  'it runs Cypress, which monocov does not support: the V8 coverage of code run in a browser comes only from Chromium driven by Playwright (docs/browser.md)';
const PLAYWRIGHT_EXECUTOR = /^@(?:nx|nrwl)\/playwright:/;
const PLAYWRIGHT_COMMAND = /(?:^|[\s;&|()'"/])playwright\s+test(?=$|[\s;&|()'"])/;

function runsCypress(target: Partial<TargetConfiguration>, scripts: Record<string, string>): boolean {
  if (target.executor !== undefined && CYPRESS_EXECUTOR.test(target.executor)) return true;
  const command = commandOf(target, scripts);
  return command !== undefined && commandAndScriptsItRuns(command, scripts).some((run) => CYPRESS_COMMAND.test(run));
}

/** Whether a target runs Playwright: its executor, or a command (or script, or a script it runs by name) that runs `playwright test`. */
function runsPlaywright(target: Partial<TargetConfiguration>, scripts: Record<string, string>): boolean {
  if (target.executor !== undefined && PLAYWRIGHT_EXECUTOR.test(target.executor)) return true;
  const command = commandOf(target, scripts);
  return command !== undefined && commandAndScriptsItRuns(command, scripts).some((run) => PLAYWRIGHT_COMMAND.test(run));
}

const PLACEHOLDER_SCRIPT = 'Error: no test specified';

/** Why a target with a test-like name is not measured; undefined when it runs tests. */
function whyNotATestTarget(name: string, target: Partial<TargetConfiguration>, scripts: Record<string, string>, named: boolean): string | undefined {
  const executor = target.executor;
  if (executor === undefined) return 'it has no executor or command';
  if (runnerOfExecutor(executor)) return undefined;
  const command = commandOf(target, scripts);
  if (command === undefined) return name === 'test' || named ? undefined : `its executor ${executor} is not a known test runner`;
  if (command.includes(PLACEHOLDER_SCRIPT)) return "it is npm's placeholder script";
  const kind = testCommandKind(command, scripts);
  if (!named && whyNotTests(kind, command)) return whyNotTests(kind, command);
  if (kind === 'workspace') return `its command runs nx, lerna or turbo itself ("${command}"), which would run the tests again as tasks of their own`;
  if (kind === 'e2e') return `its command runs end-to-end tests ("${command}"), which monocov does not measure (Playwright only: docs/browser.md)`;
  if (kind === 'unit' || name === 'test' || named) return undefined;
  return `its command runs no known test runner ("${command}")`;
}

/** The command a target runs: its nx:run-commands command(s), or the package.json script nx:run-script runs. */
export function commandOf(target: Partial<TargetConfiguration>, scripts: Record<string, string>): string | undefined {
  const options = target.options ?? {};
  if (target.executor === 'nx:run-script') return typeof options.script === 'string' ? scripts[options.script] : undefined;
  if (target.executor !== 'nx:run-commands') return undefined;
  const commands = [options.command, ...(Array.isArray(options.commands) ? options.commands : [])]
    .map((entry) => (typeof entry === 'string' ? entry : entry?.command))
    .filter((entry): entry is string => typeof entry === 'string');
  return commands.length > 0 ? commands.join(' && ') : undefined;
}

function runnerOf(target: Partial<TargetConfiguration>, fromPlugin: InferredTestTarget | undefined, projectDir: string): RunnerDetection | undefined {
  const detected = detectTargetRunner({ executor: target.executor, options: target.options }, projectDir);
  if (detected) return detected;
  return fromPlugin?.runner ? { runners: [fromPlugin.runner], evidence: fromPlugin.source } : undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a manifest read from JSON, its fields checked where used
function readJson(path: string): Record<string, any> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export function stringEntries(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
