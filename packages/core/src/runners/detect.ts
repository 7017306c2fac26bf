import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readWorkspaceMembers } from '../workspace-members';

/** Test runners whose own coverage monocov collects through (they transform code in memory, so V8 alone misplaces hits). */
export type TestRunner = 'jest' | 'vitest';

export const TEST_RUNNERS: readonly TestRunner[] = ['jest', 'vitest'];

/** Each runner's name as messages and target descriptions write it. */
export const RUNNER_LABELS: Readonly<Record<TestRunner, string>> = { jest: 'Jest', vitest: 'Vitest' };

/** What runs a test target, and what showed it. */
export interface RunnerDetection {
  /** Usually one; a command that runs both (`jest && vitest run`) lists both. */
  runners: TestRunner[];
  /** For messages: `executor "@nx/jest:jest"`, `command "vitest run"`, `package.json script "test" ("jest --ci")`. */
  evidence: string;
  /** The command line that starts it, scripts it runs included, when a command or script does (read for the runner configs it names). */
  command?: string;
}

/** Nx executors that start a runner in the calling process, taking its flags as options. */
const RUNNER_EXECUTORS: Readonly<Record<string, TestRunner>> = {
  '@nx/jest:jest': 'jest',
  '@nrwl/jest:jest': 'jest',
  '@nx/vite:test': 'vitest',
  '@nx/vitest:test': 'vitest',
  '@nrwl/vite:test': 'vitest',
};

/** The runner an Nx executor runs (`@nx/jest:jest`, `@nx/vitest:test`…), or undefined. */
export function runnerOfExecutor(executor: string | undefined): TestRunner | undefined {
  return executor !== undefined && Object.hasOwn(RUNNER_EXECUTORS, executor) ? RUNNER_EXECUTORS[executor] : undefined;
}

