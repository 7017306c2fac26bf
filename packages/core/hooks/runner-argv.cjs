'use strict';
// monocov's runner hook, preloaded (NODE_OPTIONS=--require) into every Node process a covered
// test command starts. In the process whose main script is the Jest or Vitest CLI it appends the
// coverage flags monocov chose to the command line before the CLI parses it, with an output
// folder of its own (a command may run the runner twice). Every other process (npm, workers,
// the code under test) is left alone. Plain CommonJS without dependencies: Node loads it as is.
const { mkdirSync, mkdtempSync, realpathSync } = require('node:fs');
const { join } = require('node:path');
const { isMainThread } = require('node:worker_threads');

const setup = readSetup();
const main = setup && isMainThread && process.argv[1] ? realPosixPath(process.argv[1]) : undefined;
const target = main && setup.runners.find((runner) => runner.entries.some((entry) => main.endsWith(`/${entry}`)));
if (target) {
  mkdirSync(setup.outputDir, { recursive: true });
  const outputDir = mkdtempSync(join(setup.outputDir, `${target.runner}-`));
  process.argv.push(...target.args, `--${target.outputFlag}=${outputDir}`);
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
