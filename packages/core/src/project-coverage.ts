import type { CoverageMapData } from 'istanbul-lib-coverage';
import type { LoadedConfig } from './config/types';
import { coverageEnv, createRawDir, removeRawDir, type TestOutcome } from './collect';
import { convertV8Directory, emptyFileCoverage } from './convert';
import { createSourceFilter, scanSourceFiles } from './files';
import { checkThresholds, formatTable, groupByProject, normalizeRoot, type ThresholdMiss } from './report';
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
  /** Environment the tests start from (default: this process's); NODE_V8_COVERAGE is added to it. */
  env?: NodeJS.ProcessEnv;
  /** Runs the tests in the given environment (NODE_V8_COVERAGE set) and reports how they ended. */
  runTests(env: NodeJS.ProcessEnv): Promise<TestOutcome>;
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
}

/**
 * One project's whole collection: fresh raw dir → tests under NODE_V8_COVERAGE → conversion of
 * the project's sources → never-loaded sources at 0 → portable data on disk. Shared by the Nx
 * executor and `monocov run`, so both write the same bytes. Data is written even when the tests
 * fail: it shows what ran up to the failure, and the caller still fails with the tests' status.
 * The project's own thresholds (`report.perProject` for it, `report.perFile`) are checked on
 * this run's data; the workspace total (`report.failUnder`) is the merge's to check.
 */
export async function collectProjectCoverage(options: ProjectCoverageOptions): Promise<ProjectCoverageResult> {
  const { workspaceRoot, projectRoot, loaded } = options;
  const run = loaded.config.run;
  const include = createSourceFilter({ workspaceRoot, projectRoot, run });
  const rawDir = createRawDir();
  try {
    const outcome = await options.runTests(coverageEnv(rawDir, options.env));
    const coverage = await convertV8Directory({ rawDir, include });
    // Scanned even without `run.all`: an include glob that selects nothing is worth a warning.
    const scan = scanSourceFiles({ workspaceRoot, projectRoot, run });
    if (run.all) {
      for (const file of scan.files) {
        coverage[file] ??= await emptyFileCoverage(file);
      }
    }
    const dataDir = writeProjectData({
      workspaceRoot,
      dataDir: run.dataDir,
      projectRoot,
      coverage,
      meta: {
        tool: { name: TOOL_NAME, version: TOOL_VERSION },
        project: options.project,
        projectRoot,
        target: options.target,
        node: process.version,
        configHash: loaded.hash,
        collector: 'v8',
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
    return { outcome, dataDir, coverage: portable, table, misses, unmatchedIncludes: scan.unmatchedIncludes };
  } finally {
    removeRawDir(rawDir);
  }
}

/** The warning for a `run.include` glob that selects no file, worded the same by every adapter. */
export function unmatchedIncludeWarning(glob: string, projectRoot: string): string {
  return `warning: run.include glob "${glob}" matches no source file in ${projectRoot}; check it for a typo (globs are relative to the project root)`;
}
