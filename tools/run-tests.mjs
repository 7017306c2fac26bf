#!/usr/bin/env node
// Runs every uvu test file (packages/*/test/**/*.test.ts, tools/test/*.test.ts) through tsx, each in its own process,
// two at a time, and ends with the plain summary line CI reads: "N passed, N failed".
// Usage: node tools/run-tests.mjs [path-substring ...]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { availableParallelism } from 'node:os';

const root = join(import.meta.dirname, '..');
const filters = process.argv.slice(2);

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

const testDirs = [...readdirSync(join(root, 'packages')).map((pkg) => join(root, 'packages', pkg, 'test')), join(root, 'tools', 'test')];
const files = testDirs
  .flatMap((testDir) => {
    try {
      return findTests(testDir);
    } catch {
      return [];
    }
  })
  .map((file) => relative(root, file))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();

function lastMatch(text, pattern) {
  return [...text.matchAll(pattern)].at(-1)?.[1];
}

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code, signal) => {
      // The file's own summary is the last one: fixture runs may print uvu summaries of their own.
      const total = Number(lastMatch(output, /Total:\s+(\d+)/g) ?? NaN);
      const passed = Number(lastMatch(output, /Passed:\s+(\d+)/g) ?? NaN);
      const skipped = Number(lastMatch(output, /Skipped:\s+(\d+)/g) ?? 0);
      let result;
      if (Number.isNaN(total) || Number.isNaN(passed)) {
        // The file crashed before uvu could print its summary: count it as one failure.
        result = { passed: 0, failed: 1 };
      } else {
        result = { passed, failed: total - passed - skipped + (code === 0 ? 0 : total === passed ? 1 : 0) };
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const status = result.failed > 0 ? 'FAIL' : 'ok  ';
      console.log(`${status} ${file} (${result.passed} passed, ${result.failed} failed, ${seconds}s)`);
      if (result.failed > 0) console.log(output.replace(/^/gm, '     | '));
      resolve(result);
    });
  });
}

const queue = [...files];
const totals = { passed: 0, failed: 0 };
const workers = Array.from({ length: Math.min(2, availableParallelism()) }, async () => {
  while (queue.length > 0) {
    const result = await runFile(queue.shift());
    totals.passed += result.passed;
    totals.failed += result.failed;
  }
});
await Promise.all(workers);
if (files.length === 0) {
  console.log('no test files found');
  totals.failed += 1;
}
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exitCode = totals.failed > 0 ? 1 : 0;
