import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CoverageMapData, FileCoverageData } from 'istanbul-lib-coverage';
import type { CoverageConfig, LoadedConfig } from './config/types';
import { createRawDir, removeRawDir, testsPassed, type TestOutcome } from './collect';
import type * as ContextsModule from './contexts/collect';
import type { ContextsData } from './contexts/data';
import type * as ConvertModule from './convert';
import { DataError } from './errors';
import { createSourceFilter, scanSourceFiles } from './files';
import { groupByProject, normalizeRoot } from './report/projects';
import { formatTable } from './report/table';
import { checkThresholds, type ThresholdMiss } from './report/thresholds';
import {
  RUNNER_LABELS,
  readIstanbulJson,
  readRunnerOutput,
  runnerFlags,
  runnerHookVariables,
  type CollectionRoute,
  type FlagValue,
  type IstanbulInput,
  type TestRunner,
} from './runners';
import { toPortableCoverage, writeProjectData } from './store';
import { TOOL_NAME, TOOL_VERSION } from './version';

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

/** What a test run needs for the chosen route. */
export interface TestSetup {
  /** The starting environment plus `variables`, for tests run as a child process. */
  env: NodeJS.ProcessEnv;
  /**
   * monocov's variables alone (NODE_V8_COVERAGE, or the runner hook's NODE_OPTIONS), for tests
   * run in this process: set them on process.env for the duration, so the processes the tests
   * start inherit them.
   */
  variables: Record<string, string>;
  /**
   * Runner route: each runner's coverage flags, output folder included, for callers that start
   * the runner through options (the Nx Jest and Vitest executors) instead of a command, which
   * the hook in `variables` cannot reach.
   */
  runnerFlags: Array<{ runner: TestRunner; flags: Record<string, FlagValue> }>;
}

