import type { CoverageMapData, FileCoverageData } from 'istanbul-lib-coverage';
import { cacheDir } from '../cache-dir';
import type { FileMapsCache } from '../convert/file-maps-cache';
import { convert } from './lazy-modules';
import { dropUnparsable, type RouteCollection, type RouteContext, type RunningTests, type TestSetup } from './route';
import { v8Collection } from './v8';
import type { LoadedConfig } from '../config/types';
import { compareStrings } from '../compare';
import { createRawDir, removeAbandonedRawDirs, removeRawDir, testsPassed, type TestOutcome } from '../test-command';
import {
  builtinOmitWarning,
  builtOutputOnlyWarning,
  builtWithoutSourcesWarning,
  createSourceFilter,
  includesMatchingNothing,
  scanSourceFiles,
  unrepresentableNamesWarning,
  type SourceScan,
} from '../files';
import { METRIC_ORDER, formatPercentShort, sumTotals, type Totals } from '../report/metrics';
import type { CollectionRoute } from './choose-route';
import { DataError } from '../errors';
import type { DroppedData } from '../store/format';
import { recordRunWithoutTests, toPortableCoverage, writeProjectData } from '../store/write';
import { workspaceRelative } from '../workspace-path';
import { TOOL_NAME, TOOL_VERSION } from '../version';

export type { RunnerOptions, TestSetup } from './route';

/** One project's coverage run: where it is, its configuration, the route, and how to run its tests. */
export interface ProjectCoverageOptions {
  workspaceRoot: string;
  /** Workspace-relative project folder. */
  projectRoot: string;
  project: string;
  /** The target or command name recorded in meta.json. */
  target: string;
  loaded: LoadedConfig;
  /** How hits are collected: `run.collector` resolved for this target (resolveCollection). Default V8. */
  route?: CollectionRoute;
  /** Environment the tests start from (default: this process's); the route's variables are added to it. */
  env?: NodeJS.ProcessEnv;
  /** Runs the tests as `setup` says and reports how they ended. */
  runTests(setup: TestSetup): Promise<TestOutcome>;
}

/** How a project's run ended and what it wrote. */
export interface ProjectCoverageResult {
  outcome: TestOutcome;
  /**
   * Whether any test is known to have run: false when the tests did not pass and no hit in the
   * project's sources was recorded (command not found, a flag the runner refused, stopped before
   * its tests or killed before it could write coverage). Such a run writes no data: the project's
   * earlier data is kept, marked in its meta.json (`laterRun`).
   */
  testsRan: boolean;
  /** Folder the data was written to; without `testsRan`, the folder of the earlier data kept, if there was any. */
  dataDir: string | undefined;
  /** The data as written: keyed by workspace-relative paths. */
  coverage: CoverageMapData;
  /** The project's totals over the data written. */
  totals: Totals;
  /** One line for the end of the run: the totals and how many files they cover (`lines 80% … in 3 files`). */
  summary: string;
  /** The project's per-file text table (`report.projectTable`, `--verbose`). */
  table: string;
  /** `run.include` globs that select no source file of the project (likely a typo): the caller prints a warning. */
  unmatchedIncludes: string[];
  /** Other warnings for the caller to print, one line each. */
  warnings: string[];
}

/**
 * One project's whole collection: fresh raw dir → tests run for the route (under
 * NODE_V8_COVERAGE, or with Jest/Vitest told to write istanbul JSON) → the project's sources
 * picked by the same filter on every route → never-loaded sources at 0 → portable data on disk.
 * Shared by the Nx executor and `monocov run`, so both write the same bytes. Data is written
 * even when the tests fail, recorded as failed: it shows what ran up to the failure, and the
 * caller still fails with the tests' status. A failed run in which no hit in the project's
 * sources was recorded is no data at all and replaces nothing (`testsRan`). No threshold is
 * checked here: every threshold (total, per project, per file) is the merge's to check, after it
 * has written the complete report, so a miss never costs the workspace report its newest data.
 */
