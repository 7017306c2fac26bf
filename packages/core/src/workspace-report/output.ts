import { join, relative } from 'node:path';
import { describeCompleteness, isIncomplete } from '../completeness';
import { META_FILE } from '../store/format';
import { toPosix } from '../workspace-path';
import type { WorkspaceReport } from './index';

/** A line about a workspace report, with how much it matters: the Nx logger's levels (the CLI writes every one to stderr). */
export interface ReportLine {
  /** `error` for what fails the run (a missed threshold, skipped data, required completeness); `warn` for what weakens the numbers. */
  level: 'info' | 'warn' | 'error';
  /** `monocov <command>: …`, without a line break. */
  text: string;
}

/** What a workspace report prints: `table` on stdout, then `lines`. */
export interface ReportOutput {
  /** The text reporters' tables, or the Markdown summary; '' when there is none to print. */
  table: string;
  /** For stderr (or the Nx logger at each line's level), one line each. */
  lines: ReportLine[];
}

/** The parts of a WorkspaceReport that are printed. */
export type PrintedReport = Pick<
  WorkspaceReport,
  'summaryText' | 'markdown' | 'written' | 'outputDir' | 'problems' | 'misses' | 'duplicates' | 'completeness' | 'staleFiles' | 'unselected' | 'outcome'
>;

/** How reportOutput words a report for one adapter. */
export interface ReportOutputOptions {
  /** The command the lines speak for: each starts `monocov <command>: `. */
  command: string;
  /** The caller's setting names as the user writes them (`--ignore-errors`, `` `ignoreErrors` ``), for the hints. */
  settings: { ignoreErrors: string; requireComplete: string };
  /** Skipped data files were accepted (`ignored: …`, no hint to accept them). */
  ignoreErrors: boolean;
  /** Every project not measured on a line of its own. */
  verbose?: boolean;
  /** `markdown`: the table is the Markdown summary instead of the text reporters' tables. */
  format?: 'text' | 'markdown';
  /** Where the user ran the command: paths are shown relative to it. */
  cwd: string;
}

/**
 * The words of a workspace report, for every adapter (`monocov merge`/`report`/`check`, the Nx
 * merge executor), so the same run reads the same: written files, skipped copies, projects
 * without current data, skipped data files, stale files, missed thresholds. Untrusted names are
 * in the text as they are: the caller prints it through terminalText.
 */
export function reportOutput(result: PrintedReport, options: ReportOutputOptions): ReportOutput {
  const { command, settings, ignoreErrors } = options;
  const shown = (path: string): string => toPosix(relative(options.cwd, path)) || '.';
  const lines: ReportLine[] = [];
  const say = (level: ReportLine['level'], text: string): void => {
    lines.push({ level, text: `monocov ${command}: ${text}` });
  };
  if (result.written.length > 0) say('info', `wrote ${result.written.map(shown).join(', ')}`);
  for (const { input, sameAs } of result.duplicates) say('info', `skipped ${shown(input)}: the same data as ${shown(sameAs)}, counted once`);
  if (result.completeness) {
    const failing = result.outcome === 'incomplete';
    for (const line of describeCompleteness(result.completeness, { verbose: options.verbose, metaFile: shown(join(result.outputDir, META_FILE)) }))
      say(failing ? 'error' : 'warn', line);
    const incomplete = result.completeness.projects.filter(isIncomplete).length;
    if (incomplete > 0) {
      // report, check and ratchet read what the last merge recorded; only the merge can require completeness.
      const verdict =
        command !== 'merge' ? 'as the last merge found' : failing ? `the merge fails (${settings.requireComplete})` : `pass ${settings.requireComplete} to fail on this`;
      say(failing ? 'error' : 'warn', `${incomplete} project(s) without current data; ${verdict}`);
    }
  }
  for (const problem of result.problems) say(ignoreErrors ? 'warn' : 'error', `${ignoreErrors ? 'ignored' : 'error'}: ${problem.message}`);
  const stale = result.staleFiles;
  if (stale.length > 0) {
    // The numbers printed and the reports drawn cover the rest; report and check never rewrite the stored merged data.
    const kept = command === 'merge' ? '' : '; the stored merged data still holds it';
    say('warn', `these numbers leave out ${stale.length} file(s) changed since their data was collected (${stale.join(', ')})${kept} — rerun their projects' coverage, then merge`);
  }
  const unselected = result.unselected;
  if (unselected.length > 0) {
    // Only the merge records them (meta.json `dropped`): report and check never rewrite the stored data.
    const listed = unselected.slice(0, 10).join(', ') + (unselected.length > 10 ? `, and ${unselected.length - 10} more` : '');
    const recorded = command === 'merge' ? ' (listed in meta.json `dropped`)' : '';
    say('warn', `left out ${unselected.length} file(s) the data holds that run.include/run.omit do not select: ${listed}${recorded}; only what the rc file selects is reported`);
  }
  for (const miss of result.misses) say('error', `threshold missed: ${miss.message}`);
  if (result.problems.length > 0 && !ignoreErrors) {
    say('error', `${result.problems.length} data file(s) skipped; rerun with ${settings.ignoreErrors} to accept the rest`);
  }
  const table = options.format === 'markdown' ? (result.markdown ?? '') : result.summaryText;
  return { table, lines };
}
