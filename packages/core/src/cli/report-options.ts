import { resolve } from 'node:path';
import { findWorkspaceRoot, loadConfig, METRICS, REPORTERS } from '../config';
import type { CoverageConfig, PartialCoverageConfig, ReporterName } from '../config/types';
import { findExpectedProjects, findWorkspaceMemberProjects, type ExpectedProject } from '../completeness';
import { ConfigError } from '../errors';
import type { DiffBase } from '../git-diff';
import { baselineSource, type BaselineSource } from '../workspace-report/baseline';
import { reportOutput, type PrintedReport } from '../workspace-report/output';
import type { CliContext, Command, ParsedOptions } from './command';
import { EXIT } from './exit-codes';

/**
 * The one argv → options mapping shared by `merge`, `report` and `check` (c8 kept two copies
 * of its mapping and they drifted). Each command takes the subset it lists.
 */
export const REPORT_OPTIONS = {
  'ignore-errors': { type: 'boolean' },
  'output-dir': { type: 'string' },
  reporter: { type: 'string', multiple: true },
  files: { type: 'boolean' },
  'fail-under': { type: 'string' },
  'skip-covered': { type: 'boolean' },
  'skip-empty': { type: 'boolean' },
  'show-missing': { type: 'boolean' },
  precision: { type: 'string' },
  sort: { type: 'string' },
  diff: { type: 'string' },
  expect: { type: 'string', multiple: true },
  'require-complete': { type: 'boolean' },
  'carry-forward': { type: 'string' },
  format: { type: 'string' },
  baseline: { type: 'string' },
  'baseline-ref': { type: 'string' },
  verbose: { type: 'boolean' },
} as const satisfies Command['options'];

export type ReportOptionName = keyof typeof REPORT_OPTIONS;

/** The options of both commands that write the reports, `report` and `merge`, in their usage's order: one list, so that neither lacks one the other has. */
export const REPORT_WRITING_OPTIONS = [
  'ignore-errors',
  'output-dir',
  'reporter',
  'files',
  'fail-under',
  'skip-covered',
  'skip-empty',
  'show-missing',
  'precision',
  'sort',
  'diff',
  'format',
  'baseline',
  'baseline-ref',
] as const satisfies readonly ReportOptionName[];

/** Usage lines, in one place so every command describes a flag the same way. */
export const REPORT_OPTION_HELP: Record<ReportOptionName, string> = {
  'ignore-errors': '--ignore-errors        unreadable data files are reported but do not fail the command',
  'output-dir': '--output-dir <dir>     where the merged reports go (default <dataDir>/workspace)',
  reporter: `--reporter <name>      a report to produce, repeatable; replaces \`reporters\` (${REPORTERS.join(', ')})`,
  files: '--files                one row per file under each project in the text table',
  'fail-under': '--fail-under <pct>     fail when the workspace total is below this; replaces `report.failUnder`',
  'skip-covered': '--skip-covered         leave fully covered rows out of the text table',
  'skip-empty': '--skip-empty           leave rows without statements out of the text table',
  'show-missing': '--show-missing         show uncovered line numbers (with --files)',
  precision: '--precision <digits>   decimal places of percentages (0-10)',
  sort: `--sort <key>           order rows by ${['name', ...METRICS].join(', ')}`,
  diff: '--diff <base>          also measure the lines changed since this git ref (gate: `report.failUnderDiff`)',
  expect: '--expect <dir|glob>    a project that should have data, repeatable (`packages/*`); lists missing and stale ones',
  'require-complete':
    '--require-complete     fail (exit 4) when an expected project has no data or stale data; without --expect, expects every workspace package (npm, pnpm, yarn, bun)',
  'carry-forward': '--carry-forward <dir>  an expected project with no data here takes it from this earlier <dataDir>/projects folder, marked carried forward',
  format: '--format <name>        what to print: text (the tables, default) or markdown (the summary, also written to summary.md)',
  baseline: "--baseline <path>      show each project's change in summary.md against this data dir, merged folder or coverage-final.json",
  'baseline-ref': '--baseline-ref <ref>   the same against <dataDir>/workspace/coverage-final.json as committed at this git ref',
  verbose: '--verbose              one line per project not measured, with its reason (default: one line for them all)',
};

export function pickOptions<K extends ReportOptionName>(names: readonly K[]): Pick<typeof REPORT_OPTIONS, K> {
  return Object.fromEntries(names.map((name) => [name, REPORT_OPTIONS[name]])) as Pick<typeof REPORT_OPTIONS, K>;
}

export function optionHelp(names: readonly ReportOptionName[]): string {
  return names.map((name) => `  ${REPORT_OPTION_HELP[name]}`).join('\n');
}

export interface ReportCliOptions {
  workspaceRoot: string;
  config: CoverageConfig;
  /** Absolute, from --output-dir (relative to the cwd). */
  outputDir?: string;
  ignoreErrors: boolean;
  perFile: boolean;
  diff?: DiffBase;
  /** From --expect, else the workspace's declared packages (undefined outside a workspace). */
  expected?: ExpectedProject[];
  requireComplete: boolean;
  /** From --carry-forward, absolute. */
  carryForward?: string;
  /** What stdout gets: the text reporters' tables, or the Markdown summary. */
  format: OutputFormat;
  /** --verbose: every project not measured on a line of its own. */
  verbose: boolean;
  baseline?: BaselineSource;
}

export type OutputFormat = 'text' | 'markdown';

