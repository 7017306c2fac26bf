// The public API of @monocov/core: what the Nx plugin and other integrations build on.
export { ConfigError, DataError, MonocovError, NoDataError, isMonocovError, type MonocovErrorCode } from './errors';
export type { Collector, CoverageConfig, LoadedConfig, Metric, ReporterName, Threshold } from './config/types';
export { findWorkspaceRoot, loadConfig, mergeConfig, type PartialCoverageConfig } from './config';
export { coverageEnv, createRawDir, removeRawDir, runCommand, testsPassed, type TestOutcome } from './collect';
export { signalOfStatus, watchChildExits, type ChildExitWatch } from './child-exits';
export { convertV8Directory, emptyFileCoverage } from './convert';
export { BUILTIN_OMIT, createSourceFilter, listSourceFiles, scanSourceFiles } from './files';
export { changedLines, type DiffBase } from './git-diff';
export { mergeCoverage, type MergeResult } from './merge';
export {
  checkCompleteness,
  describeCompleteness,
  findExpectedProjects,
  isIncomplete,
  type Completeness,
  type ExpectedProject,
  type ProjectCompleteness,
  type ProjectDataState,
} from './completeness';
export {
  checkReportFolder,
  checkWorkspace,
  mergeWorkspace,
  reportWorkspace,
  type ReportOutcome,
  type ThresholdMiss,
  type WorkspaceReport,
  type WorkspaceReportOptions,
} from './report';
export {
  collectProjectCoverage,
  unmatchedIncludeWarning,
  type ProjectCoverageOptions,
  type ProjectCoverageResult,
  type TestSetup,
} from './project-coverage';
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
export {
  FORMAT_VERSION,
  projectDataDir,
  readCoverageFile,
  readProjectMeta,
  writeProjectData,
  type ProjectMeta,
} from './store';
export { TOOL_VERSION } from './version';
