#!/usr/bin/env node
// Runs the uvu test files (packages/*/test/**/*.test.ts, tools/test/*.test.ts) through tsx, each in its own process,
// two at a time, and ends with the plain summary line CI reads: "N passed, N failed".
//
//   node tools/run-tests.mjs                   the regular suite (`npm test`): every file except the heavy ones
//   node tools/run-tests.mjs --heavy           the heavy suite (`npm run test:heavy`; .ci/run runs both)
//   node tools/run-tests.mjs <path part> ...   the files of either suite whose path contains a part
//   --timeout <seconds>                        a file still running after this is killed and counts as failed
//                                              (default: 300 s, 900 s for heavy files)
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Files that take over 20 s on a 2-core machine: kept out of `npm test` so it stays short; `.ci/run` runs them. */
export const HEAVY_FILES = [
  'packages/core/test/fault-scale.test.ts',
  'packages/core/test/playwright.test.ts',
  'packages/core/test/playwright-server.test.ts',
  'packages/core/test/runners-collect.test.ts',
  'packages/nx/test/fault-concurrency.test.ts',
  'packages/nx/test/inference-cache.test.ts',
  'packages/nx/test/runners.test.ts',
];
const TIMEOUT_SECONDS = { regular: 300, heavy: 900 };
/** After a kill, how long the file's output pipes may stay open (held by a process that left its group). */
const PIPE_GRACE_MS = 5_000;

const root = join(import.meta.dirname, '..');

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'fixtures') continue;
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (entry.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

function allTestFiles() {
  const testDirs = [...readdirSync(join(root, 'packages')).map((pkg) => join(root, 'packages', pkg, 'test')), join(root, 'tools', 'test')];
  return testDirs
    .filter((testDir) => existsSync(testDir))
    .flatMap(findTests)
    .map((file) => relative(root, file).split('\\').join('/'))
    .sort();
}

function lastMatch(text, pattern) {
  return [...text.matchAll(pattern)].at(-1)?.[1];
}

/** Kills the file's process and everything it started (its own process group). */
function killTree(child) {
  try {
    if (process.platform === 'win32') child.kill('SIGKILL');
    else process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

const running = new Set();

// Nx gives its tasks FORCE_COLOR; beside NO_COLOR, Node then warns on stderr of every process, and the
// tests that read a command's output (nx show project --json) would read the warning too.
const { FORCE_COLOR: _forceColor, ...inheritedEnv } = process.env;

function runFile(file, timeoutSeconds) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      env: { ...inheritedEnv, NO_COLOR: '1', NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A process group of its own, so that a timeout kills the nx runs and children it started too.
      detached: process.platform !== 'win32',
    });
    running.add(child);
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    let timedOut = false;
    let exit = { code: null, signal: null };
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child);
      // 'close' waits for the output pipes; a process that escaped the group may hold them open.
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish();
      }, PIPE_GRACE_MS).unref();
    }, timeoutSeconds * 1000);
    child.on('exit', (code, signal) => (exit = { code, signal }));
    child.on('close', () => finish());
    let finished = false;
    function finish() {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      running.delete(child);
      const { code } = exit;
      // The file's own summary is the last one: fixture runs may print uvu summaries of their own.
      const total = Number(lastMatch(output, /Total:\s+(\d+)/g) ?? NaN);
      const passed = Number(lastMatch(output, /Passed:\s+(\d+)/g) ?? NaN);
      const skipped = Number(lastMatch(output, /Skipped:\s+(\d+)/g) ?? 0);
      let result;
      if (timedOut) {
        result = { passed: 0, failed: 1 };
      } else if (Number.isNaN(total) || Number.isNaN(passed)) {
        // The file crashed before uvu could print its summary: count it as one failure.
        result = { passed: 0, failed: 1 };
      } else {
        result = { passed, failed: total - passed - skipped + (code === 0 ? 0 : total === passed ? 1 : 0) };
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const status = result.failed > 0 ? 'FAIL' : 'ok  ';
      const note = timedOut ? `timed out after ${timeoutSeconds}s, killed` : `${result.passed} passed, ${result.failed} failed, ${seconds}s`;
      console.log(`${status} ${file} (${note})`);
      if (result.failed > 0) console.log(output.replace(/^/gm, '     | '));
      resolve(result);
    }
  });
}

async function main() {
  const { values, positionals: filters } = parseArgs({
    options: { heavy: { type: 'boolean' }, timeout: { type: 'string' } },
    allowPositionals: true,
  });
  const timeoutOverride = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutOverride !== undefined && !(timeoutOverride > 0)) throw new Error(`--timeout must be a number of seconds, got ${values.timeout}`);

  // Interrupted: the files' process groups would outlive the runner.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      for (const child of running) killTree(child);
      process.exit(130);
    });
  }

  const found = allTestFiles();
  const totals = { passed: 0, failed: 0 };
  /** Named again before the summary: a FAIL line is far up a long log, and a log's tail is what a job page shows. */
  const failedFiles = [];
  const missing = HEAVY_FILES.filter((file) => !found.includes(file));
  for (const file of missing) {
    console.log(`FAIL ${file} (listed in HEAVY_FILES of tools/run-tests.mjs but not found: update the list)`);
    totals.failed += 1;
    failedFiles.push(file);
  }
  const isHeavy = (file) => HEAVY_FILES.includes(file);
  const files = filters.length > 0 ? found.filter((file) => filters.some((f) => file.includes(f))) : found.filter((file) => isHeavy(file) === Boolean(values.heavy));

  const queue = [...files];
  const workers = Array.from({ length: Math.min(2, availableParallelism()) }, async () => {
    while (queue.length > 0) {
      const file = queue.shift();
      const result = await runFile(file, timeoutOverride ?? TIMEOUT_SECONDS[isHeavy(file) ? 'heavy' : 'regular']);
      totals.passed += result.passed;
      totals.failed += result.failed;
      if (result.failed > 0) failedFiles.push(file);
    }
  });
  await Promise.all(workers);
  if (files.length === 0) {
    console.log('no test files found');
    totals.failed += 1;
  }
  if (failedFiles.length > 0) console.log(`failed: ${failedFiles.join(', ')}`);
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  process.exitCode = totals.failed > 0 ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