export async function collectProjectCoverage(options: ProjectCoverageOptions): Promise<ProjectCoverageResult> {
  const { workspaceRoot, projectRoot, loaded } = options;
  const run = loaded.config.run;
  const include = createSourceFilter({ workspaceRoot, projectRoot, run });
  const rawDir = createRawDir();
  let rawDirRemoved: Promise<void> | undefined;
  try {
    const env = options.env ?? process.env;
    let sourceFiles: FileMapsCache | undefined;
    const files = () => (sourceFiles ??= new (convert().FileMapsCache)(cacheDir(workspaceRoot, env)));
    const warnings: string[] = [];
    const dropped: DroppedData = { processes: 0, scripts: 0, sources: [] };
    let earlierScan: SourceScan | undefined;
    const sourceScan = () => (earlierScan ??= scanSourceFiles({ workspaceRoot, projectRoot, run }));
    const context: RouteContext = { workspaceRoot, projectRoot, run, include, rawDir, env, files, sourceScan, warnings, dropped };
    const collection = startRoute(options.route ?? { kind: 'v8' }, context);
    const outcome = await awaitTests(options.runTests(collection.setup), collection, sourceScan);
    const { coverage, collector, contexts } = await collection.gather(outcome);
    // Nothing reads the raw folder from here on: it is removed on libuv's threads while the data is written.
    rawDirRemoved = removeRawDir(rawDir);
    if (!testsPassed(outcome) && !anySourceRan(coverage)) {
      // Not data: nothing of the project is known to have run, so zeros would pass for a measurement.
      const kept = recordRunWithoutTests({ workspaceRoot, dataDir: run.dataDir, projectRoot, ended: outcome });
      return { outcome, testsRan: false, dataDir: kept, coverage: {}, totals: sumTotals({}), summary: 'no data', table: '', unmatchedIncludes: [], warnings };
    }
    const omitted = builtinOmitWarning(include.omittedByBuiltinRules());
    if (omitted !== undefined) warnings.push(omitted);
    // Scanned even without `run.all`: an include glob that selects nothing is worth a warning. The scan made
    // while the tests ran stands unless they added or removed files.
    const scan = scanSourceFiles({ workspaceRoot, projectRoot, run }, earlierScan);
    // Sources named so that no report can hold them, left out whether or not the tests loaded them:
    // V8 reports such a script under a URL with the line break removed, naming no file.
    const unrepresentable = new Map([...include.unrepresentableNames(), ...scan.unrepresentable].map((name) => [name.path, name]));
    const named = unrepresentableNamesWarning([...unrepresentable.values()].sort((a, b) => compareStrings(a.path, b.path)));
    if (named !== undefined) warnings.push(named);
    dropped.sources.push(...unrepresentable.keys());
    if (run.all) {
      const left = new Set(dropped.sources);
      const unloaded = scan.files.filter((file) => coverage[file] === undefined && !left.has(workspaceRelative(workspaceRoot, file) ?? file));
      // Built files count through their maps' sources: asked about with a filter of their own, so that
      // the warning about loaded files a built-in rule leaves out names only files the tests loaded.
      const mapSources = createSourceFilter({ workspaceRoot, projectRoot, run });
      const { sources, withoutSources } = await convert().neverLoadedSources(unloaded, { files: files(), workspaceRoot, include: mapSources });
      for (const { path, content } of sources) {
        if (coverage[path] !== undefined || left.has(workspaceRelative(workspaceRoot, path) ?? path)) continue;
        try {
          coverage[path] = placeholder(await convert().emptyFileCoverage(path, { files: files(), content }));
        } catch (error) {
          if (!(error instanceof DataError)) throw error;
          dropUnparsable(error, context);
        }
      }
      const unmapped = builtWithoutSourcesWarning(withoutSources.map(({ path, reason }) => ({ path: workspaceRelative(workspaceRoot, path) ?? path, reason })));
      if (unmapped !== undefined) warnings.push(unmapped);
    }
    if (Object.keys(coverage).length === 0 && scan.files.length > 0) {
      const built: string[] = [];
      for (const file of scan.files) {
        const text = await files().text(file);
        if (text !== undefined && files().builtOutput(workspaceRoot, file, text)) built.push(workspaceRelative(workspaceRoot, file) ?? file);
      }
      const countsNothing = builtOutputOnlyWarning(built);
      if (countsNothing !== undefined) warnings.push(countsNothing);
    }
    const portable = toPortableCoverage(coverage, workspaceRoot);
    const dataDir = writeProjectData({
      workspaceRoot,
      dataDir: run.dataDir,
      projectRoot,
      coverage: portable,
      contexts,
      sourceHashes: sourceFiles?.contentHashes(),
      meta: {
        tool: { name: TOOL_NAME, version: TOOL_VERSION },
        project: options.project,
        projectRoot,
        target: options.target,
        node: process.version,
        configHash: loaded.hash,
        collector,
        tests: { status: testsPassed(outcome) ? 'passed' : 'failed', exitCode: outcome.exitCode, signal: outcome.signal },
        dropped,
      },
    });
    const totals = sumTotals(portable);
    const { precision } = loaded.config.report;
    return {
      outcome,
      testsRan: true,
      dataDir,
      coverage: portable,
      totals,
      summary: summaryLine(totals, Object.keys(portable).length, precision),
      // Printed only with --verbose or report.projectTable: made when it is read.
      get table() {
        return projectTable(portable, options);
      },
      unmatchedIncludes: includesMatchingNothing({ workspaceRoot, projectRoot, run }, scan.unmatchedIncludes, Object.keys(coverage)),
      warnings,
    };
  } finally {
    await (rawDirRemoved ?? removeRawDir(rawDir));
  }
}