export interface ProjectCoverageResult {
  outcome: TestOutcome;
  /** Folder the data was written to. */
  dataDir: string;
  /** The data as written: keyed by workspace-relative paths. */
  coverage: CoverageMapData;
  /** The project's per-file text table, to print. */
  table: string;
  /** This project's missed `report.perProject` and `report.perFile` thresholds. */
  misses: ThresholdMiss[];
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
 * even when the tests fail: it shows what ran up to the failure, and the caller still fails with
 * the tests' status. The project's own thresholds (`report.perProject` for it, `report.perFile`)
 * are checked on this run's data; the workspace total (`report.failUnder`) is the merge's to check.
 */
// The converter (Babel, istanbul's map definitions) and the test-context collector load on first
// use: `monocov run` starts the tests first and loads them while the tests run.
const convert = (): typeof ConvertModule => require('./convert');
const contextsCollector = (): typeof ContextsModule => require('./contexts/collect');

export async function collectProjectCoverage(options: ProjectCoverageOptions): Promise<ProjectCoverageResult> {
  const { workspaceRoot, projectRoot, loaded } = options;
  const run = loaded.config.run;
  const route = options.route ?? { kind: 'v8' };
  const include = createSourceFilter({ workspaceRoot, projectRoot, run });
  const rawDir = createRawDir();
  try {
    // Whole seconds: some file systems keep modification times no finer.
    const started = Math.floor(Date.now() / 1000) * 1000;
    const cacheDir = mapsCacheDir(workspaceRoot, options.env ?? process.env);
    // With `run.all` every source needs its maps: listed now, they are prepared while the tests run.
    const sources = route.kind === 'v8' && run.all ? scanSourceFiles({ workspaceRoot, projectRoot, run }).files : [];
    const warnings: string[] = [];
    const running = options.runTests(testSetup(route, rawDir, options.env ?? process.env, { workspaceRoot, projectRoot, run }));
    // The tests are under way (usually leaving a core idle): load the converter, parse the sources
    // and convert the raw files of processes that have ended now rather than after the tests;
    // whatever is not done when they end is done then.
    let testsEnded = false;
    const ended = running.then(
      () => undefined,
      () => undefined,
    );
    let conversion: ConvertModule.V8Conversion | undefined;
    const v8Conversion = () =>
      (conversion ??= new (convert().V8Conversion)({
        rawDir,
        include,
        cacheDir,
        onSkippedRawFile: (problem) => warnings.push(`warning: ${problem.message}; the hits of that process are missing, the others are kept`),
      }));
    const preparing =
      route.kind === 'v8' || run.all
        ? new Promise((resolve) => setImmediate(resolve)).then(async () => {
            await convert().prepareFileMaps(sources, { cacheDir, stop: () => testsEnded });
            if (route.kind !== 'v8') return;
            while (!testsEnded) {
              await v8Conversion().addCompleteFiles();
              await Promise.race([ended, pause(RAW_POLL_MS)]);
            }
          })
        : Promise.resolve();
    let outcome: TestOutcome;
    try {
      outcome = await running;
    } finally {
      testsEnded = true;
    }
    await preparing.catch(() => undefined); // a failure here meets the conversion again, which reports it
    const { coverage, collector } = await gatherCoverage(route, { rawDir, include, started, outcome, workspaceRoot, projectRoot, v8Conversion });
    let contexts: ContextsData | undefined;
    if (run.contexts === 'test' && route.kind !== 'v8') {
      warnings.push(`warning: run.contexts "test" works with the V8 collector (node:test, uvu, mocha); this target collects through ${collector}, so no test contexts were recorded`);
    } else if (run.contexts === 'test') {
      const collected = await contextsCollector().collectContexts({ rawDir, include, workspaceRoot });
      if (collected.tests > 0) contexts = collected.data;
      else warnings.push('warning: run.contexts is "test" but no test boundary was seen: contexts come from node:test run by `node --test`, uvu loaded through require, and mocha (docs/contexts.md)');
    }
    // Scanned even without `run.all`: an include glob that selects nothing is worth a warning.
    const scan = scanSourceFiles({ workspaceRoot, projectRoot, run });
    if (run.all) {
      for (const file of scan.files) {
        coverage[file] ??= placeholder(await convert().emptyFileCoverage(file, { cacheDir }));
      }
    }
    const dataDir = writeProjectData({
      workspaceRoot,
      dataDir: run.dataDir,
      projectRoot,
      coverage,
      contexts,
      meta: {
        tool: { name: TOOL_NAME, version: TOOL_VERSION },
        project: options.project,
        projectRoot,
        target: options.target,
        node: process.version,
        configHash: loaded.hash,
        collector,
        tests: { exitCode: outcome.exitCode, signal: outcome.signal },
      },
    });
    const portable = toPortableCoverage(coverage, workspaceRoot);
    const groups = groupByProject(portable, [{ projectRoot, project: options.project }]);
    const report = loaded.config.report;
    const table = formatTable(portable, groups, { ...report, perFile: true });
    const ownThresholds = Object.fromEntries(
      Object.entries(report.perProject).filter(([key]) => key === options.project || normalizeRoot(key) === normalizeRoot(projectRoot)),
    );
    const { misses } = checkThresholds({ coverage: portable, groups, report: { ...report, failUnder: undefined, perProject: ownThresholds } });
    return { outcome, dataDir, coverage: portable, table, misses, unmatchedIncludes: scan.unmatchedIncludes, warnings };
  } finally {
    removeRawDir(rawDir);
  }
}

/** How often raw files are looked for while the tests run: a readdir, and a parse of each new file. */
const RAW_POLL_MS = 200;

/** A wait that does not keep the process alive by itself. */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Where parsed maps are kept between runs: `node_modules/.cache/monocov` at the workspace root (the
 * usual home of tool caches, and already cached by most CI setups). `MONOCOV_CACHE=off` turns it
 * off; without a node_modules folder there is none.
 */
function mapsCacheDir(workspaceRoot: string, env: NodeJS.ProcessEnv): string | undefined {
  if (/^(?:off|0|false|no)$/i.test(env.MONOCOV_CACHE ?? '')) return undefined;
  const modules = join(workspaceRoot, 'node_modules');
  return existsSync(modules) ? join(modules, '.cache', 'monocov') : undefined;
}

/** The warning for a `run.include` glob that selects no file, worded the same by every adapter. */
export function unmatchedIncludeWarning(glob: string, projectRoot: string): string {
  return `warning: run.include glob "${glob}" matches no source file in ${projectRoot}; check it for a typo (globs are relative to the project root)`;
}

function testSetup(
  route: CollectionRoute,
  rawDir: string,
  env: NodeJS.ProcessEnv,
  flagsOptions: { workspaceRoot: string; projectRoot: string; run: CoverageConfig['run'] },
): TestSetup {
  if (route.kind === 'v8') {
    // With contexts, a preload takes a coverage snapshot at each test boundary (contexts/collect.ts).
    const variables = { NODE_V8_COVERAGE: rawDir, ...(flagsOptions.run.contexts === 'test' ? contextsCollector().contextVariables(env) : {}) };
    return { env: { ...env, ...variables }, variables, runnerFlags: [] };
  }
  if (route.kind === 'istanbul-json') return { env, variables: {}, runnerFlags: [] };
  const sets = route.runners.map((runner) => runnerFlags(runner, flagsOptions));
  const variables = runnerHookVariables(sets, rawDir, env);
  return {
    env: { ...env, ...variables },
    variables,
    runnerFlags: sets.map((set) => ({ runner: set.runner, flags: { ...set.flags, [set.outputFlag]: join(rawDir, set.runner) } })),
  };
}

interface GatherOptions {
  rawDir: string;
  include: (absPath: string) => boolean;
  /** When the tests started (ms): istanbul JSON older than this is from another run. */
  started: number;
  outcome: TestOutcome;
  workspaceRoot: string;
  projectRoot: string;
  /** V8 route: the conversion, begun while the tests ran if there was time. */
  v8Conversion: () => ConvertModule.V8Conversion;
}

/** The route's coverage of the project's sources, keyed by absolute path, and the `collector` named in meta.json. */
async function gatherCoverage(route: CollectionRoute, options: GatherOptions): Promise<{ coverage: CoverageMapData; collector: string }> {
  if (route.kind === 'v8') {
    return { coverage: await options.v8Conversion().finish(), collector: 'v8' };
  }
  const roots = { workspaceRoot: options.workspaceRoot, projectRoot: options.projectRoot };
  const input: IstanbulInput =
    route.kind === 'runner' ? readRunnerOutput(options.rawDir, roots) : readIstanbulJson(route.path, options.started, roots);
  // Nothing written after passing tests means the route never reached the runner: an error, not
  // an empty report. After failing tests, the failure is the news; the data shows what there is.
  if (input.collectors.length === 0 && testsPassed(options.outcome)) {
    if (route.kind === 'runner') throw new DataError(noRunnerOutputMessage(route.runners));
    throw new DataError(noIstanbulJsonMessage(route.path), route.path);
  }
  const coverage: CoverageMapData = {};
  for (const [path, file] of Object.entries(input.coverage)) if (options.include(path)) coverage[path] = file;
  return { coverage, collector: input.collectors.join(', ') || (route.kind === 'runner' ? route.runners.join(', ') : 'istanbul-json') };
}

function noRunnerOutputMessage(runners: TestRunner[]): string {
  const names = runners.map((runner) => RUNNER_LABELS[runner]).join(' or ');
  return (
    `the tests passed but ${names} wrote no coverage for monocov. monocov reaches the runner through the Nx Jest/Vitest executor's options, ` +
    `or through NODE_OPTIONS (a preload that adds flags to the runner's command line); a target that starts it another way ` +
    `(in-process from a custom executor, or with NODE_OPTIONS replaced) is out of reach: run the runner from a command or script, or set \`run.collector\` (see docs/runners.md)`
  );
}

function noIstanbulJsonMessage(path: string): string {
  return `${path}: the tests passed but wrote no istanbul JSON there during this run; check \`run.istanbulJsonPath\` (relative to the project root) and that the tests write coverage-final.json`;
}

/** A never-loaded file's coverage, marked the way nyc marks it, so merges let real data for it win over the zeros. */
function placeholder(file: FileCoverageData): FileCoverageData {
  return { ...file, all: true } as FileCoverageData;
}
