import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { CoverageMapData } from 'istanbul-lib-coverage';
import { checkCompleteness, isIncomplete, type Completeness, type ExpectedProject } from '../completeness';
import type { CoverageConfig } from '../config/types';
import { ConfigError, DataError, NoDataError } from '../errors';
import { combineCoverage, type CombineResult } from '../combine';
import { normalizeProjectRoot, projectDataIn, projectsDataPath, workspaceDataPath } from '../layout';
import { CONTEXTS_FILE, COVERAGE_FILE, FORMAT_VERSION, META_FILE, type ContextsData, type MergedProject, type WorkspaceMeta } from '../store/format';
import { readDataMeta } from '../store/read';
import { toPosix } from '../workspace-path';
import { stableStringify } from '../stable-json';
import { TOOL_NAME, TOOL_VERSION } from '../version';
import { loadBaseline, type BaselineSource } from './baseline';
import { formatMarkdownSummary, SUMMARY_FILE } from '../report/markdown';
import { formatPercentShort, sumTotals, type Totals } from '../report/metrics';
import { fileOwners, groupByProject } from '../report/projects';
import { formatSummary, formatTable } from '../report/table';
import { changedLines, type DiffBase } from '../git-diff';
import { diffCoverage, diffPercent, formatDiffCoverage, formatUncovered, type DiffCoverage } from '../report/diff-coverage';
import { checkThresholds, type ThresholdMiss } from '../report/thresholds';
import { writeReports } from '../report/writers';
import { recoverFolders, STAGING_FOLDER } from '../fs-atomic';

/** What mergeWorkspace merges, where its reports go, and what it checks. */
export interface WorkspaceReportOptions {
  /** Absolute workspace root. */
  workspaceRoot: string;
  /** The resolved configuration (loadConfig). */
  config: CoverageConfig;
  /** Data files or folders to merge, absolute or workspace-relative (default `<dataDir>/projects`). */
  inputs?: string[];
  /** Folder the reports go to, absolute or workspace-relative (default `<dataDir>/workspace`). */
  outputDir?: string;
  /** Unreadable data files are still reported in `problems`, but no longer fail the outcome. */
  ignoreErrors?: boolean;
  /** Per-file rows under each project in the text table. */
  perFile?: boolean;
  /** Also measure the lines changed since this git base (`report.failUnderDiff` gates it). */
  diff?: DiffBase;
  /** HTML footer and cobertura timestamp (default: when the newest data was made, so the same data gives the same bytes). */
  timestamp?: Date;
  /** Projects that should have data (Nx project graph, `monocov merge --expect`); see `completeness`. Merge only. */
  expected?: ExpectedProject[];
  /**
   * A folder of per-project data from an earlier build (`<dataDir>/projects` of main's run, say):
   * an expected project this merge has no data for takes its data from there, marked as carried
   * forward — how `nx affected` without a shared cache still gives a whole-workspace report.
   */
  carryForward?: string;
  /** Missing, stale or unexpected project data fails the outcome (`incomplete`). */
  requireComplete?: boolean;
  /** Coverage the `markdown` summary shows each project's change against. */
  baseline?: BaselineSource;
}

/** What the caller should do: see WorkspaceReport.outcome. */
export type ReportOutcome = 'ok' | 'data-error' | 'incomplete' | 'threshold-missed';

/** A workspace merge's data, reports written and outcome; it prints nothing (reportOutput words it). */
export interface WorkspaceReport {
  /** Merged coverage keyed by workspace-relative paths. */
  coverage: CoverageMapData;
  /** Data files merged (absolute). */
  inputs: string[];
  projects: MergedProject[];
  /** Data files skipped, each a DataError naming the file. */
  problems: DataError[];
  /** Inputs left out as byte-for-byte copies of one merged before them. */
  duplicates: Array<{ input: string; sameAs: string }>;
  /** Each expected project's state, when `expected` was given. */
  completeness?: Completeness;
  /** Workspace totals. */
  totals: Totals;
  /** What `text` / `text-summary` print; '' when neither reporter is chosen. */
  summaryText: string;
  /** The `markdown` reporter's summary (summary.md), when it is chosen. */
  markdown?: string;
  /** Which tests ran each line, when the data recorded test contexts (contexts.json beside it). */
  contexts?: ContextsData;
  /** Coverage of the changed lines, when `diff` was given. */
  diff?: DiffCoverage;
  /** Files whose data was left out of these numbers because they changed since it was collected (also in `problems`). */
  staleFiles: string[];
  /** Files the data held that their project's `run.include`/`run.omit` do not select, left out unread (workspace meta.json `dropped`). */
  unselected: string[];
  /** Missed thresholds, one line each in `message`. */
  misses: ThresholdMiss[];
  /** Thresholds checked. */
  checked: number;
  /** Absolute paths of the files written (coverage-final.json, lcov.info, …, html/index.html). */
  written: string[];
  /** Absolute path of the folder of the merged data and reports (`<dataDir>/workspace`, or the chosen output folder), where meta.json records completeness. */
  outputDir: string;
  /**
   * What the caller should do: `data-error` when data was skipped and errors are not ignored
   * (CLI exit 4), `incomplete` when `requireComplete` and a project's data is missing, stale or
   * unexpected (exit 4), `threshold-missed` when a threshold was missed (exit 2), else `ok`.
   */
  outcome: ReportOutcome;
}

