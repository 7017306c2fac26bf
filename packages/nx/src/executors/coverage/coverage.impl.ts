import type { ExecutorContext, TargetConfiguration } from 'nx/src/devkit-exports';
// The modules @nx/devkit takes these from, which the process Nx runs an executor in has loaded
// already: nx/src/devkit-exports itself loads Nx's task runner, cache and cloud client (about
// a third of what the executor's process spent beyond the test target's).
import { runExecutor } from 'nx/src/command-line/run/run';
import { logger } from 'nx/src/utils/logger';
import type { CoverageExecutorOptions } from './schema';
import type { FlagValue, RunnerDetection, TestOutcome, TestRunner, TestSetup } from '@monocov/core';
import { loadCore } from '@monocov/core/loader';
import { join, relative } from 'node:path';
import { leftOutOfRun } from '../../plugins/left-out';
import { runOverrides } from './run-overrides';
import { testTaskEnv } from './task-env';

// Nx starts a process for each task: @monocov/core comes from its bundle with V8's code cache
// (about 60 modules otherwise resolved, read and compiled in every task).
const { core, saveCodeCache } = loadCore('nx-coverage');
const {
  asMonocovError,
  collectProjectCoverage,
  ConfigError,
  detectTargetRunner,
  loadConfig,
  outcomeLine,
  resolveCollection,
  runnerOfExecutor,
  terminalText,
  testsPassed,
  unmatchedIncludeWarning,
  watchChildExits,
} = core;

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
  if (leftOutOfRun(projectRoot)) {
    // Here only because the merge depends on it, and Nx had no cached result for it.
    logger.info(`monocov: ${project} is not measured in this run (--exclude/--projects left it out); the merge carries its last data forward`);
    return { success: true };
  }
  const testTargets = testTargetsToRun(options, context, project);
  const loaded = loadConfig({ workspaceRoot: context.root, overrides: runOverrides(options), overridesSource: 'executor option' });
  const route = resolveCollection({
    run: loaded.config.run,
    detection: combinedDetection(testTargets.map(({ target, configuration }) =>
      detectTargetRunner(
        { executor: target.executor, options: { ...target.options, ...(configuration && target.configurations?.[configuration]) } },
        join(context.root, projectRoot),
      ),
    )),
    subject: testTargets.map(({ name }) => `${project}:${name}`).join(', '),
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
    // One raw folder for all of them: a project's unit and integration targets make one data set.
    runTests: async (setup) => {
      let outcome: TestOutcome = { exitCode: 0, signal: null };
      for (const testTarget of testTargets) {
        const ran = await runTestTarget({ project, projectRoot, ...testTarget, setup, context });
        if (testsPassed(outcome)) outcome = ran;
      }
      return outcome;
    },
  });

  const names = testTargets.map(({ name }) => `${project}:${name}`).join(' and ');
  // One line per project (Nx replays it on every cache hit); the table with --verbose or report.projectTable.
  if (context.isVerbose || loaded.config.report.projectTable) process.stdout.write(terminalText(result.table));
  for (const glob of result.unmatchedIncludes) logger.warn(terminalText(`monocov: ${unmatchedIncludeWarning(glob, projectRoot, loaded.config.run.source)}`));
  for (const warning of result.warnings) logger.warn(terminalText(`monocov: ${warning}`));
  const last = terminalText(`monocov: ${outcomeLine(result, names, project, (dir) => relative(context.root, dir))}`);
  if (testsPassed(result.outcome)) logger.info(last);
  else logger.error(last);
  saveCodeCache(testsPassed(result.outcome));
  // Thresholds are the merge's: it checks them after writing the complete workspace report.
  return { success: testsPassed(result.outcome) };
}

interface TestTargetRun {
  name: string;
  target: TargetConfiguration;
  /** The test target's configuration to run: `testConfiguration`, else the coverage task's own, when the test target has it. */
  configuration: string | undefined;
}

function testTargetsToRun(options: CoverageExecutorOptions, context: ExecutorContext, project: string): TestTargetRun[] {
  const names = options.testTarget === undefined ? ['test'] : Array.isArray(options.testTarget) ? options.testTarget : [options.testTarget];
  const targets = context.projectsConfigurations.projects[project].targets ?? {};
  const wanted = options.testConfiguration ?? context.configurationName;
  return names.map((name) => {
    const target = targets[name];
    if (!target) throw new ConfigError(`project "${project}" has no "${name}" target to measure; set the coverage target's testTarget option`);
    return { name, target, configuration: wanted && target.configurations?.[wanted] ? wanted : undefined };
  });
}

