import { logger, runExecutor, type ExecutorContext, type TargetConfiguration } from '@nx/devkit';
import {
  asMonocovError,
  collectProjectCoverage,
  ConfigError,
  type CoverageConfig,
  detectTargetRunner,
  type FlagValue,
  loadConfig,
  outcomeLine,
  resolveCollection,
  runnerOfExecutor,
  terminalText,
  type TestOutcome,
  type TestRunner,
  type TestSetup,
  testsPassed,
  unmatchedIncludeWarning,
  watchChildExits,
} from '@monocov/core';
import { join, relative } from 'node:path';
import type { CoverageExecutorOptions } from './schema';

/**
 * Runs the project's test target in this process, set up for the collection route: with
 * NODE_V8_COVERAGE, or for Jest and Vitest with their own coverage pointed at monocov's raw
 * folder (through the Nx runner executor's options, or the runner hook in NODE_OPTIONS for
 * commands and scripts). Whatever the target starts inherits the environment. Then the core
 * writes the project's data.
 */
export default async function coverageExecutor(
  options: CoverageExecutorOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  try {
    return await measureProject(options, context);
  } catch (error) {
    // Config and data problems are the user's to fix: one clear message, no stack trace.
    const known = asMonocovError(error);
    if (!known) throw error;
    logger.error(`monocov: ${terminalText(known.message)}`);
    return { success: false };
  }
}

async function measureProject(options: CoverageExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const project = context.projectName;
  if (!project) throw new Error('@monocov/nx:coverage must run as a project target');
  const projectRoot = context.projectsConfigurations.projects[project].root;
  const testTarget = options.testTarget ?? 'test';
  const target = context.projectsConfigurations.projects[project].targets?.[testTarget];
  if (!target) {
    throw new ConfigError(`project "${project}" has no "${testTarget}" target to measure; set the coverage target's testTarget option`);
  }
  const wanted = options.testConfiguration ?? context.configurationName;
  const configuration = wanted && target.configurations?.[wanted] ? wanted : undefined;
  const loaded = loadConfig({ workspaceRoot: context.root, overrides: runOverrides(options), overridesSource: 'executor option' });
  const route = resolveCollection({
    run: loaded.config.run,
    detection: detectTargetRunner(
      { executor: target.executor, options: { ...target.options, ...(configuration && target.configurations?.[configuration]) } },
      join(context.root, projectRoot),
    ),
    subject: `${project}:${testTarget}`,
    workspaceRoot: context.root,
    projectRoot,
  });

  const result = await collectProjectCoverage({
    workspaceRoot: context.root,
    projectRoot,
    project,
    target: context.targetName ?? 'coverage',
    loaded,
    route,
    runTests: (setup) => runTestTarget({ project, testTarget, target, configuration, setup, context }),
  });

  // One line per project (Nx replays it on every cache hit); the table with --verbose or report.projectTable.
  if (context.isVerbose || loaded.config.report.projectTable) process.stdout.write(terminalText(result.table));
  for (const glob of result.unmatchedIncludes) logger.warn(terminalText(`monocov: ${unmatchedIncludeWarning(glob, projectRoot)}`));
  for (const warning of result.warnings) logger.warn(terminalText(`monocov: ${warning}`));
  const last = terminalText(`monocov: ${outcomeLine(result, `${project}:${testTarget}`, project, (dir) => relative(context.root, dir))}`);
  if (testsPassed(result.outcome)) logger.info(last);
  else logger.error(last);
  // Thresholds are the merge's: it checks them after writing the complete workspace report.
  return { success: testsPassed(result.outcome) };
}

/** The executor options that lay over the rc file's `run` section (the merge executor reads them too, to judge stale data). */
export function runOverrides(options: CoverageExecutorOptions): { run?: Partial<CoverageConfig['run']> } {
  const run: Partial<CoverageConfig['run']> = {};
  if (options.include !== undefined) run.include = options.include;
  if (options.omit !== undefined) run.omit = options.omit;
  if (options.all !== undefined) run.all = options.all;
  if (options.source !== undefined) run.source = options.source;
  if (options.collector !== undefined) run.collector = options.collector;
  if (options.istanbulJsonPath !== undefined) run.istanbulJsonPath = options.istanbulJsonPath;
  return Object.keys(run).length > 0 ? { run } : {};
}

async function runTestTarget(args: {
  project: string;
  testTarget: string;
  target: TargetConfiguration;
  configuration: string | undefined;
  setup: TestSetup;
  context: ExecutorContext;
}): Promise<TestOutcome> {
  const { project, testTarget, configuration, setup, context } = args;
  // An Nx runner executor starts Jest or Vitest in this process, out of the hook's reach: it
  // takes the runner's flags as options. Everything else starts processes, which inherit
  // monocov's variables from process.env.
  const runner = runnerOfExecutor(args.target.executor);
  const flags = runner && setup.runnerFlags.find((set) => set.runner === runner)?.flags;
  const overrides = runner && flags ? runnerExecutorOptions(runner, flags, context.root) : {};
  const restore = setTemporarily(flags ? {} : setup.variables);
  // runExecutor reports only success (run-commands adds its exit code): the processes it starts
  // tell whether the tests were killed by a signal, so the failure can name it.
  const children = watchChildExits();
  let success = true;
  let exitCode: number | undefined;
  try {
    for await (const output of await runExecutor({ project, target: testTarget, configuration }, overrides, context)) {
      success &&= output.success;
      const code = (output as { code?: unknown }).code; // nx:run-commands reports its command's status
      if (!output.success && typeof code === 'number') exitCode ??= code;
    }
    return children.finish({ passed: success, exitCode });
  } catch (error) {
    children.finish({ passed: false });
    throw error;
  } finally {
    restore();
  }
}

/**
 * The runner's flags as the Nx executor's options. @nx/vitest turns its options back into
 * Vitest CLI flags, so they pass as they are; its `reportsDirectory` option would override the
 * output folder, so it is set too. @nx/jest names coverage `codeCoverage`, joins
 * `coverageDirectory` to the workspace root, and hands options it does not know (the rest) to
 * Jest's CLI parser.
 */
function runnerExecutorOptions(runner: TestRunner, flags: Record<string, FlagValue>, workspaceRoot: string): Record<string, unknown> {
  if (runner === 'vitest') return { ...flags, reportsDirectory: flags['coverage.reportsDirectory'] };
  const { coverage, coverageDirectory, ...rest } = flags;
  return { ...rest, codeCoverage: coverage, coverageDirectory: relative(workspaceRoot, String(coverageDirectory)) };
}

/**
 * Sets variables on process.env (executors run in this process and start their children with
 * it) and returns the undo. process.argv is restored too: @nx/jest appends the options it
 * passes through to it.
 */
function setTemporarily(variables: Record<string, string>): () => void {
  const argv = [...process.argv];
  const previous = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  return () => {
    process.argv = argv;
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
