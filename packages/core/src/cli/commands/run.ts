import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { runCommand as runTestCommand, testsPassed } from '../../test-command';
import { findWorkspaceRoot, loadConfig, type Collector, type PartialCoverageConfig } from '../../config';
import { normalizeProjectRoot } from '../../layout';
import { resolveCollection } from '../../collection/choose-route';
import { collectProjectCoverage, outcomeLine, unmatchedIncludeWarning } from '../../collection/project-coverage';
import { detectCommandRunner } from '../../runners/detect';
import { toPosix } from '../../workspace-path';
import type { Command } from '../command';
import { EXIT } from '../exit-codes';
import { signalExitCode } from '../signals';

export const runCommand: Command = {
  summary: 'run a test command under coverage and write the project data',
  usage: `Usage: monocov run [--project <name>] [--collector <name>] -- <test command...>

Runs the command in the current folder (a workspace package) with coverage on: under
NODE_V8_COVERAGE, or through Jest's or Vitest's own coverage when the command runs them. Writes
<dataDir>/projects/<package folder>/coverage-final.json and meta.json. Exits with the test
command's status.

Options:
  --project <name>              project name recorded in meta.json (default: package.json "name")
  --collector <name>            auto, v8, jest, vitest or istanbul-json; replaces \`run.collector\`
  --istanbul-json-path <path>   with istanbul-json: the JSON file or folder the command writes
  --verbose                     print the project's per-file table, not only its summary line

Thresholds are checked by \`monocov merge\` (or \`check\`), on the whole workspace's data.`,
  options: {
    project: { type: 'string' },
    collector: { type: 'string' },
    'istanbul-json-path': { type: 'string' },
    verbose: { type: 'boolean' },
  },
  async execute({ options, positionals }, context) {
    const [command, ...args] = positionals;
    if (command === undefined) {
      context.stderr.write(`monocov run: no test command given\n\n${runCommand.usage}\n`);
      return EXIT.usage;
    }
    if (command.trim() === '') {
      context.stderr.write(`monocov run: the test command is an empty string; write the command after \`--\`: monocov run -- npm test\n`);
      return EXIT.usage;
    }
    const workspaceRoot = findWorkspaceRoot(context.cwd);
    const projectRoot = normalizeProjectRoot(relative(workspaceRoot, context.cwd));
    const project = (options.project as string | undefined) ?? packageName(context.cwd) ?? basename(context.cwd);
    const loaded = loadConfig({ workspaceRoot, overrides: collectorOverrides(options), overridesSource: 'option' });
    const route = resolveCollection({
      run: loaded.config.run,
      detection: detectCommandRunner(positionals, context.cwd),
      subject: 'the test command',
      workspaceRoot,
      projectRoot,
    });
    const result = await collectProjectCoverage({
      workspaceRoot,
      projectRoot,
      project,
      target: 'run',
      loaded,
      route,
      env: context.env,
      runTests: ({ env }) =>
        runTestCommand({ command, args, cwd: context.cwd, env }).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
          context.stderr.write(`monocov run: command not found: ${command}\n`);
          return { exitCode: 127, signal: null };
        }),
    });
    if (options.verbose === true || loaded.config.report.projectTable) context.stdout.write(result.table);
    for (const glob of result.unmatchedIncludes) context.stderr.write(`monocov: ${unmatchedIncludeWarning(glob, projectRoot, loaded.config.run.source)}\n`);
    for (const warning of result.warnings) context.stderr.write(`monocov: ${warning}\n`);
    // The last line says how the tests ended and what became of the data; a passing run's is the result, on stdout.
    const last = `monocov: ${outcomeLine(result, 'the test command', project, (dir) => toPosix(relative(context.cwd, dir)) || '.')}\n`;
    if (testsPassed(result.outcome)) {
      context.stdout.write(last);
      return EXIT.ok;
    }
    context.stderr.write(last);
    if (result.outcome.signal !== null) return signalExitCode(result.outcome.signal);
    return result.outcome.exitCode ?? EXIT.testsFailed;
  },
};

function collectorOverrides(options: Record<string, unknown>): PartialCoverageConfig {
  const run: PartialCoverageConfig['run'] = {};
  if (options.collector !== undefined) run.collector = options.collector as Collector;
  if (options['istanbul-json-path'] !== undefined) run.istanbulJsonPath = options['istanbul-json-path'] as string;
  return { run };
}

function packageName(dir: string): string | undefined {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const name = JSON.parse(readFileSync(manifest, 'utf8')).name;
  return typeof name === 'string' ? name : undefined;
}
