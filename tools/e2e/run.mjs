#!/usr/bin/env node
// `npm run e2e`: packs both packages once, publishes them to a local registry (Verdaccio on
// 127.0.0.1, tools/e2e/registry.mjs) that proxies every other package to the npm registry, then
// runs every tools/e2e/*.e2e.ts scenario (an uvu file run through tsx), two at a time
// (MONOCOV_E2E_JOBS) — each installs from that registry into its own temp folder, so they share
// nothing but it and npm's cache — stops the registry and ends with the plain summary line CI
// reads: "N passed, N failed".
// Usage: node tools/e2e/run.mjs [name-substring ...]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { packAll, REPO_ROOT } from '../pack.mjs';
import { startRegistry } from './registry.mjs';

const filters = process.argv.slice(2);
const scenarios = readdirSync(import.meta.dirname)
  .filter((file) => file.endsWith('.e2e.ts'))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort()
  .map((file) => join(import.meta.dirname, file));

function runScenario(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const name = relative(REPO_ROOT, file);
    console.log(`...  ${name}`);
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => {
      const total = Number(/Total:\s+(\d+)/.exec(output)?.[1] ?? NaN);
      const passed = Number(/Passed:\s+(\d+)/.exec(output)?.[1] ?? NaN);
      // A scenario that crashed before uvu's summary counts as one failure.
      const result = Number.isNaN(total) || Number.isNaN(passed) ? { passed: 0, failed: 1 } : { passed, failed: total - passed + (code !== 0 && total === passed ? 1 : 0) };
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(`${result.failed > 0 ? 'FAIL' : 'ok  '} ${name} (${result.passed} passed, ${result.failed} failed, ${seconds}s)`);
      if (result.failed > 0 || process.env.MONOCOV_E2E_VERBOSE) console.log(output.replace(/^/gm, '     | '));
      resolve(result);
    });
  });
}

const totals = { passed: 0, failed: 0 };
const registryDir = mkdtempSync(join(tmpdir(), 'monocov-e2e-registry-'));
let registry;
try {
  const started = Date.now();
  const tarballs = packAll();
  console.log(`packed ${tarballs.map((tarball) => relative(REPO_ROOT, tarball)).join(', ')}`);
  registry = await startRegistry(registryDir, tarballs);
  process.env.MONOCOV_E2E_REGISTRY = registry.url;
  console.log(`published to ${registry.url} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  if (scenarios.length === 0) {
    console.log('no e2e scenario matched');
    totals.failed += 1;
  }
  // Scenarios wait mostly on npm and on nx starting up, so two at a time fit two cores.
  const queue = [...scenarios];
  const jobs = Math.max(1, Number(process.env.MONOCOV_E2E_JOBS ?? 2));
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (queue.length > 0) {
        const result = await runScenario(queue.shift());
        totals.passed += result.passed;
        totals.failed += result.failed;
      }
    }),
  );
} catch (error) {
  console.log(`FAIL packing the tarballs or starting the registry: ${error.message}`);
  totals.failed += 1;
} finally {
  registry?.stop();
  if (process.env.MONOCOV_E2E_KEEP) console.log(`kept ${registryDir} (the registry's storage and log)`);
  else rmSync(registryDir, { recursive: true, force: true });
}
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exitCode = totals.failed > 0 ? 1 : 0;
