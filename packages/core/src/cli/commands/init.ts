import { findWorkspaceRoot } from '../../config';
import { initWorkspace, type InitResult } from '../../init';
import type { Command } from '../command';
import { EXIT } from '../exit-codes';

export const initCommand: Command = {
  summary: 'set up an npm, pnpm, yarn or bun workspace (and Turborepo) for coverage',
  usage: `Usage: monocov init

Outside Nx (in Nx, run \`nx add @monocov/nx\`). Sets up the workspace around the current folder:
.coveragerc.json when there is none; a \`coverage\` script (\`monocov run -- <pm> run test\`) in each
workspace package with tests; with a turbo.json, the \`coverage\` task (the test task's
dependsOn and inputs, plus the rc file) and each package's data folder as its outputs in the
package's own turbo.json; a root \`coverage\` script that measures every package and merges (only
the packages whose \`coverage\` script runs monocov, by name, when another keeps its own; first
\`monocov run -- <pm> run test\` at the root when the root's \`test\` script runs the tests itself, as
a root Jest config with \`projects\` does, and no package has a test script); the
data folder in .gitignore (and .prettierignore, .eslintignore when present). Changes nothing that
is already set up: a second run writes nothing. Prints which packages are measured, and why the
others are not.`,
  options: {},
  async execute({ positionals }, context) {
    if (positionals.length > 0) {
      context.stderr.write(`monocov init: takes no arguments (got ${positionals.join(' ')})\n`);
      return EXIT.usage;
    }
    const result = initWorkspace(findWorkspaceRoot(context.cwd));
    context.stdout.write(describe(result));
    return EXIT.ok;
  },
};

function describe(result: InitResult): string {
  const manager = result.packageManager === 'yarn-classic' ? 'yarn 1' : result.packageManager;
  const lines = [`monocov init: ${manager} workspace${result.turbo ? ' with Turborepo' : ''}, ${result.measured.length + result.skipped.length} package(s)`];
  for (const entry of result.measured) {
    lines.push(`  measured      ${entry.projectRoot}${entry.testScript === undefined ? ' (its `coverage` script runs monocov)' : ` (script "${entry.testScript}")`}`);
  }
  for (const entry of result.skipped) lines.push(`  not measured  ${entry.projectRoot}: ${entry.reason}`);
  lines.push(result.written.length > 0 ? `wrote ${result.written.join(', ')}` : 'already set up: nothing to change');
  for (const note of result.notes) lines.push(`note: ${note}`);
  lines.push(`measure every package and merge: ${result.command}`);
  return `${lines.join('\n')}\n`;
}
