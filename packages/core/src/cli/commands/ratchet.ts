import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RC_FILE } from '../../config';
import { isIncomplete } from '../../completeness';
import { ConfigError } from '../../errors';
import { writeFileAtomic } from '../../fs-atomic';
import { ratchetThresholds } from '../../ratchet';
import { checkWorkspace } from '../../workspace-report';
import type { Command } from '../command';
import { EXIT } from '../exit-codes';
import { optionHelp, pickOptions, printOutcome, resolveReportOptions, type ReportOptionName } from '../report-options';

const OPTIONS = ['ignore-errors', 'output-dir'] as const satisfies readonly ReportOptionName[];

export const ratchetCommand: Command = {
  summary: 'raise the thresholds in .coveragerc.json to the coverage just measured',
  usage: `Usage: monocov ratchet [--projects] [--dry-run] [options]

Reads the merged data (as \`monocov check\` does) and raises every threshold in
.coveragerc.json that is below the measurement: report.failUnder and each report.perProject
entry, per metric, rounded down to report.precision places. Thresholds are never lowered, the
file's layout and key order are kept, and a second run changes nothing. Refuses data that is
unreadable, stale or, per the last merge, incomplete: its totals would not be the workspace's.

Exit status: 0 ok (raised or nothing to raise), 4 unusable data, 5 no data, 3 no rc file or a
configuration error.

Options:
  --projects             also add a report.perProject entry for every project without one
  --dry-run              print what would change, leave the file alone
${optionHelp(OPTIONS)}`,
  options: { ...pickOptions(OPTIONS), projects: { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
  async execute({ options, positionals }, context) {
    if (positionals.length > 0) {
      context.stderr.write(`monocov ratchet: takes no file arguments (got ${positionals.join(' ')})\n`);
      return EXIT.usage;
    }
    const resolved = resolveReportOptions(options, context);
    const rcFile = join(resolved.workspaceRoot, RC_FILE);
    if (!existsSync(rcFile)) throw new ConfigError(`ratchet edits ${RC_FILE}, and there is none at ${resolved.workspaceRoot}; create one with the thresholds to keep raising`);
    const result = checkWorkspace({ workspaceRoot: resolved.workspaceRoot, config: resolved.config, outputDir: resolved.outputDir, ignoreErrors: resolved.ignoreErrors });
    const incomplete = result.completeness?.projects.some(isIncomplete) ?? false;
    if ((result.problems.length > 0 || incomplete) && !resolved.ignoreErrors) {
      printOutcome('ratchet', { ...result, summaryText: '', misses: [], outcome: 'data-error' }, context, { ignoreErrors: false });
      context.stderr.write('monocov ratchet: nothing raised: the measurement is not the whole workspace as it is now (--ignore-errors to raise anyway)\n');
      return EXIT.dataError;
    }

    const text = readFileSync(rcFile, 'utf8');
    const { text: raised, changes } = ratchetThresholds({
      text,
      coverage: result.coverage,
      projects: result.projects,
      precision: resolved.config.report.precision,
      addProjects: Boolean(options.projects),
    });
    for (const change of changes) {
      const to = typeof change.to === 'number' ? String(change.to) : JSON.stringify(change.to);
      context.stdout.write(change.from === undefined ? `${change.key}: added ${to}\n` : `${change.key}: ${change.from} → ${to}\n`);
    }
    if (changes.length === 0) context.stdout.write('nothing to raise: every threshold is at or above the measurement\n');
    else if (options['dry-run']) context.stdout.write(`(dry run: ${RC_FILE} left unchanged)\n`);
    else writeFileAtomic(rcFile, raised);
    return EXIT.ok;
  },
};
