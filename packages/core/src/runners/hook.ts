import { join } from 'node:path';
import { HOOKS_DIR } from '../package-dir';
import { RUNNER_LABELS, type TestRunner } from './detect';
import type { FlagValue, RunnerFlags } from './flags';

/** Read by name in hooks/runner-argv.cjs. */
const RUNNER_HOOK_VARIABLE = 'MONOCOV_RUNNER_HOOK';

const HOOK_FILE = join(HOOKS_DIR, 'runner-argv.cjs');

/** Each runner's CLI script, as the end of its real path. */
const CLI_ENTRIES: Readonly<Record<TestRunner, string[]>> = {
  jest: ['jest/bin/jest.js', 'jest-cli/bin/jest.js'],
  vitest: ['vitest/vitest.mjs'],
};

/** The file a runner process leaves in its output folder when the hook refused its command: `{ runner, watchMode }`. */
export const REFUSAL_FILE = 'refused.json';

/** A runner's arguments with monocov's flags merged in, or why the command cannot be measured as it is. */
export type MergedRunnerArgs = { args: string[]; refusal?: undefined } | { refusal: string; args?: undefined };

/**
 * The arguments the runner's CLI gets under monocov, given those its command line gave it (after
 * the runner's name, whatever wrapper started it): the flags the user gave that monocov sets are
 * replaced, `--run` is not added to `vitest run`, flags go before `--`, watch mode is refused.
 * The hook (hooks/runner-args.cjs) does this in the runner's process; this is the same function.
 */
export function mergeRunnerArgs(runner: TestRunner, args: string[], flags: Record<string, FlagValue>): MergedRunnerArgs {
  type Merged = { args: string[]; watchMode?: undefined } | { watchMode: string };
  const merge = (require(join(HOOKS_DIR, 'runner-args.cjs')) as { mergeRunnerArgs: (...all: Parameters<typeof mergeRunnerArgs>) => Merged }).mergeRunnerArgs;
  const merged = merge(runner, args, flags);
  return merged.watchMode === undefined ? { args: merged.args } : { refusal: watchModeMessage(runner, merged.watchMode) };
}

/** Why a command in watch mode is refused, and what to change. */
export function watchModeMessage(runner: TestRunner, argument: string): string {
  const instead = runner === 'vitest' ? '`vitest run`' : '`jest` without it, or with `--watchAll=false`';
  return (
    `the test command runs ${RUNNER_LABELS[runner]} in watch mode (\`${argument}\`), which never ends, and monocov measures one run of the tests: ` +
    `run ${instead} in the test target or script that monocov runs (keep watch mode in a script of its own)`
  );
}

/**
 * The variables that carry runner flags into a test command, whatever starts the runner in it
 * (npm scripts, `&&` chains, npx, cross-env): neither Jest nor Vitest reads coverage settings
 * from the environment, and flags appended to a command line reach only its last command, and
 * clash with the same flags given there. Node preloads the hook into each process; the runner's
 * CLI process merges the flags into its arguments (mergeRunnerArgs).
 */
export function runnerHookVariables(sets: RunnerFlags[], outputDir: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const preload = `--require ${JSON.stringify(HOOK_FILE)}`;
  const existing = env.NODE_OPTIONS?.trim();
  const runners = sets.map((set) => ({ runner: set.runner, entries: CLI_ENTRIES[set.runner], flags: set.flags, output: set.output }));
  return {
    NODE_OPTIONS: existing ? `${preload} ${existing}` : preload,
    [RUNNER_HOOK_VARIABLE]: JSON.stringify({ outputDir, runners }),
  };
}
