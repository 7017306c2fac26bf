import { join } from 'node:path';
import { ConfigError, DataError } from '../errors';
import { RUNNER_LABELS, readRunnerOutput, readRunnerRefusal, runnerFlags, runnerHookVariables, type TestRunner } from '../runners';
import { checkProviderInstalled, projectProvider, providerDisagreement } from '../runners/provider';
import { istanbulInputCollection } from './istanbul-input';
import type { RouteCollection, RouteContext } from './route';

/**
 * The runner route: Jest's or Vitest's own coverage, told to write istanbul JSON into the raw dir,
 * every run with the provider the project's config names. `command` starts the runners, if known.
 */
export function runnerCollection(runners: TestRunner[], command: string | undefined, context: RouteContext): RouteCollection {
  const { workspaceRoot, projectRoot, run, rawDir, env, warnings } = context;
  // One provider for every run of the project: the one its config names, installed before any test runs.
  const providers = runners.flatMap((runner) => projectProvider(runner, workspaceRoot, projectRoot) ?? []);
  for (const chosen of providers) {
    checkProviderInstalled(chosen, workspaceRoot, projectRoot);
    const disagreement = command === undefined ? undefined : providerDisagreement(chosen, command, workspaceRoot, projectRoot);
    if (disagreement !== undefined) warnings.push(disagreement);
  }
  const providerOf = (runner: TestRunner) => providers.find((chosen) => chosen.runner === runner)?.provider;
  const sets = runners.map((runner) => runnerFlags(runner, { workspaceRoot, projectRoot, run, provider: providerOf(runner) }));
  const variables = (base: NodeJS.ProcessEnv) => runnerHookVariables(sets, rawDir, base);
  return istanbulInputCollection(context, {
    setup: {
      env: { ...env, ...variables(env) },
      variables,
      runnerFlags: sets.map((set) => ({ runner: set.runner, flags: { ...set.flags, [set.outputFlag]: join(rawDir, set.runner) } })),
    },
    read: () => {
      // The hook stopped a runner before its tests (watch mode): that is the news, not the missing data.
      const refusal = readRunnerRefusal(rawDir);
      if (refusal !== undefined) throw new ConfigError(refusal);
      const output = readRunnerOutput(
        rawDir,
        { workspaceRoot, projectRoot },
        providers.map((chosen) => `${chosen.runner}/${chosen.provider}`),
      );
      warnings.push(...output.warnings);
      return output;
    },
    noOutput: () => new DataError(noRunnerOutputMessage(runners)),
    collector: runners.join(', '),
  });
}

function noRunnerOutputMessage(runners: TestRunner[]): string {
  const names = runners.map((runner) => RUNNER_LABELS[runner]).join(' or ');
  return (
    `the tests passed but ${names} wrote no coverage for monocov. monocov reaches the runner through the Nx Jest/Vitest executor's options, ` +
    `or through NODE_OPTIONS (a preload that adds flags to the runner's command line); a target that starts it another way ` +
    `(in-process from a custom executor, or with NODE_OPTIONS replaced) is out of reach: run the runner from a command or script, or set \`run.collector\` (see docs/runners.md)`
  );
}