/** Jest, Vitest or both across the test targets; undefined when none shows a runner (V8 then). */
function combinedDetection(detections: ReadonlyArray<RunnerDetection | undefined>): RunnerDetection | undefined {
  const found = detections.filter((detection): detection is RunnerDetection => detection !== undefined);
  if (found.length === 0) return undefined;
  return { runners: [...new Set(found.flatMap((detection) => detection.runners))], evidence: found.map((detection) => detection.evidence).join('; ') };
}

async function runTestTarget(args: {
  project: string;
  projectRoot: string;
  name: string;
  target: TargetConfiguration;
  configuration: string | undefined;
  setup: TestSetup;
  context: ExecutorContext;
}): Promise<TestOutcome> {
  const { project, projectRoot, name: testTarget, configuration, setup, context } = args;
  // An Nx runner executor starts Jest or Vitest in this process, out of the hook's reach: it
  // takes the runner's flags as options. Everything else starts processes, which inherit
  // monocov's variables from process.env.
  const runner = runnerOfExecutor(args.target.executor);
  const runnerOptions = runner ? setup.runnerOptions(runner) : undefined;
  const overrides = runner && runnerOptions ? runnerExecutorOptions(runner, runnerOptions.flags) : {};
  // The test target's own .env files (`.env.test`, `.env.test.<configuration>`…), in Nx's order, instead of the coverage task's.
  const testEnv = testTaskEnv({
    workspaceRoot: context.root,
    projectRoot,
    graph: context.projectGraph,
    coverageTask: { project, target: context.targetName ?? 'coverage', configuration: context.configurationName },
    testTask: { project, target: testTarget, configuration },
  });
  // monocov's NODE_OPTIONS extends the test task's own (NODE_OPTIONS=--experimental-vm-modules in .env.test), not the coverage task's.
  const testEnvironment: NodeJS.ProcessEnv = { ...process.env, ...testEnv.set };
  for (const name of testEnv.unset) delete testEnvironment[name];
  const restore = setTemporarily({ ...testEnv.set, ...(runnerOptions ? runnerOptions.env : setup.variables(testEnvironment)) }, testEnv.unset);
  // runExecutor reports only success (run-commands adds its exit code): the processes a command
  // starts tell whether the tests were killed by a signal, so the failure can name it. A runner
  // executor's child processes are its workers, which it ends itself (Vitest's pool with SIGTERM).
  const children = runnerOptions ? undefined : watchChildExits();
  let success = true;
  let exitCode: number | undefined;
  try {
    const outputs = (await runExecutor({ project, target: testTarget, configuration }, overrides, context))[Symbol.asyncIterator]();
    // Not `for await`: an executor written as an async generator (@nx/vitest, @nx/vite) returns its
    // result instead of yielding it, and `for await` drops a returned value, so failing tests
    // passed. Nx's own run reads it too (getLastValueFromAsyncIterableIterator).
    for (let next = await outputs.next(); ; next = await outputs.next()) {
      const output = next.value as { success: boolean; code?: unknown } | undefined;
      if (output !== undefined) {
        success &&= output.success;
        // nx:run-commands reports its command's status
        if (!output.success && typeof output.code === 'number') exitCode ??= output.code;
      }
      if (next.done === true) break;
    }
    return children?.finish({ passed: success, exitCode }) ?? { exitCode: success ? 0 : 1, signal: null };
  } catch (error) {
    children?.finish({ passed: false });
    throw error;
  } finally {
    restore();
  }
}

/**
 * The runner's flags as the Nx executor's options. @nx/vitest turns its options back into
 * Vitest CLI flags, so they pass as they are; its `reportsDirectory` option would override the
 * output folder, so it is set too. @nx/jest names coverage `codeCoverage` and hands options it
 * does not know (the rest) to Jest's CLI parser.
 */
function runnerExecutorOptions(runner: TestRunner, flags: Record<string, FlagValue>): Record<string, unknown> {
  if (runner === 'vitest') return { ...flags, reportsDirectory: flags['coverage.reportsDirectory'] };
  const { coverage, ...rest } = flags;
  return { ...rest, codeCoverage: coverage };
}

/**
 * Sets (and unsets) variables on process.env (executors run in this process and start their children with
 * it) and returns the undo. process.argv is restored too: @nx/jest appends the options it
 * passes through to it.
 */
function setTemporarily(variables: Record<string, string>, unset: readonly string[] = []): () => void {
  const argv = [...process.argv];
  const previous = Object.fromEntries([...Object.keys(variables), ...unset].map((name) => [name, process.env[name]]));
  for (const name of unset) delete process.env[name];
  Object.assign(process.env, variables);
  return () => {
    process.argv = argv;
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
