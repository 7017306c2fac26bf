// The public API of @monocov/core: what the Nx plugin and other integrations build on.
import type * as ConvertModule from './convert';
import type * as ProjectCoverageModule from './project-coverage';
import type * as ReportModule from './report';

export { ConfigError, DataError, EnvironmentError, MonocovError, NoDataError, asMonocovError, isMonocovError, type MonocovErrorCode } from './errors';
export { terminalText } from './escape';
export type { Collector, CoverageConfig, LoadedConfig, Metric, ReporterName, Threshold } from './config/types';
export { findWorkspaceRoot, loadConfig, mergeConfig, type PartialCoverageConfig } from './config';
export { coverageEnv, createRawDir, removeRawDir, runCommand, testsPassed, type TestOutcome } from './collect';
export { signalOfStatus, watchChildExits, type ChildExitWatch } from './child-exits';
export { BUILTIN_OMIT, createSourceFilter, listSourceFiles, scanSourceFiles } from './files';
export { changedLines, type DiffBase } from './git-diff';
export { combineCoverage, type CombineResult } from './combine';
export {
  checkCompleteness,
  describeCompleteness,
  findExpectedProjects,
  isIncomplete,
  type Completeness,
  type ExpectedProject,
} from './completeness';
export type { ReportOutcome, ThresholdMiss, WorkspaceReport, WorkspaceReportOptions } from './report';
export type { ProjectCoverageOptions, ProjectCoverageResult, TestSetup } from './project-coverage';
export {
  RUNNER_LABELS,
  detectTargetRunner,
  resolveCollection,
  runnerOfExecutor,
  type CollectionRoute,
  type FlagValue,
  type RunnerDetection,
  type TestRunner,
} from './runners';
export { FORMAT_VERSION, type ProjectCompleteness, type ProjectDataState, type ProjectMeta } from './store/format';
export { readCoverageFile, readDataMeta, type DataMeta } from './store/read';
export { writeProjectData } from './store/write';
export { projectDataDir, projectDataOutput, workspaceDataOutput, workspaceDataPath } from './layout';
export { starterConfig, withIgnoredDataDir } from './starter';
export { TOOL_VERSION } from './version';

// Conversion (Babel) and reporting (istanbul's report libraries) load on first use: the Nx
// plugin reads only the configuration, on every nx command, and should not pay for them.
const convert = (): typeof ConvertModule => require('./convert');
const report = (): typeof ReportModule => require('./report');
const projectCoverage = (): typeof ProjectCoverageModule => require('./project-coverage');

export const convertV8Directory: typeof ConvertModule.convertV8Directory = (...args) => convert().convertV8Directory(...args);
export const emptyFileCoverage: typeof ConvertModule.emptyFileCoverage = (...args) => convert().emptyFileCoverage(...args);
export const checkReportFolder: typeof ReportModule.checkReportFolder = (...args) => report().checkReportFolder(...args);
export const checkWorkspace: typeof ReportModule.checkWorkspace = (...args) => report().checkWorkspace(...args);
export const mergeWorkspace: typeof ReportModule.mergeWorkspace = (...args) => report().mergeWorkspace(...args);
export const reportWorkspace: typeof ReportModule.reportWorkspace = (...args) => report().reportWorkspace(...args);
export const collectProjectCoverage: typeof ProjectCoverageModule.collectProjectCoverage = (...args) => projectCoverage().collectProjectCoverage(...args);
export const outcomeLine: typeof ProjectCoverageModule.outcomeLine = (...args) => projectCoverage().outcomeLine(...args);
export const unmatchedIncludeWarning: typeof ProjectCoverageModule.unmatchedIncludeWarning = (...args) => projectCoverage().unmatchedIncludeWarning(...args);
