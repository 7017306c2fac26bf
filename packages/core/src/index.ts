// The public API of @monocov/core: what an integration (the Nx plugin, another task runner) needs to collect a
// project's coverage and merge a workspace's. Everything else is internal; the CLI is the interface for scripts.
// The API report packages/core/api/core.api.md is checked by tools/test/api-report.test.ts (`npm run api` updates it).
import type * as ProjectCoverageModule from './collection/project-coverage';
import type { ProjectCoverageOptions, ProjectCoverageResult } from './collection/project-coverage';
import type * as WorkspaceReportModule from './workspace-report';
import type { WorkspaceReport, WorkspaceReportOptions } from './workspace-report';

// Errors: one family with a stable `code`; print the message, only non-monocov errors need a stack trace.
export {
  /** Base class of every error monocov reports to the user; `code` says which kind. */
  MonocovError,
  /** `.coveragerc.json` or an option is malformed, unknown or out of range; the message names file, key and fix. */
  ConfigError,
  /** A data file cannot be read: truncated, not coverage data, or another format version. */
  DataError,
  /** Nothing to report: no data files where data was expected. */
  NoDataError,
  /** The file system refused a read or write (read-only, full, no permission). */
  EnvironmentError,
  /** Whether `error` is a MonocovError, made by this or any other copy of the package. */
  isMonocovError,
  /** `error` as a MonocovError when it is one or is a file-system refusal; undefined for a bug. */
  asMonocovError,
  /** The stable codes: 'CONFIG' | 'DATA' | 'NO_DATA' | 'ENVIRONMENT'. */
  type MonocovErrorCode,
} from './errors';
/** Untrusted text (file and project names from data) made safe to print on a terminal. */
export { terminalText } from './escape';

// Configuration
/** Finds, parses, layers and validates `.coveragerc.json` (+ per-project overrides and options). */
export { loadConfig } from './config';
export type { LoadConfigOptions } from './config/load';
/** What `init` writes: the starter `.coveragerc.json`, and a .gitignore that ignores the data folder. */
export { starterConfig, withIgnoredDataDir } from './starter';
/** Where data lives: the Nx `outputs` of a project's and of the merge's target, and the merged data's folder. */
export { projectDataDir, projectDataOutput, workspaceDataOutput, workspaceDataPath } from './layout';
/** The validated configuration and the types of its settings. */
export type { Collector, CoverageConfig, LoadedConfig, Metric, PartialCoverageConfig, ReporterName, Threshold } from './config/types';

// One project: run its tests under coverage and write its data.
/** How a test command ended (exit code or signal), and whether that counts as passing. */
export { testsPassed, type TestOutcome } from './test-command';
/** Records how the child processes of this process end, so a test command killed by a signal is reported as such. */
export { watchChildExits, type ChildExitWatch } from './test-command';
/** Jest and Vitest: which runner a target runs and the collection route (V8, or the runner's own coverage) to use; what kind of tests a command runs (unit, e2e, a nested nx/turbo run, watch mode, benchmarks) and which selected runs repeat others, to pick test targets. */
// From their modules, not the runners' index, which loads what reads the runners' output: this entry is loaded by every Nx task.
export { RUNNER_LABELS, detectTargetRunner, runnerOfExecutor, type RunnerDetection, type TestRunner } from './runners/detect';
export { commandAndScriptsItRuns, testCommandKind, whyNotTests, withoutRepeats, type TestCommandKind, type TestRun } from './runners/test-commands';
export type { FlagValue } from './runners/flags';
/** Whether a project's Vitest runs are measured in Chromium through monocov's conversion (browser mode) rather than with Vitest's own coverage. */
export { measuresVitestInBrowser } from './runners/provider';
/** Whether a project has tests: files named as the runners find them by default, or a test run that picks files of its own. */
export { findsNoTestFile, isTestFile, NO_TEST_FILES, noTestFilesReason, ownTestDiscovery, TEST_FILE_GLOBS, type OwnTestDiscoveryArgs } from './test-files';
export type { TargetDescription } from './runners/detect';
export { resolveCollection, type CollectionRoute, type ResolveCollectionOptions } from './collection/choose-route';
/** Options and result of collectProjectCoverage; TestSetup is what the caller's test run must be given. */
export type { ProjectCoverageOptions, ProjectCoverageResult, RunnerOptions, TestSetup } from './collection/project-coverage';

// The workspace: merge every project's data, write the reports, check thresholds.
/** Whether a merge's inputs were complete (missing, stale or unexpected projects). */
export type { Completeness, ExpectedProject } from './completeness';
/** What a workspace report prints, in the words of every adapter: the table, then one line per written file, skipped input, incomplete project and missed threshold. */
export { reportOutput, type PrintedReport, type ReportLine, type ReportOutput, type ReportOutputOptions } from './workspace-report/output';
/** What the data files hold: a project's completeness, the merged projects, the per-test contexts. */
export type { ContextsData, MergedProject, ProjectCompleteness, ProjectDataState } from './store/format';
/** Changed lines against a base commit, for diff coverage. */
export type { DiffBase } from './git-diff';
/** Options and outcome of mergeWorkspace. */
export type { ReportOutcome, WorkspaceReport, WorkspaceReportOptions } from './workspace-report';
export type { ThresholdMiss } from './report/thresholds';
export type { Count, Totals } from './report/metrics';
export type { DiffCoverage, DiffFileCoverage } from './report/diff-coverage';
export type { BaselineSource } from './workspace-report/baseline';
/** The one baseline of a report from a file setting and a git-ref setting; a ConfigError when both are given. */
export { baselineSource } from './workspace-report/baseline';

// Collection and reporting load their heavy dependencies (Babel, istanbul's reporters) on first use: the Nx
// plugin reads only the configuration, on every nx command, and should not pay for them.
const projectCoverage = (): typeof ProjectCoverageModule => require('./collection/project-coverage');
const workspaceReport = (): typeof WorkspaceReportModule => require('./workspace-report');

/** Runs a project's tests under coverage (V8 or the runner's own) and writes its data as one unit. */
export function collectProjectCoverage(options: ProjectCoverageOptions): Promise<ProjectCoverageResult> {
  return projectCoverage().collectProjectCoverage(options);
}
/** The line that ends a project's run (where the data went, whether the tests passed), worded the same by every adapter. */
export function outcomeLine(
  result: Pick<ProjectCoverageResult, 'outcome' | 'testsRan' | 'dataDir' | 'summary'>,
  subject: string,
  project: string,
  where: (dir: string) => string,
): string {
  return projectCoverage().outcomeLine(result, subject, project, where);
}
/** The warning for a `run.include` glob that selects no file of the project. */
export function unmatchedIncludeWarning(glob: string, projectRoot: string, source: 'project' | 'workspace' = 'project'): string {
  return projectCoverage().unmatchedIncludeWarning(glob, projectRoot, source);
}
/** Merges every project's data into the workspace reports and checks the thresholds. */
export function mergeWorkspace(options: WorkspaceReportOptions): WorkspaceReport {
  return workspaceReport().mergeWorkspace(options);
}
/** Refuses a configured report folder outside the workspace or at its root (a ConfigError naming `label`). */
export function checkReportFolder(workspaceRoot: string, outputDir: string, label: string): void {
  workspaceReport().checkReportFolder(workspaceRoot, outputDir, label);
}