/** Finds the workspace from the cwd, loads `.coveragerc.json` and lays the flags over it. */
export function resolveReportOptions(options: ParsedOptions, context: CliContext): ReportCliOptions {
  const workspaceRoot = findWorkspaceRoot(context.cwd);
  const overrides: PartialCoverageConfig = {};
  const report: NonNullable<PartialCoverageConfig['report']> = {};

  const reporters = options.reporter as string[] | undefined;
  if (reporters !== undefined) {
    for (const name of reporters) {
      if (!(REPORTERS as readonly string[]).includes(name)) {
        throw new ConfigError(`--reporter ${JSON.stringify(name)} is not a reporter; choose from ${REPORTERS.join(', ')}`);
      }
    }
    overrides.reporters = [...new Set(reporters)] as ReporterName[];
  }
  const failUnder = options['fail-under'] as string | undefined;
  if (failUnder !== undefined) report.failUnder = numberFlag('--fail-under', failUnder, { min: 0, max: 100, what: 'a percentage from 0 to 100' });
  const precision = options.precision as string | undefined;
  if (precision !== undefined) report.precision = numberFlag('--precision', precision, { min: 0, max: 10, integer: true, what: 'a whole number from 0 to 10' });
  const sort = options.sort as string | undefined;
  if (sort !== undefined) {
    const keys = ['name', ...METRICS];
    if (!keys.includes(sort)) throw new ConfigError(`--sort ${JSON.stringify(sort)} is not a sort key; choose from ${keys.join(', ')}`);
    report.sort = sort as CoverageConfig['report']['sort'];
  }
  if (options['skip-covered']) report.skipCovered = true;
  if (options['skip-empty']) report.skipEmpty = true;
  if (options['show-missing']) report.showMissing = true;
  if (Object.keys(report).length > 0) overrides.report = report;

  const format = (options.format as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'markdown') throw new ConfigError(`--format ${JSON.stringify(format)} is not a format; choose text or markdown`);
  const baseline = baselineOption(options, context);
  const loaded = loadConfig({ workspaceRoot, overrides, overridesSource: 'command-line option' });
  // A Markdown summary asked for on stdout, or a baseline to compare with, needs the markdown reporter.
  if ((format === 'markdown' || baseline !== undefined) && !loaded.config.reporters.includes('markdown')) loaded.config.reporters.push('markdown');
  const outputDir = options['output-dir'] as string | undefined;
  return {
    workspaceRoot,
    config: loaded.config,
    outputDir: outputDir === undefined ? undefined : resolve(context.cwd, outputDir),
    ignoreErrors: Boolean(options['ignore-errors']),
    verbose: Boolean(options.verbose),
    perFile: Boolean(options.files),
    diff: typeof options.diff === 'string' ? { base: options.diff } : undefined,
    expected: expectedProjects(options, workspaceRoot, loaded.config.run.dataDir),
    requireComplete: Boolean(options['require-complete']),
    carryForward: typeof options['carry-forward'] === 'string' ? resolve(context.cwd, options['carry-forward']) : undefined,
    format,
    baseline,
  };
}

function baselineOption(options: ParsedOptions, context: CliContext): BaselineSource | undefined {
  const source = baselineSource(options.baseline as string | undefined, options['baseline-ref'] as string | undefined, { path: '--baseline', ref: '--baseline-ref' });
  return source !== undefined && 'path' in source ? { path: resolve(context.cwd, source.path) } : source;
}

/**
 * From --expect; else the workspace's declared packages (npm, yarn, bun, pnpm, lerna), so a
 * package whose data is missing — its coverage never ran, or a cache restored none — is named.
 * --require-complete needs one or the other.
 */
function expectedProjects(options: ParsedOptions, workspaceRoot: string, dataDir: string): ExpectedProject[] | undefined {
  const patterns = options.expect as string[] | undefined;
  if (patterns !== undefined) return findExpectedProjects(workspaceRoot, patterns, dataDir);
  const members = findWorkspaceMemberProjects(workspaceRoot);
  if (members.length > 0) return members;
  if (!options['require-complete']) return undefined;
  throw new ConfigError(
    '--require-complete needs the projects to expect: --expect <project folder or glob>, repeatable (or workspace packages: package.json `workspaces`, pnpm-workspace.yaml)',
  );
}

function numberFlag(flag: string, text: string, range: { min: number; max: number; integer?: boolean; what: string }): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < range.min || value > range.max || (range.integer && !Number.isInteger(value))) {
    throw new ConfigError(`${flag} must be ${range.what}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * Prints a workspace result in the words every adapter uses (reportOutput): the table on
 * stdout; written files, skipped data and missed thresholds on stderr, one line each. Returns
 * the exit status.
 */
export function printOutcome(
  name: string,
  result: PrintedReport,
  context: CliContext,
  { ignoreErrors, format = 'text', verbose = false }: { ignoreErrors: boolean; format?: OutputFormat; verbose?: boolean },
): number {
  const { table, lines } = reportOutput(result, {
    command: name,
    settings: { ignoreErrors: '--ignore-errors', requireComplete: '--require-complete' },
    ignoreErrors,
    verbose,
    format,
    cwd: context.cwd,
  });
  if (table !== '') context.stdout.write(table);
  for (const line of lines) context.stderr.write(`${line.text}\n`);
  switch (result.outcome) {
    case 'data-error':
    case 'incomplete':
      return EXIT.dataError;
    case 'threshold-missed':
      return EXIT.thresholdMissed;
    case 'ok':
      return EXIT.ok;
  }
}
