/** The four istanbul metrics thresholds can name. */
export type Metric = 'statements' | 'branches' | 'functions' | 'lines';

/** A threshold: one number for every metric, or a number per metric. */
export type Threshold = number | Partial<Record<Metric, number>>;

/** How a project's hits are collected (`run.collector`): `auto` picks from the test command, or one route by name. */
export type Collector = 'auto' | 'v8' | 'jest' | 'vitest' | 'istanbul-json';

/** A report monocov can write (`reporters`). */
export type ReporterName = 'text' | 'text-summary' | 'lcov' | 'json' | 'json-summary' | 'cobertura' | 'html' | 'markdown';

/** `.coveragerc.json` after defaults, project overrides and validation. */
export interface CoverageConfig {
  run: {
    /** Globs, relative to the project root, of the sources to measure. */
    include: string[];
    /** Globs, relative to the project root, taken out of `include`; added to the default omit list. */
    omit: string[];
    /** Count source files under `include` that no test loaded, at 0. */
    all: boolean;
    /** Data directory, relative to the workspace root. */
    dataDir: string;
    /** `project`: only the project's own files; `workspace`: every workspace file its tests run. */
    source: 'project' | 'workspace';
    /** How hits are collected; `auto` picks the runner's own coverage for Jest and Vitest targets, V8 otherwise. */
    collector: Collector;
    /** With `collector: "istanbul-json"`: the file, or folder of coverage-final.json files, the tests write; relative to the project root. */
    istanbulJsonPath?: string;
    /** `test`: record which tests ran each line (contexts.json); `none`: only hits. */
    contexts: 'none' | 'test';
  };
  /** coverage.py's [paths]: each list's first entry is the canonical prefix the others map onto. */
  paths: Record<string, string[]>;
  report: {
    failUnder?: Threshold;
    perProject: Record<string, Threshold>;
    perFile?: Threshold;
    /** Percentage of changed executable lines (since a diff base) that must be covered. */
    failUnderDiff?: number;
    skipCovered: boolean;
    skipEmpty: boolean;
    showMissing: boolean;
    precision: number;
    sort: 'name' | 'statements' | 'branches' | 'functions' | 'lines';
    /** Print each project's per-file table when its run ends, instead of one summary line. */
    projectTable: boolean;
  };
  reporters: ReporterName[];
}

/** Where the configuration came from, for messages ("`.coveragerc.json`: …"). */
export interface LoadedConfig {
  config: CoverageConfig;
  /** Absolute path of the rc file, or undefined when the defaults were used. */
  file?: string;
  /** sha256 of the resolved configuration: recorded in meta.json, changes invalidate data. */
  hash: string;
}

/**
 * A layer over the defaults: the rc file's contents or overrides (executor options, CLI flags),
 * in the same shape. Objects merge key by key; arrays replace.
 */
export interface PartialCoverageConfig {
  /** The rc file's schema pointer; accepted and ignored. */
  $schema?: string;
  run?: Partial<CoverageConfig['run']>;
  paths?: CoverageConfig['paths'];
  report?: Partial<CoverageConfig['report']>;
  reporters?: ReporterName[];
}
