// The public API of @monocov/core: what the Nx plugin and other integrations build on.
export { ConfigError, DataError, MonocovError, NoDataError, isMonocovError, type MonocovErrorCode } from './errors';
export type { CoverageConfig, LoadedConfig, Metric, ReporterName, Threshold } from './config/types';
export { findWorkspaceRoot, loadConfig } from './config';
export { coverageEnv, createRawDir, removeRawDir, runCommand, testsPassed, type TestOutcome } from './collect';
export { convertV8Directory, emptyFileCoverage } from './convert';
export { createSourceFilter, listSourceFiles } from './files';
export { collectProjectCoverage, type ProjectCoverageOptions, type ProjectCoverageResult } from './project-coverage';
export {
  FORMAT_VERSION,
  projectDataDir,
  readCoverageFile,
  readProjectMeta,
  writeProjectData,
  type ProjectMeta,
} from './store';
export { TOOL_VERSION } from './version';
