import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CoverageMapData } from 'istanbul-lib-coverage';
import { ConfigError, DataError } from '../errors';
import { mergeCoverageMaps } from '../merge';
import { RUNNER_LABELS, readRunnerOutput, readRunnerRefusal, runnerFlags, runnerHookVariables, type TestRunner } from '../runners';
import {
  ConfigTexts,
  VITEST_BROWSER_PROVIDER_MODULE,
  checkProviderInstalled,
  configlessVitestProvider,
  projectProvider,
  providerDisagreement,
  viaBrowserProvider,
  vitestAstAwareRemapping,
} from '../runners/provider';
import { VITEST_BROWSER_SUMMARY } from '../runners/vitest-browser-provider';
import { testsPassed } from '../test-command';
import { istanbulInputCollection } from './istanbul-input';
import { convert } from './lazy-modules';
import { ambiguousSources, dropUnparsable, type RouteCollection, type RouteContext, type TestSetup } from './route';

/**
 * The runner route: Jest's or Vitest's own coverage, told to write istanbul JSON into the raw dir,
 * every run with the provider the project's config names. `command` starts the runners, if known.
 */
export function runnerCollection(runners: TestRunner[], command: string | undefined, context: RouteContext): RouteCollection {
  const { workspaceRoot, projectRoot, run, rawDir, env, warnings } = context;
  // One provider for every run of the project: the one its config names, installed before any test runs.
  const configs = new ConfigTexts();
  const providers = runners.flatMap((runner) => projectProvider(runner, workspaceRoot, projectRoot, configs) ?? []);
  for (const chosen of providers) {
    checkProviderInstalled(chosen, workspaceRoot, projectRoot);
    const disagreement = command === undefined ? undefined : providerDisagreement(chosen, command, workspaceRoot, projectRoot, configs);
    if (disagreement !== undefined) warnings.push(disagreement);
  }
  // Vitest runs without a config file too, with its default provider, whose package is checked as well (nothing is forced).
  const configless = runners.includes('vitest') && command !== undefined && !providers.some((chosen) => chosen.runner === 'vitest');
  const defaultProvider = configless ? configlessVitestProvider(command, workspaceRoot, projectRoot) : undefined;
  if (defaultProvider !== undefined) checkProviderInstalled(defaultProvider, workspaceRoot, projectRoot);
  // A browser-mode Vitest config with provider v8 is measured by monocov's own provider module,
  // whose raw V8 data monocov converts itself, as for Playwright (docs/browser.md).
  const browser = providers.some(viaBrowserProvider);
  const sets = runners.map((runner) => {
    const chosen = providers.find((candidate) => candidate.runner === runner);
    if (chosen === undefined || !viaBrowserProvider(chosen)) {
      const astAwareRemapping = runner === 'vitest' && vitestAstAwareRemapping(chosen?.provider, command, workspaceRoot, projectRoot, configs);
      return runnerFlags(runner, { workspaceRoot, projectRoot, run, provider: chosen?.provider, astAwareRemapping });
    }
    const set = runnerFlags(runner, { workspaceRoot, projectRoot, run, provider: 'custom' });
    set.flags['coverage.customProviderModule'] = VITEST_BROWSER_PROVIDER_MODULE;
    return set;
  });
  const variables = (base: NodeJS.ProcessEnv) => runnerHookVariables(sets, rawDir, base);
  const setup: TestSetup = {
    env: { ...env, ...variables(env) },
    variables,
    runnerOptions: (runner) => {
      const set = sets.find((candidate) => candidate.runner === runner);
      if (set === undefined) return undefined;
      // Named in start order, as the hook names the folders of the runners it starts (hooks/runner-argv.cjs).
      const outputDir = mkdtempSync(join(rawDir, `${runner}-${String(Date.now()).padStart(15, '0')}-`));
      const { flags, output } = set;
      return 'flag' in output ? { flags: { ...flags, [output.flag]: outputDir }, env: {} } : { flags, env: { [output.variable]: outputDir } };
    },
  };
  // The hook stopped a runner before its tests (watch mode): that is the news, not the missing data.
  const checkRefusal = () => {
    const refusal = readRunnerRefusal(rawDir);
    if (refusal !== undefined) throw new ConfigError(refusal);
  };
  if (browser) return vitestBrowserCollection(context, setup, checkRefusal);
  return istanbulInputCollection(context, {
    setup,
    read: () => {
      checkRefusal();
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

/**
 * Vitest browser mode through monocov's provider module (runners/vitest-browser-provider.ts): each
 * Vitest process leaves raw V8 files, scripts with their code and source maps, in its output
 * folder, converted here as the V8 route converts Node's, with the same maps.
 */
function vitestBrowserCollection(context: RouteContext, setup: TestSetup, checkRefusal: () => void): RouteCollection {
  const { workspaceRoot, run, include, rawDir, files, warnings, dropped } = context;
  return {
    setup,
    whileTestsRun: run.all ? (tests) => convert().prepareFileMaps([], { files: files(), workspaceRoot, stop: tests.ended }) : undefined,
    gather: async (outcome) => {
      checkRefusal();
      const outputs = readdirSync(rawDir)
        .sort()
        .filter((entry) => entry.startsWith('vitest') && existsSync(join(rawDir, entry, VITEST_BROWSER_SUMMARY)))
        .map((entry) => join(rawDir, entry));
      if (outputs.length === 0 && testsPassed(outcome)) throw new DataError(noRunnerOutputMessage(['vitest']));
      const maps: CoverageMapData[] = [];
      const ambiguous = ambiguousSources(context);
      for (const output of outputs) {
        const summary = JSON.parse(readFileSync(join(output, VITEST_BROWSER_SUMMARY), 'utf8')) as { warnings: string[] };
        warnings.push(...summary.warnings);
        const conversion = new (convert().V8Conversion)({
          rawDir: output,
          workspaceRoot,
          include,
          files: files(),
          onSkippedRawFile: (problem) => {
            dropped.processes++;
            warnings.push(`warning: ${problem.message}; the hits of that test file are missing, the others are kept`);
          },
          onUnparsableSource: (problem) => dropUnparsable(problem, context),
          onAmbiguousSource: ambiguous.add,
        });
        maps.push(await conversion.finish());
      }
      ambiguous.report();
      if (run.contexts === 'test') warnings.push('warning: run.contexts "test" works with the V8 collector (node:test, uvu, mocha); Vitest browser mode records no test contexts');
      return { coverage: mergeCoverageMaps(maps), collector: 'vitest/browser-v8' };
    },
  };
}

function noRunnerOutputMessage(runners: TestRunner[]): string {
  const names = runners.map((runner) => RUNNER_LABELS[runner]).join(' or ');
  return (
    `the tests passed but ${names} wrote no coverage for monocov. monocov reaches the runner through the Nx Jest/Vitest executor's options, ` +
    `or through NODE_OPTIONS (a preload that adds flags to the runner's command line); a target that starts it another way ` +
    `(in-process from a custom executor, or with NODE_OPTIONS replaced) is out of reach: run the runner from a command or script, or set \`run.collector\` (see docs/runners.md)`
  );
}