/**
 * The line that ends a project's run, worded the same by every adapter: where the data went, and
 * whether it stands for passing tests. `subject` names the tests (`the test command`,
 * `web:test`); `where` shows a data folder to the user.
 */
export function outcomeLine(
  result: Pick<ProjectCoverageResult, 'outcome' | 'testsRan' | 'dataDir' | 'summary'>,
  subject: string,
  project: string,
  where: (dir: string) => string,
): string {
  const { outcome } = result;
  if (testsPassed(outcome)) return `${project}: ${result.summary}; data written to ${where(result.dataDir!)}`;
  const killed = outcome.signal !== null;
  const ended = killed ? `was killed by ${outcome.signal}` : `failed (exit status ${String(outcome.exitCode)})`;
  if (result.testsRan) {
    const what = killed ? 'recorded as killed (it holds only what the processes that ended wrote)' : 'recorded as failed (it shows what ran up to the failure)';
    return `${subject} ${ended}: ${project}: ${result.summary}; data written to ${where(result.dataDir!)}, ${what}`;
  }
  const kept =
    result.dataDir === undefined
      ? `and ${project} has none from an earlier run`
      : `the earlier data in ${where(result.dataDir)} is kept, recorded as ${killed ? 'killed' : 'failed'}`;
  return `${subject} ${ended} before any coverage of ${project}'s code was recorded: no data written, ${kept}`;
}

/** The warning for a `run.include` glob that selects no file, worded the same by every adapter. */
export function unmatchedIncludeWarning(glob: string, projectRoot: string, source: 'project' | 'workspace' = 'project'): string {
  if (source === 'workspace') {
    return `warning: run.include glob "${glob}" matches no source file in ${projectRoot} nor any file its tests ran; check it for a typo (with source "workspace", globs are relative to each file's package folder)`;
  }
  return `warning: run.include glob "${glob}" matches no source file in ${projectRoot}; check it for a typo (globs are relative to the project root)`;
}

function startRoute(route: CollectionRoute, context: RouteContext): RouteCollection {
  switch (route.kind) {
    case 'v8':
      return v8Collection(context);
    // The other routes' modules load only for a run that takes them.
    case 'runner':
      return (require('./runner') as typeof import('./runner')).runnerCollection(route.runners, route.command, context);
    case 'istanbul-json':
      return (require('./istanbul-json') as typeof import('./istanbul-json')).istanbulJsonCollection(route.path, context);
  }
}

/** The tests' outcome, with the run's work for that time done alongside them. */
async function awaitTests(running: Promise<TestOutcome>, { whileTestsRun }: RouteCollection, sourceScan: () => SourceScan): Promise<TestOutcome> {
  // The tests are under way (usually leaving a core idle): list the sources, load the converter,
  // parse the sources and convert the raw files of processes that have ended now rather than
  // before or after the tests; whatever is not done when they end is done then.
  let testsEnded = false;
  const tests: RunningTests = {
    ended: () => testsEnded,
    end: running.then(
      () => undefined,
      () => undefined,
    ),
  };
  const meanwhile = new Promise((resolve) => setImmediate(resolve))
    .then(() => {
      removeAbandonedRawDirs();
      sourceScan();
      return whileTestsRun?.(tests);
    })
    // Caught as it happens, or Node would end the run on an unhandled rejection before the tests end:
    // a failure here meets the conversion again, which reports it.
    .catch(() => undefined);
  let outcome: TestOutcome;
  try {
    outcome = await running;
  } finally {
    testsEnded = true;
  }
  await meanwhile;
  return outcome;
}

/** Whether any statement or function of the project's sources ran (a loaded module runs its top level). */
function anySourceRan(coverage: CoverageMapData): boolean {
  return Object.values(coverage).some((file) => Object.values(file.s).some((hits) => hits > 0) || Object.values(file.f).some((hits) => hits > 0));
}

/** A never-loaded file's coverage, marked the way nyc marks it, so merges let real data for it win over the zeros. */
function placeholder(file: FileCoverageData): FileCoverageData {
  return { ...file, all: true } as FileCoverageData;
}

/** `statements 80%, branches 50%, functions 100%, lines 80% in 3 files`, at the report's precision. */
function summaryLine(totals: Totals, files: number, precision: number): string {
  const metrics = METRIC_ORDER.map((metric) => `${metric} ${formatPercentShort(totals[metric], precision)}%`).join(', ');
  return `${metrics} in ${files} file${files === 1 ? '' : 's'}`;
}

/** The project's per-file table. */
function projectTable(portable: CoverageMapData, { loaded, project, projectRoot }: Pick<ProjectCoverageOptions, 'loaded' | 'project' | 'projectRoot'>): string {
  const { groupByProject } = require('../report/projects') as typeof import('../report/projects');
  const { formatTable } = require('../report/table') as typeof import('../report/table');
  const groups = groupByProject(portable, [{ projectRoot, project }]);
  return formatTable(portable, groups, { ...loaded.config.report, perFile: true });
}
