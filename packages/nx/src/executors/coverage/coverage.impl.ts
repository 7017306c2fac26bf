import { logger, runExecutor, type ExecutorContext } from '@nx/devkit';
import {
  collectProjectCoverage,
  isMonocovError,
  loadConfig,
  testsPassed,
  unmatchedIncludeWarning,
  watchChildExits,
  type CoverageConfig,
  type TestOutcome,
} from '@monocov/core';
import { relative } from 'node:path';
import type { CoverageExecutorOptions } from './schema';

/**
 * Runs the project's test target in this process with NODE_V8_COVERAGE set, so whatever the
 * target starts (run-commands, a package.json script, another executor's child processes)
 * inherits it; then hands the raw data to the core, which writes the project's data.
 */
export default async function coverageExecutor(
  options: CoverageExecutorOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  try {
    return await measureProject(options, context);
  } catch (error) {
    // Config and data problems are the user's to fix: one clear message, no stack trace.
    if (!isMonocovError(error)) throw error;
    logger.error(`monocov: ${error.message}`);
    return { success: false };
  }
}

async function measureProject(options: CoverageExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const project = context.projectName;
  if (!project) throw new Error('@monocov/nx:coverage must run as a project target');
  const projectRoot = context.projectsConfigurations.projects[project].root;
  const testTarget = options.testTarget ?? 'test';
  const loaded = loadConfig({ workspaceRoot: context.root, overrides: runOverrides(options), overridesSource: 'executor option' });

  const result = await collectProjectCoverage({
    workspaceRoot: context.root,
    projectRoot,
    project,
    target: context.targetName ?? 'coverage',
    loaded,
    runTests: (env) => runTestTarget({ project, testTarget, configuration: options.testConfiguration ?? context.configurationName, env, context }),
  });

  process.stdout.write(result.table);
  for (const glob of result.unmatchedIncludes) logger.warn(`monocov: ${unmatchedIncludeWarning(glob, projectRoot)}`);
  logger.info(`monocov: ${project} data written to ${relative(context.root, result.dataDir)}`);
  for (const miss of result.misses) logger.error(`monocov: threshold missed: ${miss.message}`);
  const { signal } = result.outcome;
  if (signal !== null) logger.error(`monocov: ${project}:${testTarget} was killed by ${signal}; its coverage data was still written`);
  else if (!testsPassed(result.outcome)) logger.error(`monocov: ${project}:${testTarget} failed; its coverage data was still written`);
  return { success: testsPassed(result.outcome) && result.misses.length === 0 };
}

function runOverrides(options: CoverageExecutorOptions): { run?: Partial<CoverageConfig['run']> } {
  const run: Partial<CoverageConfig['run']> = {};
  if (options.include !== undefined) run.include = options.include;
  if (options.omit !== undefined) run.omit = options.omit;
  if (options.all !== undefined) run.all = options.all;
  if (options.source !== undefined) run.source = options.source;
  return Object.keys(run).length > 0 ? { run } : {};
}

async function runTestTarget(args: {
  project: string;
  testTarget: string;
  configuration: string | undefined;
  env: NodeJS.ProcessEnv;
  context: ExecutorContext;
}): Promise<TestOutcome> {
  const { project, testTarget, context } = args;
  const target = context.projectsConfigurations.projects[project].targets?.[testTarget];
  if (!target) {
    throw new Error(`project "${project}" has no "${testTarget}" target to measure; set the coverage target's testTarget option`);
  }
  const configuration = args.configuration && target.configurations?.[args.configuration] ? args.configuration : undefined;
  // Executors run in this process and start their children with process.env: set the variable
  // here for the duration of the test target, then put the environment back as it was.
  const previous = process.env.NODE_V8_COVERAGE;
  process.env.NODE_V8_COVERAGE = args.env.NODE_V8_COVERAGE;
  // runExecutor reports only success (run-commands adds its exit code): the processes it starts
  // tell whether the tests were killed by a signal, so the failure can name it.
  const children = watchChildExits();
  let success = true;
  let exitCode: number | undefined;
  try {
    for await (const output of await runExecutor({ project, target: testTarget, configuration }, {}, context)) {
      success &&= output.success;
      const code = (output as { code?: unknown }).code; // nx:run-commands reports its command's status
      if (!output.success && typeof code === 'number') exitCode ??= code;
    }
    return children.finish({ passed: success, exitCode });
  } catch (error) {
    children.finish({ passed: false });
    throw error;
  } finally {
    if (previous === undefined) delete process.env.NODE_V8_COVERAGE;
    else process.env.NODE_V8_COVERAGE = previous;
  }
}
