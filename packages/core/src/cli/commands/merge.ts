import { resolve } from 'node:path';
import { mergeWorkspace } from '../../workspace-report';
import type { Command } from '../command';
import { REPORT_WRITING_OPTIONS, optionHelp, pickOptions, printOutcome, resolveReportOptions, type ReportOptionName } from '../report-options';

const OPTIONS = [...REPORT_WRITING_OPTIONS, 'expect', 'require-complete', 'carry-forward', 'verbose'] as const satisfies readonly ReportOptionName[];

export const mergeCommand: Command = {
  summary: 'combine data files and folders into the workspace reports, then check thresholds',
  usage: `Usage: monocov merge [options] [data files or folders...]

Like \`coverage combine\` + \`coverage report\`: merges every coverage-final.json found in the
given files and folders (default <dataDir>/projects), mapping paths from other machines or
clones with \`paths\`, writes the configured reports into <dataDir>/workspace, prints the
table and checks the thresholds. Inputs are never modified or deleted (coverage.py's
combine deletes them unless --keep; here they are always kept), and a data file with the
same bytes as one already merged is counted once. Every expected project without data, or
with data made for other sources or options, is named: those of --expect, else the
workspace's packages (package.json \`workspaces\` of npm, yarn and bun, pnpm-workspace.yaml).

Exit status: 0 ok, 2 a threshold missed, 4 a data file could not be read (unless
--ignore-errors) or, with --require-complete, a project's data is missing or stale,
5 no data found, 3 a configuration error.

Options:
${optionHelp(OPTIONS)}`,
  options: pickOptions(OPTIONS),
  async execute({ options, positionals }, context) {
    const resolved = resolveReportOptions(options, context);
    const result = mergeWorkspace({
      workspaceRoot: resolved.workspaceRoot,
      config: resolved.config,
      inputs: positionals.length > 0 ? positionals.map((input) => resolve(context.cwd, input)) : undefined,
      outputDir: resolved.outputDir,
      ignoreErrors: resolved.ignoreErrors,
      perFile: resolved.perFile,
      diff: resolved.diff,
      baseline: resolved.baseline,
      expected: resolved.expected,
      requireComplete: resolved.requireComplete,
      carryForward: resolved.carryForward,
    });
    return printOutcome('merge', result, context, resolved);
  },
};