/**
 * The workspace-level merge (`monocov merge`, the Nx merge executor): merge the data, write
 * every configured report into `<dataDir>/workspace`, render the text table and check the
 * thresholds. Prints nothing and never exits: the caller reads `outcome`.
 * Throws NoDataError when there is no data at all, DataError when no data file could be read.
 */
export function mergeWorkspace(options: WorkspaceReportOptions): WorkspaceReport {
  const { workspaceRoot, outputDir } = locate(options);
  // A `monocov run` or merge killed half way through replacing a folder: finished or undone first.
  recoverFolders(join(workspaceRoot, options.config.run.dataDir, STAGING_FOLDER));
  const inputs = options.inputs ?? [defaultInput(options.config, workspaceRoot)];
  // An expected project's own `run` options (its Nx coverage target's) select what its data may hold.
  const ownRun = new Map((options.expected ?? []).flatMap((project) => (project.run ? [[normalizeProjectRoot(project.projectRoot), project.run] as const] : [])));
  const runOptions = (projectRoot: string | undefined) => (projectRoot === undefined ? undefined : ownRun.get(projectRoot)) ?? options.config.run;
  const mergeInputs = (all: string[]) => combineCoverage({ workspaceRoot, inputs: all, paths: options.config.paths, exclude: [outputDir], runOptions });
  let merged = mergeInputs(inputs);
  let completeness = options.expected && checkCompleteness({ workspaceRoot, expected: options.expected, merged, run: options.config.run });
  const carried = completeness && options.carryForward ? carriedForwardData(workspaceRoot, options.carryForward, completeness) : [];
  if (completeness && carried.length > 0) {
    merged = mergeInputs([...inputs, ...carried.map(({ file }) => file)]);
    completeness = markCarriedForward(checkCompleteness({ workspaceRoot, expected: options.expected!, merged, run: options.config.run }), carried, options.carryForward!);
  }
  requireData(merged, workspaceRoot, inputs);
  return finish(options, merged, { workspaceRoot, outputDir, write: 'all', completeness });
}

/**
 * `monocov report`: the reports again from the stored merged data
 * (`<dataDir>/workspace/coverage-final.json`), or from a fresh merge of `<dataDir>/projects`
 * when nothing was merged yet. No tests run.
 */
export function reportWorkspace(options: Omit<WorkspaceReportOptions, 'inputs'>): WorkspaceReport {
  const located = locate(options);
  recoverFolders(join(located.workspaceRoot, options.config.run.dataDir, STAGING_FOLDER));
  // Stored merged data is only read: the reports are redrawn from it, the data file and its
  // meta.json stay as the merge wrote them (a source edited since is left out of these numbers,
  // never out of the data). Without stored data this is a merge of the projects' data.
  const write = existsSync(join(located.outputDir, COVERAGE_FILE)) ? 'reports' : 'all';
  return finish(options, loadStoredData(options.config, located), { ...located, write, completeness: storedCompleteness(located.outputDir) });
}

/** `monocov check`: thresholds against the stored merged data (or a merge of `<dataDir>/projects` in memory); writes nothing. */
export function checkWorkspace(options: Omit<WorkspaceReportOptions, 'inputs'>): WorkspaceReport {
  const located = locate(options);
  return finish({ ...options, config: { ...options.config, reporters: [] } }, loadStoredData(options.config, located), {
    ...located,
    write: 'none',
    completeness: storedCompleteness(located.outputDir),
  });
}

/** The baseline data file of each expected project this merge found no data for, where the baseline has one. */
function carriedForwardData(workspaceRoot: string, baseline: string, completeness: Completeness): Array<{ projectRoot: string; file: string }> {
  const dir = resolve(workspaceRoot, baseline);
  return completeness.projects
    .filter((entry) => entry.state === 'missing')
    .map((entry) => ({ projectRoot: entry.projectRoot, file: join(projectDataIn(dir, entry.projectRoot), COVERAGE_FILE) }))
    .filter(({ file }) => existsSync(file));
}

