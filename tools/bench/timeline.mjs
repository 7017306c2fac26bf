#!/usr/bin/env node
// Where the wall time of one `monocov run` goes, beside the same test command under
// NODE_V8_COVERAGE alone: runs the two alternately and prints medians of each phase.
//
//   node tools/bench/timeline.mjs [--runs 21] [--cwd DIR] -- <test command…>
//
// The phases come from a preload in the monocov process (timeline-hook.cjs): Node's start (from
// spawning the process to its first line of JavaScript), monocov's work before it starts the
// test command, the test command, monocov's work after it, and the exit. The map cache is warm:
// one unmeasured run comes first. Medians, so a few noisy runs on a shared machine move little.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from './measure.mjs';
import { BIN, cleanEnv } from './suites.mjs';

const { values: flags, positionals: command } = parseArgs({
  options: { runs: { type: 'string', default: '21' }, cwd: { type: 'string', default: '.' } },
  allowPositionals: true,
});
if (command.length === 0) {
  process.stderr.write('usage: node tools/bench/timeline.mjs [--runs N] [--cwd DIR] -- <test command…>\n');
  process.exit(2);
}
const cwd = resolve(flags.cwd);
const scratch = mkdtempSync(join(tmpdir(), 'monocov-timeline-'));
const marksFile = join(scratch, 'marks.json');
const hook = join(import.meta.dirname, 'timeline-hook.cjs');
const now = () => performance.timeOrigin + performance.now();

/** Runs a command to its end, its output kept only to say why it failed; resolves with its start and close times. */
function run(file, args, env) {
  return new Promise((done, fail) => {
    const started = now();
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`${file} ${args.join(' ')} exited with ${code}:\n${output}`));
      else done({ started, closed: now() });
    });
  });
}

const [testFile, ...testArgs] = command;
const runV8Only = () => run(testFile, testArgs, cleanEnv({ NODE_V8_COVERAGE: join(scratch, 'raw') }));
async function runMonocov() {
  const { started, closed } = await run(process.execPath, ['-r', hook, BIN.monocov, 'run', '--', ...command], cleanEnv({ MONOCOV_TIMELINE_OUT: marksFile }));
  const marks = JSON.parse(readFileSync(marksFile, 'utf8'));
  return {
    "Node's start (to the first line of JavaScript)": marks.hookLoaded - started,
    'monocov before the test command': marks.testStart - marks.hookLoaded,
    'the test command': marks.testExit - marks.testStart,
    'monocov after the test command': marks.processExit - marks.testExit,
    "the process's exit": closed - marks.processExit,
    'whole run': closed - started,
  };
}

await runMonocov();
const phases = new Map();
const v8Only = [];
for (let index = 0; index < Number(flags.runs); index++) {
  // Alternating which goes first keeps a drift in the machine's load off one of them.
  const order = index % 2 === 0 ? ['v8', 'monocov'] : ['monocov', 'v8'];
  for (const variant of order) {
    if (variant === 'v8') {
      const { started, closed } = await runV8Only();
      v8Only.push(closed - started);
      continue;
    }
    for (const [phase, ms] of Object.entries(await runMonocov())) phases.set(phase, [...(phases.get(phase) ?? []), ms]);
  }
}
rmSync(scratch, { recursive: true, force: true });

const v8Median = median(v8Only);
const rows = [['the test command under NODE_V8_COVERAGE alone, whole run', v8Median]];
for (const [phase, values] of phases) rows.push([`monocov run: ${phase}`, median(values)]);
const whole = median(phases.get('whole run'));
process.stdout.write(`${command.join(' ')} in ${cwd}, ${flags.runs} runs of each, alternating; medians (ms):\n\n`);
process.stdout.write('| | ms |\n|---|---:|\n');
for (const [label, ms] of rows) process.stdout.write(`| ${label} | ${ms.toFixed(1)} |\n`);
process.stdout.write(`\nmonocov run / NODE_V8_COVERAGE alone: ${(whole / v8Median).toFixed(3)} (medians of each)\n`);
