import type { CoverageMapData } from 'istanbul-lib-coverage';
import type { CoverageConfig } from '../config/types';
import type { TestOutcome } from '../test-command';
import type { ContextsData } from '../store/format';
import type { FlagValue, TestRunner } from '../runners';
import type { DataError } from '../errors';
import type { DroppedData } from '../store/format';
import type { SourceFilter, SourceScan } from '../files';
import type { FileMapsCache } from '../convert/file-maps-cache';
import { compareStrings } from '../compare';
import { toPosix, workspaceRelative } from '../workspace-path';

/** What a test run needs for the chosen route. */
export interface TestSetup {
  /** The starting environment plus `variables`, for tests run as a child process. */
  env: NodeJS.ProcessEnv;
  /**
   * monocov's variables alone (NODE_V8_COVERAGE, or the runner hook's NODE_OPTIONS) for tests
   * that will run with `env`, in this process: set them on process.env for the duration, so the
   * processes the tests start inherit them. A NODE_OPTIONS of `env` (a test task's .env file may
   * set one) is kept after monocov's preload.
   */
  variables(env: NodeJS.ProcessEnv): Record<string, string>;
  /**
   * Runner route: a runner's coverage flags, and the variables its output folder takes where no flag
   * names it (Jest), for callers that start the runner through options in their own process (the Nx
   * Jest and Vitest executors) instead of a command, which the hook in `variables` cannot reach.
   * Undefined for a runner the route does not measure. Each call gets an output folder of its own:
   * a coverage task may run two test targets of one runner.
   */
  runnerOptions(runner: TestRunner): RunnerOptions | undefined;
}

export interface RunnerOptions {
  flags: Record<string, FlagValue>;
  /** Set on process.env while the runner runs. */
  env: Record<string, string>;
}

/** What every route works with: the project, its source filter and this run's folders. */
export interface RouteContext {
  workspaceRoot: string;
  projectRoot: string;
  run: CoverageConfig['run'];
  include: SourceFilter;
  rawDir: string;
  /** Environment the tests start from. */
  env: NodeJS.ProcessEnv;
  /** The project's sources as this run reads them, and their maps (kept between runs where a cache folder is): made on first use. */
  files: () => FileMapsCache;
  /** The project's source files (scanSourceFiles), listed on first use: while the tests run, on the core they leave idle. */
  sourceScan: () => SourceScan;
  /** Warnings for the caller to print, one line each: the route adds its own. */
  warnings: string[];
  /** What the route left out instead of failing, recorded in meta.json. */
  dropped: DroppedData;
}

/** The test run as the work done alongside it sees it. */
export interface RunningTests {
  ended: () => boolean;
  /** Settles when the tests end, however they end. */
  end: Promise<void>;
}

/** One route's part of a project's collection, set up before the tests start. */
export interface RouteCollection {
  setup: TestSetup;
  /** Work begun once the tests are under way, that stops once `tests.ended()`: what it has not done by then is done after. */
  whileTestsRun?: (tests: RunningTests) => Promise<void>;
  /** What the route gathered, once the tests have ended. */
  gather: (outcome: TestOutcome) => Promise<GatheredCoverage>;
}

export interface GatheredCoverage {
  /** The route's coverage of the project's sources, keyed by absolute path. */
  coverage: CoverageMapData;
  /** The `collector` named in meta.json. */
  collector: string;
  /** Which tests ran each line, on the route that records it (`run.contexts: "test"`). */
  contexts?: ContextsData;
}

/** A source Babel cannot parse: left out of the data, named in a warning and in meta.json. */
/**
 * The served sources a conversion could not tell apart (two workspace files end with the URL's path, and
 * the map's text does not say which ran), reported once the data is gathered: a warning and meta.json
 * `dropped.ambiguous` for those the project would measure (a file run.omit leaves out was never to count).
 */
export function ambiguousSources({ workspaceRoot, include, warnings, dropped }: RouteContext) {
  const found = new Map<string, string[]>();
  return {
    add: (url: string, candidates: string[]) => void found.set(url, candidates),
    report(): void {
      const undecided = [...found].filter(([, candidates]) => candidates.some((file) => include(file)));
      if (undecided.length === 0) return;
      dropped.ambiguous = undecided.length;
      warnings.push(ambiguousSourcesWarning(undecided, workspaceRoot));
    },
  };
}

/** Names the first source by its URL and the files it could stand for (workspace-relative). */
function ambiguousSourcesWarning(sources: ReadonlyArray<[url: string, candidates: string[]]>, workspaceRoot: string): string {
  const [url, candidates] = [...sources].sort(([a], [b]) => compareStrings(a, b))[0]!;
  const others = sources.length > 1 ? ` and ${sources.length - 1} more` : '';
  const files = candidates.map((file) => JSON.stringify(workspaceRelative(workspaceRoot, file) ?? file)).join(', ');
  const fix =
    "make the files differ, or keep one copy in a library the apps import (Vite serves a file outside its root under /@fs/ and its absolute path, which names it); a source map without the sources' text (sourcesContent) cannot tell files apart by it (docs/browser.md#how-urls-become-files)";
  return `warning: the hits of ${sources.length} source(s) a browser ran are missing (counted in meta.json \`dropped\`): the path of each URL ends several workspace files that its source map's text (or lack of it) does not tell apart, so which one ran is unknown: ${JSON.stringify(url)} (${files})${others}; ${fix}`;
}

export function dropUnparsable(problem: DataError, { workspaceRoot, warnings, dropped }: RouteContext): void {
  dropped.sources.push(workspaceRelative(workspaceRoot, problem.path ?? '') ?? toPosix(problem.path ?? ''));
  warnings.push(`warning: ${problem.message} That file was left out; the project's other files are kept.`);
}
