import { formatPercentShort, METRIC_ORDER } from '../../report/metrics';
import { checkWorkspace } from '../../workspace-report';
import type { Command } from '../command';
import { EXIT } from '../exit-codes';
import { optionHelp, pickOptions, printOutcome, resolveReportOptions, type ReportOptionName } from '../report-options';

const OPTIONS = ['ignore-errors', 'output-dir', 'fail-under', 'precision', 'diff', 'verbose'] as const satisfies readonly ReportOptionName[];

export const checkCommand: Command = {
  summary: 'check the thresholds against stored data',
  usage: `Usage: monocov check [options]

Applies report.failUnder, report.perProject and report.perFile to the merged data
(<dataDir>/workspace/coverage-final.json, or <dataDir>/projects merged in memory when nothing
was merged yet). Writes nothing. Prints one line per missed threshold.

Exit status: 0 every threshold met, 2 a threshold missed, 4 unreadable data, 5 no data,
3 a configuration error.

Options:
${optionHelp(OPTIONS)}`,
  options: pickOptions(OPTIONS),
  async execute({ options, positionals }, context) {
    if (positionals.length > 0) {
      context.stderr.write(`monocov check: takes no file arguments (got ${positionals.join(' ')})\n`);
      return EXIT.usage;
    }
    const resolved = resolveReportOptions(options, context);
    const result = checkWorkspace({
      workspaceRoot: resolved.workspaceRoot,
      config: resolved.config,
      outputDir: resolved.outputDir,
      ignoreErrors: resolved.ignoreErrors,
      diff: resolved.diff,
    });
    const { precision } = resolved.config.report;
    const totals = METRIC_ORDER.map((metric) => `${metric} ${formatPercentShort(result.totals[metric], precision)}%`).join(', ');
    const verdict =
      result.checked === 0
        ? 'no thresholds configured (report.failUnder, report.perProject, report.perFile, report.failUnderDiff)'
        : result.misses.length === 0
          ? `all ${result.checked} threshold(s) met`
          : `${result.misses.length} of ${result.checked} threshold(s) missed`;
    const files = Object.keys(result.coverage).length;
    const stale = result.staleFiles.length > 0 ? `; ${result.staleFiles.length} left out, changed since their data was collected` : '';
    context.stdout.write(`Total of ${files} file(s)${stale}: ${totals}\n${verdict}\n`);
    return printOutcome('check', result, context, resolved);
  },
};
