import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SMALL_HEAP, spillWorkspace } from './spill-workspace';

// A long-lived process that calls the merge API (mergeWorkspace) again and again must not keep
// one descriptor, and the removed spill file's disk space, per merge that spilled (src/spill.ts):
// a real process, two spilling merges, its descriptors counted in /proc/self/fd.

const SCRIPT = join(__dirname, 'fixtures', 'spill', 'two-merges.cjs');
const CORE = join(__dirname, '..', 'dist', 'index.js');
const temps: string[] = [];
test.after(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

test('two spilling merges in one process: each spill file is open while its result is held, and released once it is let go', () => {
  const root = spillWorkspace({ projects: 30, config: { run: { include: ['src/**'] }, reporters: ['json'] } });
  temps.push(root);
  const run = spawnSync(process.execPath, [...SMALL_HEAP, '--expose-gc', SCRIPT], { cwd: root, encoding: 'utf8', env: { ...process.env, MONOCOV_CORE: CORE } });
  assert.is(run.status, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout), [
    { held: 1, released: 0 },
    { held: 1, released: 0 },
  ]);
});

test.run();