// A runner's name as a command word: `jest`, `npx vitest run`, `node node_modules/jest/bin/jest.js`
// (the file, not the folder), `cross-env CI=1 jest`; not `ts-jest`, `jest-junit` or `jest.config.ts`.
const RUNNER_WORD = /(?:^|[\s;&|()'"=/])(jest|vitest)(?:\.m?js)?(?=$|[\s;&|()'"])/g;

/** The runners a shell command line starts, in the order they appear. */
export function runnersInCommand(command: string): TestRunner[] {
  return [...new Set([...command.matchAll(RUNNER_WORD)].map((match) => match[1] as TestRunner))];
}

/** The parts of a test target that tell which runner it runs. */
export interface TargetDescription {
  executor?: string;
  options?: Record<string, unknown>;
}

/**
 * Which runner a project's test target runs, read from its configuration: an Nx runner executor,
 * the command of `nx:run-commands` (inferred @nx/jest and @nx/vitest targets are of that kind),
 * or the package.json script behind `nx:run-script`. Undefined when nothing shows Jest or Vitest.
 */
export function detectTargetRunner(target: TargetDescription, projectDir: string): RunnerDetection | undefined {
  const executor = target.executor ?? 'nx:run-commands';
  const byExecutor = runnerOfExecutor(executor);
  if (byExecutor) return { runners: [byExecutor], evidence: `executor "${executor}"` };
  const options = target.options ?? {};
  if (executor === 'nx:run-commands') {
    const command = commandsOf(options).join(' && ');
    return detection(runnersInCommand(command), `command "${command}"`, command);
  }
  if (executor === 'nx:run-script' && typeof options.script === 'string') {
    return fromScript(projectDir, options.script);
  }
  return undefined;
}

/**
 * Which runner a command line (`monocov run -- <command...>`) starts. `npm test`, `npm run x`,
 * `pnpm x`, `yarn x` are read through the package.json script they run; run in every workspace
 * package (`pnpm -r test`, `pnpm --filter web test`, `npm test --workspaces`), through the
 * scripts of the workspace's packages. `pnpm exec vitest`, `npx jest` are read as commands.
 */
export function detectCommandRunner(argv: string[], cwd: string): RunnerDetection | undefined {
  const script = packageScript(argv);
  if (script === undefined) {
    const command = argv.join(' ');
    return detection(runnersInCommand(command), `command "${command}"`, command);
  }
  const own = fromScript(cwd, script.name);
  if (own !== undefined || !script.recursive) return own;
  const found = readWorkspaceMembers(cwd).folders.flatMap((folder) => fromScript(join(cwd, folder), script.name) ?? []);
  const runners = [...new Set(found.flatMap((entry) => entry.runners))];
  const command = found.map((entry) => entry.command).join(' && ');
  return detection(runners, `package.json script "${script.name}" of the workspace's packages (${argv.join(' ')})`, command);
}

function commandsOf(options: Record<string, unknown>): string[] {
  const commands: string[] = [];
  if (typeof options.command === 'string') commands.push(options.command);
  if (Array.isArray(options.commands)) {
    for (const entry of options.commands) {
      if (typeof entry === 'string') commands.push(entry);
      else if (entry && typeof entry === 'object' && typeof (entry as { command?: unknown }).command === 'string') {
        commands.push((entry as { command: string }).command);
      }
    }
  }
  return commands;
}

function detection(runners: TestRunner[], evidence: string, command: string): RunnerDetection | undefined {
  return runners.length > 0 ? { runners, evidence, command } : undefined;
}

function fromScript(dir: string, name: string): RunnerDetection | undefined {
  const scripts = readScripts(dir);
  const script = scripts[name];
  if (script === undefined) return undefined;
  const texts: string[] = [];
  const runners = scriptRunners(script, scripts, new Set([name]), texts);
  return detection(runners, `package.json script "${name}" ("${script}")`, texts.join(' && '));
}

/**
 * The runners a script starts, itself or through the scripts it runs (`"test": "npm run unit"`),
 * each script read once; `texts` collects every script read.
 */
function scriptRunners(script: string, scripts: Record<string, string>, seen: Set<string>, texts: string[]): TestRunner[] {
  texts.push(script);
  const runners = new Set(runnersInCommand(script));
  for (const segment of script.split(/&&|\|\||[;|&]/)) {
    const name = packageScriptName(segment.trim().split(/\s+/));
    if (name === undefined || seen.has(name) || scripts[name] === undefined) continue;
    seen.add(name);
    for (const runner of scriptRunners(scripts[name], scripts, seen, texts)) runners.add(runner);
  }
  return [...runners];
}

function readScripts(dir: string): Record<string, string> {
  let scripts: unknown;
  try {
    scripts = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts;
  } catch {
    return {}; // no readable package.json: nothing to learn from it
  }
  if (scripts === null || typeof scripts !== 'object') return {};
  return Object.fromEntries(Object.entries(scripts).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

const PACKAGE_MANAGERS = new Set(['npm', 'pnpm', 'yarn', 'bun']);
const BUILT_IN_SCRIPTS = new Set(['test', 't', 'tst']);
/** Package-manager commands that run a binary, not a script: `pnpm exec vitest`, `pnpm dlx`, `bun x`, `yarn exec`. */
const EXEC_COMMANDS = new Set(['exec', 'dlx', 'x']);
/** Options that run the script in workspace packages rather than (only) the current one. */
const RECURSIVE_OPTIONS = new Set(['-r', '--recursive', '--filter', '-F', '--workspaces', '-ws', '--workspace']);
/** Options before the script name that take a value (`pnpm --filter web test`, `pnpm -C dir test`). */
const VALUED_OPTIONS = new Set(['--filter', '-F', '--workspace', '--dir', '-C', '--prefix']);

/** The script a package-manager command line runs: `npm test` → test, `npm run unit` → unit, `pnpm -r unit` → unit (recursive); undefined for anything else. */
function packageScript(argv: string[]): { name: string; recursive: boolean } | undefined {
  const [command, ...rest] = argv;
  const manager = command?.replace(/\.(?:cmd|exe)$/, '');
  if (manager === undefined || !PACKAGE_MANAGERS.has(manager)) return undefined;
  // npm's -w names a workspace (it takes a value); pnpm's is --workspace-root.
  const takesValue = (option: string) => VALUED_OPTIONS.has(option) || (manager === 'npm' && option === '-w');
  const recursive = rest.some((arg) => RECURSIVE_OPTIONS.has(arg.split('=')[0]!) || (manager === 'npm' && arg === '-w'));
  let index = 0;
  while (index < rest.length && rest[index]!.startsWith('-')) index += !rest[index]!.includes('=') && takesValue(rest[index]!) ? 2 : 1;
  const [first, second] = rest.slice(index);
  if (first === undefined || EXEC_COMMANDS.has(first)) return undefined;
  if (BUILT_IN_SCRIPTS.has(first)) return { name: 'test', recursive };
  if ((first === 'run' || first === 'run-script') && second !== undefined) return { name: second, recursive };
  return manager === 'npm' ? undefined : { name: first, recursive };
}

/** The script a segment of a script runs (`npm run unit` → unit), for scripts that run others. */
function packageScriptName(argv: string[]): string | undefined {
  return packageScript(argv)?.name;
}
