import { resolve } from 'node:path';
import { testsForLine } from '../../contexts/data';
import { NoDataError } from '../../errors';
import { checkWorkspace } from '../../workspace-report';
import { workspaceRelative } from '../../workspace-path';
import type { Command } from '../command';
import { EXIT } from '../exit-codes';
import { optionHelp, pickOptions, resolveReportOptions, type ReportOptionName } from '../report-options';

const OPTIONS = ['output-dir'] as const satisfies readonly ReportOptionName[];

export const whoTestsCommand: Command = {
  summary: 'print the tests that ran a line (needs run.contexts: "test")',
  usage: `Usage: monocov who-tests <file>:<line> | <file>

Prints the tests that ran the line, one per line, as \`<test file> > <suite> > <test>\`; given a
file alone, every line of it some test ran, each followed by its tests. The file is relative to
the current folder. Reads the merged data (<dataDir>/workspace, else <dataDir>/projects), made
with \`run.contexts: "test"\` in .coveragerc.json (docs/contexts.md).

Exit status: 0 ok (also when no test ran the line), 5 no data or no test contexts in it,
4 unreadable data, 3 a configuration error.

Options:
${optionHelp(OPTIONS)}`,
  options: pickOptions(OPTIONS),
  async execute({ options, positionals }, context) {
    const [target, ...extra] = positionals;
    if (target === undefined || extra.length > 0) {
      context.stderr.write(`monocov who-tests: give one <file>:<line> or <file>\n\n${whoTestsCommand.usage}\n`);
      return EXIT.usage;
    }
    const match = /^(.*?):(\d+)$/.exec(target);
    const [file, line] = match ? [match[1]!, Number(match[2])] : [target, undefined];
    const resolved = resolveReportOptions(options, context);
    const path = workspaceRelative(resolved.workspaceRoot, resolve(context.cwd, file));
    if (path === undefined) {
      context.stderr.write(`monocov who-tests: ${file} is not inside the workspace (${resolved.workspaceRoot})\n`);
      return EXIT.usage;
    }
    const result = checkWorkspace({ workspaceRoot: resolved.workspaceRoot, config: resolved.config, outputDir: resolved.outputDir, ignoreErrors: true });
    const contexts = result.contexts;
    if (!contexts) {
      throw new NoDataError('the coverage data records no test contexts: set `run.contexts: "test"` in .coveragerc.json and run coverage again (docs/contexts.md)');
    }
    for (const problem of result.problems) context.stderr.write(`monocov who-tests: warning: ${problem.message}\n`);

    if (line !== undefined) {
      const tests = testsForLine(contexts, path, line);
      if (tests.length === 0) context.stderr.write(`monocov who-tests: no recorded test ran ${path}:${line}\n`);
      for (const test of tests) context.stdout.write(`${test}\n`);
      return EXIT.ok;
    }
    const lines = Object.keys(contexts.lines[path] ?? {}).map(Number);
    if (lines.length === 0) context.stderr.write(`monocov who-tests: no recorded test ran any line of ${path}\n`);
    for (const number of lines.sort((a, b) => a - b)) {
      context.stdout.write(
        `${path}:${number}\n${testsForLine(contexts, path, number)
          .map((test) => `  ${test}\n`)
          .join('')}`,
      );
    }
    return EXIT.ok;
  },
};