/** Carried-forward data that is still current for the project is marked as such; stale stays stale. */
function markCarriedForward(completeness: Completeness, carried: Array<{ projectRoot: string }>, baseline: string): Completeness {
  const roots = new Set(carried.map(({ projectRoot }) => projectRoot));
  const from = `not run in this build; data from ${toPosix(baseline)}`;
  return {
    projects: completeness.projects.map((entry) => (roots.has(entry.projectRoot) && entry.state === 'current' ? { ...entry, state: 'carried-forward', reasons: [from] } : entry)),
  };
}

/** What the last merge recorded of the expected projects (meta.json `completeness`), so reports of stored data still say what it lacks. */
function storedCompleteness(outputDir: string): Completeness | undefined {
  if (!existsSync(join(outputDir, COVERAGE_FILE))) return undefined;
  try {
    const meta = readDataMeta(join(outputDir, META_FILE));
    return meta.kind === 'workspace' && meta.completeness ? { projects: meta.completeness } : undefined;
  } catch {
    return undefined; // no meta.json, or one the merge of this data already reported on
  }
}

/**
 * Refuses a configured report folder (the Nx merge executor's `outputDir`) outside the workspace,
 * or the workspace root itself: like `run.dataDir`, configuration must not send files out of the
 * workspace, and replacing `html/` there would remove a folder nothing of ours made. The CLI's
 * `--output-dir` is a one-off choice on the command line and may point anywhere.
 */
export function checkReportFolder(workspaceRoot: string, outputDir: string, label: string): void {
  const root = resolve(workspaceRoot);
  const inside = relative(root, resolve(root, outputDir));
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new ConfigError(`${label} must be a folder inside the workspace, got ${JSON.stringify(outputDir)}`);
  }
}

function locate(options: Pick<WorkspaceReportOptions, 'workspaceRoot' | 'config' | 'outputDir'>): { workspaceRoot: string; outputDir: string } {
  const workspaceRoot = resolve(options.workspaceRoot);
  const outputDir = resolve(workspaceRoot, options.outputDir ?? workspaceDataPath(options.config.run.dataDir));
  return { workspaceRoot, outputDir };
}

function loadStoredData(config: CoverageConfig, { workspaceRoot, outputDir }: { workspaceRoot: string; outputDir: string }): CombineResult {
  const stored = join(outputDir, COVERAGE_FILE);
  const inputs = existsSync(stored) ? [stored] : [defaultInput(config, workspaceRoot)];
  const merged = combineCoverage({ workspaceRoot, inputs, paths: config.paths, exclude: [outputDir], runOptions: () => config.run });
  requireData(merged, workspaceRoot, inputs);
  return merged;
}

/** `<dataDir>/projects`; its absence means no project has written data yet, which is NoData, not bad data. */
function defaultInput(config: CoverageConfig, workspaceRoot: string): string {
  const dir = projectsDataPath(config.run.dataDir);
  if (!existsSync(resolve(workspaceRoot, dir))) {
    throw new NoDataError(`no coverage data: ${dir} does not exist; run the coverage target first (nx run-many -t coverage, or monocov run -- <test command>)`);
  }
  return dir;
}

function requireData(merged: CombineResult, workspaceRoot: string, inputs: string[]): void {
  if (merged.inputs.length > 0) return;
  if (merged.problems.length > 0) {
    const lines = merged.problems.map((problem) => `  ${problem.message}`).join('\n');
    throw new DataError(`no usable coverage data: ${merged.problems.length} data file(s) or folder(s) could not be read:\n${lines}`);
  }
  const where = inputs.map((input) => toPosix(relative(workspaceRoot, resolve(workspaceRoot, input))) || '.').join(', ');
  throw new NoDataError(`no coverage data (coverage-final.json) found in ${where}; run the coverage target first (nx run-many -t coverage, or monocov run -- <test command>)`);
}

/**
 * The time reports show (HTML footer, cobertura `timestamp`). Never the clock or file times:
 * a merge on another machine, a cache restore or a shard merge must give the same bytes.
 * SOURCE_DATE_EPOCH (the reproducible-builds convention) wins; else the time of the commit the
 * workspace is at; else the epoch.
 */
