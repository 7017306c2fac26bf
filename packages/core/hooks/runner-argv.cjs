'use strict';
// monocov's runner hook, preloaded (NODE_OPTIONS=--require) into every Node process a covered
// test command starts. In the process whose main script is the Jest or Vitest CLI it merges the
// coverage flags monocov chose into the command line before the CLI parses it (runner-args.cjs),
// with an output folder of its own (a command may run the runner twice). A command it cannot
// measure (watch mode) stops here, its reason left in the output folder for monocov to report.
// Every other process (npm, workers, the code under test) is left alone. Plain CommonJS without
// dependencies: Node loads it as is.
const { mkdirSync, mkdtempSync, realpathSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { isMainThread } = require('node:worker_threads');
const { mergeRunnerArgs } = require('./runner-args.cjs');

const setup = readSetup();
const main = setup && isMainThread && process.argv[1] ? realPosixPath(process.argv[1]) : undefined;
const target = main && setup.runners.find((runner) => runner.entries.some((entry) => main.endsWith(`/${entry}`)));
if (target) {
  mkdirSync(setup.outputDir, { recursive: true });
  // Named in start order (monocov keeps the first run's provider when runs disagree).
  const outputDir = mkdtempSync(join(setup.outputDir, `${target.runner}-${String(Date.now()).padStart(15, '0')}-`));
  const flags = { ...target.flags };
  // Jest's reporter reads its folder from this process's environment (src/runners/flags.ts says why).
  if (target.output.flag) flags[target.output.flag] = outputDir;
  else process.env[target.output.variable] = outputDir;
  const merged = mergeRunnerArgs(target.runner, process.argv.slice(2), flags);
  if (merged.watchMode !== undefined) {
    // monocov reports it once the command has ended.
    writeFileSync(join(outputDir, 'refused.json'), JSON.stringify({ runner: target.runner, watchMode: merged.watchMode }));
    process.exit(2);
  }
  process.argv.splice(2, Infinity, ...merged.args);
}

function readSetup() {
  try {
    return JSON.parse(process.env.MONOCOV_RUNNER_HOOK || 'null');
  } catch {
    return null; // not set by monocov: nothing to do
  }
}

function realPosixPath(path) {
  try {
    return realpathSync(path).split('\\').join('/');
  } catch {
    return undefined; // `node -e`, a REPL: no script file
  }
}
