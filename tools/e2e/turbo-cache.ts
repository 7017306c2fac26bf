/** Turbo's cache as the Turborepo scenarios (turbo.e2e.ts, turbo-init.e2e.ts, turbo-runners.e2e.ts) check it. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { runOk, snapshotFiles, type Shell } from './lib';

/** Turbo's run summary, `Cached: 3 cached, 3 total`: how many of the run's tasks came from its cache. */
export function turboCached(output: string): { cached: number; total: number } {
  const summary = /Cached:\s+(\d+) cached, (\d+) total/.exec(output);
  assert.ok(summary, `turbo's summary in:\n${output}`);
  return { cached: Number(summary[1]), total: Number(summary[2]) };
}

/**
 * The coverage script again with the data folder gone: every turbo task is a cache hit that
 * restores its package's data, and the merge after them writes the bytes of `expected` again.
 */
export function rerunFromTurboCache(shell: Shell, root: string, script: [command: string, ...args: string[]], expected: Record<string, string>): void {
  rmSync(join(root, 'coverage'), { recursive: true });
  const [command, ...args] = script;
  const { cached, total } = turboCached(runOk(shell, root, command, args));
  assert.ok(total > 0 && cached === total, `${cached} of ${total} tasks from turbo's cache`);
  assert.equal(snapshotFiles(join(root, 'coverage')), expected);
}