function reportTime(workspaceRoot: string): Date {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000);
  try {
    const seconds = execFileSync('git', ['log', '-1', '--format=%ct', '--end-of-options', 'HEAD'], {
      cwd: workspaceRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (/^\d+$/.test(seconds)) return new Date(Number(seconds) * 1000);
  } catch {
    // not a git checkout, or git is missing: the epoch
  }
  return new Date(0);
}

function finish(
  options: WorkspaceReportOptions,
  merged: CombineResult,
  {
    workspaceRoot,
    outputDir,
    write,
    completeness,
  }: {
    workspaceRoot: string;
    outputDir: string;
    /** `all`: the merged data (with meta.json, contexts.json) and the reports; `reports`: the reports only; `none`: nothing. */
    write: 'all' | 'reports' | 'none';
    completeness?: Completeness;
  },
): WorkspaceReport {
  const { config } = options;
  const { coverage } = merged;
  const owners = fileOwners(coverage, merged.projects, completeness?.projects);
  const groups = groupByProject(coverage, owners);
  const totals = sumTotals(coverage);

  const { misses, checked } = checkThresholds({ coverage, groups, report: config.report });
  let diff: DiffCoverage | undefined;
  let diffText = '';
  if (options.diff) {
    diff = diffCoverage(coverage, changedLines(workspaceRoot, options.diff));
    diffText = formatDiffCoverage(diff, options.diff.base, config.report.precision);
    const miss = checkDiffThreshold(diff, options.diff.base, config.report);
    if (miss) misses.push(miss);
  }

  // Both the Markdown summary and the HTML report show each project's change against it.
  const baseline =
    options.baseline && (config.reporters.includes('markdown') || (write && config.reporters.includes('html')))
      ? loadBaseline(options.baseline, { workspaceRoot, config })
      : undefined;
  let markdown: string | undefined;
  if (config.reporters.includes('markdown')) {
    markdown = formatMarkdownSummary({
      coverage,
      projects: owners,
      precision: config.report.precision,
      baseline,
      completeness: completeness?.projects,
      misses,
    });
  }

  let written: string[] = [];
  if (write !== 'none') {
    const data = write === 'all';
    const timestamp = options.timestamp ?? reportTime(workspaceRoot);
    const meta: WorkspaceMeta = {
      formatVersion: FORMAT_VERSION,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      kind: 'workspace',
      dataTime: timestamp.toISOString(),
      projects: merged.projects,
      sources: merged.sources,
      ...(completeness ? { completeness: completeness.projects } : {}),
      ...(merged.unselected.length > 0 ? { dropped: { unselected: merged.unselected } } : {}),
    };
    written = writeReports({
      workspaceRoot,
      coverage,
      reporters: config.reporters,
      outputDir,
      timestamp,
      data,
      extraFiles: {
        ...(data ? { [META_FILE]: stableStringify(meta, 2) } : {}),
        ...(markdown === undefined ? {} : { [SUMMARY_FILE]: markdown }),
        ...(data && merged.contexts !== undefined ? { [CONTEXTS_FILE]: stableStringify(merged.contexts) } : {}),
      },
      skipEmpty: config.report.skipEmpty,
      contexts: merged.contexts,
      workspaceHtml: { projects: owners, completeness: completeness?.projects, baseline, precision: config.report.precision },
    });
    if (markdown !== undefined) written.push(join(outputDir, SUMMARY_FILE));
  }

  let summaryText = '';
  if (config.reporters.includes('text')) summaryText += formatTable(coverage, groups, { ...config.report, perFile: options.perFile ?? false });
  if (config.reporters.includes('text-summary')) summaryText += formatSummary(totals, config.report.precision);
  summaryText += diffText;
  const dataFailed = merged.problems.length > 0 && !options.ignoreErrors;
  const incomplete = options.requireComplete === true && (completeness?.projects.some(isIncomplete) ?? false);
  return {
    coverage,
    inputs: merged.inputs,
    projects: merged.projects,
    problems: merged.problems,
    duplicates: merged.duplicates,
    completeness,
    totals,
    summaryText,
    markdown,
    contexts: merged.contexts,
    diff,
    misses,
    checked: checked + (diff && config.report.failUnderDiff !== undefined ? 1 : 0),
    written,
    outputDir,
    staleFiles: merged.staleFiles,
    unselected: merged.unselected,
    outcome: dataFailed ? 'data-error' : incomplete ? 'incomplete' : misses.length > 0 ? 'threshold-missed' : 'ok',
  };
}

function checkDiffThreshold(diff: DiffCoverage, base: string, report: CoverageConfig['report']): ThresholdMiss | undefined {
  const required = report.failUnderDiff;
  const measured = diffPercent(diff, report.precision);
  if (required === undefined || measured >= required) return undefined;
  const uncovered = formatUncovered(diff).join(', ');
  return {
    scope: 'diff',
    subject: base,
    measured,
    required,
    message: `diff coverage ${formatPercentShort(diff, report.precision)}% < ${required}% (lines changed since ${base}); not covered: ${uncovered}`,
  };
}
