import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { runCommand as runTestCommand, testsPassed } from '../../collect';
import { findWorkspaceRoot, loadConfig } from '../../config';
import { collectProjectCoverage, unmatchedIncludeWarning } from '../../project-coverage';
import { toPosix } from '../../store';
import type { Command } from '../command';
import { EXIT } from '../exit-codes';
import { signalExitCode } from '../signals';

export const runCommand: Command = {
  summary: 'run a test command under V8 coverage and write the project data',
  usage: `Usage: monocov run [--project <name>] -- <test command...>

Runs the command in the current folder (a workspace package) with NODE_V8_COVERAGE set,
converts what it ran and writes <dataDir>/projects/<package folder>/coverage-final.json and
meta.json. Exits with the test command's status.

Options:
  --project <name>  project name recorded in meta.json (default: package.json "name")`,
  options: {
    project: { type: 'string' },
  },
  async execute({ options, positionals }, context) {
    const [command, ...args] = positionals;
    if (command === undefined) {
      context.stderr.write(`monocov run: no test command given\n\n${runCommand.usage}\n`);
      return EXIT.usage;
    }
    const workspaceRoot = findWorkspaceRoot(context.cwd);
    const projectRoot = toPosix(relative(workspaceRoot, context.cwd)) || '.';
    const project = (options.project as string | undefined) ?? packageName(context.cwd) ?? basename(context.cwd);
    const loaded = loadConfig({ workspaceRoot });
    const result = await collectProjectCoverage({
      workspaceRoot,
      projectRoot,
      project,
      target: 'run',
      loaded,
      env: context.env,
      runTests: (env) => runTestCommand({ command, args, cwd: context.cwd, env }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        context.stderr.write(`monocov run: command not found: ${command}\n`);
        return { exitCode: 127, signal: null };
      }),
    });
    context.stdout.write(result.table);
    for (const glob of result.unmatchedIncludes) context.stderr.write(`monocov: ${unmatchedIncludeWarning(glob, projectRoot)}\n`);
    context.stderr.write(`monocov: ${project} data written to ${toPosix(relative(context.cwd, result.dataDir)) || '.'}\n`);
    for (const miss of result.misses) context.stderr.write(`monocov: threshold missed: ${miss.message}\n`);
    if (testsPassed(result.outcome)) return result.misses.length > 0 ? EXIT.thresholdMissed : EXIT.ok;
    if (result.outcome.signal !== null) {
      context.stderr.write(`monocov: the test command was killed by ${result.outcome.signal}\n`);
      return signalExitCode(result.outcome.signal);
    }
    return result.outcome.exitCode ?? EXIT.testsFailed;
  },
};

function packageName(dir: string): string | undefined {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const name = JSON.parse(readFileSync(manifest, 'utf8')).name;
  return typeof name === 'string' ? name : undefined;
}
