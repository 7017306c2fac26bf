import { relative, resolve } from 'node:path';
import { findWorkspaceRoot, loadConfig, METRICS, REPORTERS } from '../config';
import type { CoverageConfig, PartialCoverageConfig, ReporterName } from '../config/types';
import { ConfigError } from '../errors';
import type { DiffBase } from '../git-diff';
import type { ReportOutcome } from '../report/workspace';
import { toPosix } from '../store';
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
} as const satisfies Command['options'];

export type ReportOptionName = keyof typeof REPORT_OPTIONS;

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
}

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

  const loaded = loadConfig({ workspaceRoot, overrides, overridesSource: 'command-line option' });
  const outputDir = options['output-dir'] as string | undefined;
  return {
    workspaceRoot,
    config: loaded.config,
    outputDir: outputDir === undefined ? undefined : resolve(context.cwd, outputDir),
    ignoreErrors: Boolean(options['ignore-errors']),
    perFile: Boolean(options.files),
    diff: typeof options.diff === 'string' ? { base: options.diff } : undefined,
  };
}

function numberFlag(flag: string, text: string, range: { min: number; max: number; integer?: boolean; what: string }): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < range.min || value > range.max || (range.integer && !Number.isInteger(value))) {
    throw new ConfigError(`${flag} must be ${range.what}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * Prints a workspace result the same way for every command: the table on stdout; written
 * files, skipped data and missed thresholds on stderr, one line each. Returns the exit status.
 */
export function printOutcome(
  name: string,
  result: {
    summaryText: string;
    written: string[];
    problems: Array<{ message: string }>;
    misses: Array<{ message: string }>;
    outcome: ReportOutcome;
  },
  context: CliContext,
  ignoreErrors: boolean,
): number {
  if (result.summaryText !== '') context.stdout.write(result.summaryText);
  if (result.written.length > 0) {
    const shown = result.written.map((file) => toPosix(relative(context.cwd, file)) || '.');
    context.stderr.write(`monocov ${name}: wrote ${shown.join(', ')}\n`);
  }
  for (const problem of result.problems) {
    context.stderr.write(`monocov ${name}: ${ignoreErrors ? 'ignored' : 'error'}: ${problem.message}\n`);
  }
  for (const miss of result.misses) context.stderr.write(`monocov ${name}: threshold missed: ${miss.message}\n`);
  if (result.problems.length > 0 && !ignoreErrors) {
    context.stderr.write(`monocov ${name}: ${result.problems.length} data file(s) skipped; rerun with --ignore-errors to accept the rest\n`);
  }
  switch (result.outcome) {
    case 'data-error':
      return EXIT.dataError;
    case 'threshold-missed':
      return EXIT.thresholdMissed;
    case 'ok':
      return EXIT.ok;
  }
}
