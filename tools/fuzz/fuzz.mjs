#!/usr/bin/env node
// Hostile-input fuzzing (issue 17, docs/security.md "Fuzzing"): random mutations of valid data
// files (coverage-final.json), meta.json, raw V8 files and .coveragerc.json, each fed to what
// reads it — run's conversion (V8Conversion, as `monocov run` uses it), `monocov merge` and
// `monocov report` (the CLI's main(), in process, its exit status and output captured). A case
// fails when it prints a stack trace (exit 70), hangs (no progress for --hang-seconds), runs out
// of memory (the worker dies), or writes outside the output folder (the workspace's files other
// than coverage/ are compared before and after, and a sentinel folder beside the workspace).
//
// Cases run in a worker process, which reports each one as a JSON line; the parent restarts the
// worker after a crash or hang, recording the case, and goes on with the next. Same seed, same
// cases. Build first (npm run build): the worker uses packages/core/dist.
//
// Usage: node tools/fuzz/fuzz.mjs [--cases 10000] [--seed 1] [--jobs 1] [--hang-seconds 60] [--heap-mb 1024] [--out results.json]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    'hang-seconds': { type: 'string', default: '60' },
    'heap-mb': { type: 'string', default: '1024' },
    jobs: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});
const total = Number(values.cases);
const seed = Number(values.seed);
const hangMs = Number(values['hang-seconds']) * 1000;
const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url));

const outcomes = {}; // kind → outcome → count
const failures = [];
let slowest = { ms: -1 };
let done = 0;

function record(result) {
  outcomes[result.kind] ??= {};
  outcomes[result.kind][result.outcome] = (outcomes[result.kind][result.outcome] ?? 0) + 1;
  if (result.failure) failures.push(result);
  if (result.ms > slowest.ms) slowest = result;
  done++;
  if (done % 500 === 0) {
    process.stderr.write(`fuzz: ${done}/${total} cases, ${failures.length} failure(s)\n`);
    if (values.out) writeFileSync(values.out, `${JSON.stringify(summarize(), null, 2)}\n`);
  }
}

/** Runs cases from `first` to `end` until the worker ends; resolves with the next case to run. */
function runWorker(first, end) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${values['heap-mb']}`, WORKER, String(seed), String(first), String(end)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let next = first;
    let current;
    let stderr = '';
    let timer;
    let hung = false;
    const arm = (ms = hangMs) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        hung = current !== undefined;
        child.kill('SIGKILL');
      }, ms);
    };
    arm(10 * hangMs); // its set-up runs monocov run twice
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line);
      if (message.start !== undefined) {
        current = message;
        arm();
        return;
      }
      record(message);
      next = message.index + 1;
      current = undefined;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const exit = `worker exit ${code ?? signal}: ${stderr.slice(-1000)}`;
      if (current) {
        const outcome = hung ? 'hang' : /heap out of memory|Allocation failed/.test(stderr) ? 'out-of-memory' : 'worker-crash';
        record({ index: current.start, kind: current.kind, outcome, failure: true, ms: hangMs, detail: exit });
        next = current.start + 1;
      } else if (code !== 0 && next < end) {
        // Before its first case (setting up its workspace): not a case; the worker is started again.
        process.stderr.write(`fuzz: ${exit}\n`);
        setupFailures++;
        if (setupFailures > 5) throw new Error(`fuzz: the worker cannot set up: ${exit}`);
      }
      resolve(next);
    });
  });
}

/** The figures so far (written every 500 cases with --out, so a long run can be read while it goes). */
function summarize() {
  return {
    cases: done,
    seed,
    seconds: Math.round((Date.now() - started) / 1000),
    outcomes,
    failures: failures.length,
    slowest: { index: slowest.index, kind: slowest.kind, mutation: slowest.mutation, ms: slowest.ms, outcome: slowest.outcome },
    failureCases: failures.slice(0, 50),
  };
}

let setupFailures = 0;
const started = Date.now();
// --jobs workers at once, each over its own share of the cases (the same cases whatever the count).
const jobs = Number(values.jobs);
const share = Math.ceil(total / jobs);
await Promise.all(
  Array.from({ length: jobs }, async (_, job) => {
    const end = Math.min(total, (job + 1) * share);
    for (let next = job * share; next < end;) next = await runWorker(next, end);
  }),
);
const summary = summarize();
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
if (values.out) writeFileSync(values.out, `${JSON.stringify(summary, null, 2)}\n`);
process.exitCode = failures.length > 0 ? 1 : 0;
