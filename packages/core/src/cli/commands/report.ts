import { reportWorkspace } from '../../workspace-report';
import type { Command } from '../command';
import { EXIT } from '../exit-codes';
import { REPORT_WRITING_OPTIONS, optionHelp, pickOptions, printOutcome, resolveReportOptions, type ReportOptionName } from '../report-options';

const OPTIONS = [...REPORT_WRITING_OPTIONS, 'verbose'] as const satisfies readonly ReportOptionName[];

export const reportCommand: Command = {
  summary: 'print and rewrite the reports from stored data, without running tests',
  usage: `Usage: monocov report [options]

Like \`coverage report\`: reads the merged data (<dataDir>/workspace/coverage-final.json, or
merges <dataDir>/projects when nothing was merged yet), redraws the configured reports,
prints the table and checks the thresholds. Stored merged data is only read, never rewritten:
a source edited since the merge is named and left out of the numbers and reports, not the data.

Exit status: 0 ok, 2 a threshold missed, 4 unreadable data, 5 no data, 3 a configuration error.

Options:
${optionHelp(OPTIONS)}`,
  options: pickOptions(OPTIONS),
  async execute({ options, positionals }, context) {
    if (positionals.length > 0) {
      context.stderr.write(`monocov report: takes no file arguments (got ${positionals.join(' ')}); use \`monocov merge <files...>\` to combine data\n`);
      return EXIT.usage;
    }
    const resolved = resolveReportOptions(options, context);
    const result = reportWorkspace({
      workspaceRoot: resolved.workspaceRoot,
      config: resolved.config,
      outputDir: resolved.outputDir,
      ignoreErrors: resolved.ignoreErrors,
      perFile: resolved.perFile,
      diff: resolved.diff,
      baseline: resolved.baseline,
    });
    return printOutcome('report', result, context, resolved);
  },
};
