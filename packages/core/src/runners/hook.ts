import { join } from 'node:path';
import type { TestRunner } from './detect';
import { flagsToArgv, type RunnerFlags } from './flags';

/** Read by name in hooks/runner-argv.cjs. */
const RUNNER_HOOK_VARIABLE = 'MONOCOV_RUNNER_HOOK';

/** Plain CommonJS shipped beside dist/ (two levels up from src/runners and dist/runners alike), so Node can preload it. */
const HOOK_FILE = join(__dirname, '..', '..', 'hooks', 'runner-argv.cjs');

/** Each runner's CLI script, as the end of its real path. */
const CLI_ENTRIES: Readonly<Record<TestRunner, string[]>> = {
  jest: ['jest/bin/jest.js', 'jest-cli/bin/jest.js'],
  vitest: ['vitest/vitest.mjs'],
};

/**
 * The variables that carry runner flags into a test command, whatever starts the runner in it
 * (npm scripts, `&&` chains, npx, cross-env): neither Jest nor Vitest reads coverage settings
 * from the environment, and flags appended to a command line reach only its last command. Node
 * preloads the hook into each process; the runner's CLI process takes the flags.
 */
export function runnerHookVariables(sets: RunnerFlags[], outputDir: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const preload = `--require ${JSON.stringify(HOOK_FILE)}`;
  const existing = env.NODE_OPTIONS?.trim();
  const runners = sets.map((set) => ({ runner: set.runner, entries: CLI_ENTRIES[set.runner], args: flagsToArgv(set.flags), outputFlag: set.outputFlag }));
  return {
    NODE_OPTIONS: existing ? `${preload} ${existing}` : preload,
    [RUNNER_HOOK_VARIABLE]: JSON.stringify({ outputDir, runners }),
  };
}
