// The config module's public API: find the workspace, load and validate `.coveragerc.json`.
export { RC_FILE, configHash, findWorkspaceRoot, loadConfig, mergeConfig, type LoadConfigOptions } from './load';
export { COLLECTORS, DEFAULT_INCLUDE, METRICS, REPORTERS, defaultConfig } from './options';
export { buildConfigSchema, renderConfigSchema } from './schema';
export type { Collector, CoverageConfig, LoadedConfig, Metric, PartialCoverageConfig, ReporterName, Threshold } from './types';
