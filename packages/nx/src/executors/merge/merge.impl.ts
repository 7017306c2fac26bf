import type { ExecutorContext } from 'nx/src/devkit-exports';
import { logger } from 'nx/src/utils/logger';
import {
  asMonocovError,
  baselineSource,
  checkReportFolder,
  type DiffBase,
  type ExpectedProject,
  findsNoTestFile,
  loadConfig,
  NO_TEST_FILES,
  mergeWorkspace,
  reportOutput,
  terminalText,
  workspaceDataPath,
} from '@monocov/core';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runOverrides } from '../coverage/run-overrides';
import type { CoverageExecutorOptions } from '../coverage/schema';
import { leftOutOfRun } from '../../plugins/left-out';
import { commandOf, stringEntries } from '../../plugins/test-targets';
import type { MergeExecutorOptions } from './schema';

const COVERAGE_EXECUTOR = '@monocov/nx:coverage';

/** The workspace-level merge: the core does the work, this adapter only prints and reports success. */
export default async function mergeExecutor(options: MergeExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  try {
    const { config } = loadConfig({ workspaceRoot: context.root });
    // A baseline is only shown by the markdown summary.
    if ((options.baseline !== undefined || options.baselineRef !== undefined) && !config.reporters.includes('markdown')) config.reporters.push('markdown');
    if (options.outputDir !== undefined) checkReportFolder(context.root, options.outputDir, 'executor option `outputDir`');
    const outputDir = resolve(context.root, options.outputDir ?? workspaceDataPath(config.run.dataDir));
    const expected = expectedProjects(context);
    if (options.inputs === undefined && expected.every((project) => project.untested !== undefined)) {
      // The core's "run the coverage target first" would send the user back to the command that just ran.
      logger.error(
        'monocov merge: no project has a coverage target: the plugin found no test target in this workspace. `nx g @monocov/nx:init` lists every project and why it has none; ' +
          'if your tests run under other target names, set "testTargetName" (one name or a list) in the options of the @monocov/nx entry of nx.json "plugins".',
      );
      return { success: false };
    }
    const report = mergeWorkspace({
      workspaceRoot: context.root,
      config,
      inputs: options.inputs?.map((input) => resolve(context.root, input)),
      outputDir,
      ignoreErrors: options.ignoreErrors ?? false,
      perFile: options.files ?? false,
      diff: diffBase(options.diff),
      expected,
      requireComplete: options.requireComplete ?? false,
      carryForward: options.carryForward === undefined ? undefined : resolve(context.root, options.carryForward),
      baseline: baselineSource(options.baseline, options.baselineRef, { path: 'executor options `baseline`', ref: '`baselineRef`' }),
    });
    const { table, lines } = reportOutput(report, {
      command: 'merge',
      settings: { ignoreErrors: '`ignoreErrors`', requireComplete: '`requireComplete`' },
      ignoreErrors: options.ignoreErrors ?? false,
      verbose: context.isVerbose,
      cwd: context.root,
    });
    if (table !== '') process.stdout.write(terminalText(table));
    for (const line of lines) logger[line.level](terminalText(line.text));
    return { success: report.outcome === 'ok' };
  } catch (error) {
    const known = asMonocovError(error);
    if (!known) throw error;
    logger.error(`monocov merge: ${terminalText(known.message)}`);
    return { success: false };
  }
}

/**
 * The projects that should have data, from the project graph: each with a coverage target (its
 * `run` options as that target resolves them, to judge staleness). Every other project, except
 * the one running this merge, is listed as untested, with why in the workspace's own words: the
 * test targets it is configured with, not a hard-coded `test`.
 */
function expectedProjects(context: ExecutorContext): ExpectedProject[] {
  const projects = context.projectsConfigurations?.projects ?? {};
  const testTargets = testTargetNames(context);
  const isTestTarget = (targetName: string): boolean => testTargets.some((name) => (name.endsWith('*') ? targetName.startsWith(name.slice(0, -1)) : targetName === name));
  const quoted = testTargets.map((name) => `"${name}"`).join(' or ');
  return Object.entries(projects).flatMap(([name, project]): ExpectedProject[] => {
    const targets = project.targets ?? {};
    const coverage = Object.keys(targets)
      .sort()
      .map((targetName) => targets[targetName]!)
      .find((target) => target.executor === COVERAGE_EXECUTOR);
    if (coverage) {
      const overrides = runOverrides((coverage.options ?? {}) as CoverageExecutorOptions);
      const { config } = loadConfig({ workspaceRoot: context.root, overrides, overridesSource: `project "${name}" coverage option` });
      return [{ project: name, projectRoot: project.root, run: config.run, ...(leftOutOfRun(project.root) ? { leftOut: true } : {}) }];
    }
    if (name === context.projectName) return [];
    const testTarget = Object.keys(targets).sort().find(isTestTarget);
    const untested =
      testTarget === undefined
        ? `no ${quoted} target`
        : findsNoTestFile({
              workspaceRoot: context.root,
              projectRoot: project.root,
              commands: [commandOf(targets[testTarget]!, scriptsOf(context.root, project.root))],
              options: [targets[testTarget]!.options],
            })
          ? NO_TEST_FILES
          : `a "${testTarget}" target but no ${COVERAGE_EXECUTOR} target`;
    return [{ project: name, projectRoot: project.root, untested }];
  });
}

/** The package.json scripts of a project (nx:run-script runs one). */
function scriptsOf(workspaceRoot: string, projectRoot: string): Record<string, string> {
  try {
    return stringEntries(JSON.parse(readFileSync(join(workspaceRoot, projectRoot, 'package.json'), 'utf8')).scripts);
  } catch {
    return {};
  }
}

/**
 * The names of the targets that run tests here: those the coverage targets wrap (`testTarget`,
 * default `test`) and the plugin's `testTargetName` option in nx.json (one name or a list).
 */
function testTargetNames(context: ExecutorContext): string[] {
  const names = new Set<string>();
  const add = (value: unknown): void => {
    for (const name of Array.isArray(value) ? value : [value]) if (typeof name === 'string' && name !== '') names.add(name);
  };
  for (const project of Object.values(context.projectsConfigurations?.projects ?? {})) {
    for (const target of Object.values(project.targets ?? {})) {
      if (target.executor === COVERAGE_EXECUTOR) add((target.options as { testTarget?: unknown } | undefined)?.testTarget ?? 'test');
    }
  }
  for (const plugin of context.nxJsonConfiguration?.plugins ?? []) {
    if (typeof plugin !== 'string' && plugin.plugin === '@monocov/nx') add((plugin.options as { testTargetName?: unknown } | undefined)?.testTargetName);
  }
  return names.size > 0 ? [...names].sort() : ['test'];
}

/** `diff: true` follows Nx's own base and head (NX_BASE / NX_HEAD, as `nx affected` uses them). */
function diffBase(diff: MergeExecutorOptions['diff']): DiffBase | undefined {
  if (diff === undefined || diff === false) return undefined;
  if (typeof diff === 'string') return { base: diff, head: process.env.NX_HEAD || undefined };
  return { base: process.env.NX_BASE || 'main', head: process.env.NX_HEAD || undefined };
}
