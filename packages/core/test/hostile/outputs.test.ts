import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coverageOf, makeWorkspace, source, writeFiles, writeProject } from '../fixtures/merge/helpers';
import { assertOutcome, cleanLater, cleanUp, monocov, tree } from './helpers';

// Issue 17, item 5: a project's data folder and the workspace folder are each replaced as one
// unit — a kill before any of the renames of `run` or `merge` leaves the old folder whole, the
// new one whole, or none (put back by the next run), never coverage-final.json of one run beside
// meta.json of another; --output-dir refuses the workspace root and folders monocov did not
// create, and never deletes what it did not write; leftover staging and raw folders are cleaned.

test.after(cleanUp);

const KILLER = join(__dirname, 'kill-at-rename.cjs');
const BIN = join(__dirname, '..', '..', 'bin', 'monocov.js');

/** A project whose test run is "A" (exit 0, one() called) or "B" (exit 1, one() and two() called). */
function projectWorkspace(): string {
  const root = makeWorkspace({
    '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] } }),
    'packages/p/package.json': JSON.stringify({ name: 'p' }),
    'packages/p/src/lib.js': 'exports.one = function one() {\n  return 1;\n};\nexports.two = function two() {\n  return 2;\n};\n',
    'packages/p/test.js': "const lib = require('./src/lib.js');\nlib.one();\nif (process.env.MODE === 'B') {\n  lib.two();\n  process.exitCode = 1;\n}\n",
  });
  cleanLater(root);
  return root;
}

const run = (root: string, mode: 'A' | 'B') =>
  monocov(join(root, 'packages/p'), ['run', '--', process.execPath, 'test.js'], {
    env: { MODE: mode },
  });

/** Which run a data folder holds, checking that its two files are of the same run. */
function dataOf(dir: string): 'A' | 'B' | 'none' {
  if (!existsSync(dir)) return 'none';
  const coverage = JSON.parse(readFileSync(join(dir, 'coverage-final.json'), 'utf8'));
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  const fromCoverage = coverage['packages/p/src/lib.js'].f['1'] === 1 ? 'B' : 'A';
  const fromMeta = meta.tests.exitCode === 1 ? 'B' : 'A';
  assert.is(fromCoverage, fromMeta, `coverage-final.json of run ${fromCoverage} beside meta.json of run ${fromMeta}`);
  return fromCoverage;
}

// Guards: fs-atomic.ts replaceFolder and recoverFolders, store.ts writeProjectData, collect.ts removeAbandonedRawDirs.
test('run killed before each of its renames: the data folder is A whole, B whole or put back; never a mixed pair', () => {
  const root = projectWorkspace();
  const dir = join(root, 'coverage/projects/packages/p');
  assert.is(run(root, 'A').status, 0);
  const good = tree(dir);
  const killed: number[] = [];
  let renames: number | undefined;
  for (let at = 1; ; at++) {
    rmSync(join(root, 'coverage'), { recursive: true, force: true });
    writeFiles(dir, good);
    const result = spawnRun(root, at);
    if (result.pid === undefined || result.signal !== 'SIGKILL') {
      assert.is(result.status, 1, 'B ran to its end: the tests failed, as B does');
      renames = at - 1;
      break;
    }
    killed.push(result.pid);
    const state = dataOf(dir);
    // A kill between "old aside" and "new in" leaves no folder; the next merge puts one back.
    const merge = monocov(root, ['merge']);
    assert.is(merge.status, 0, merge.stderr);
    const recovered = dataOf(dir);
    assert.ok(state === 'none' ? recovered !== 'none' : recovered === state, `killed before rename ${at}: ${state}, then ${recovered}`);
    const merged = JSON.parse(readFileSync(join(root, 'coverage/workspace/coverage-final.json'), 'utf8'));
    assert.is(merged['packages/p/src/lib.js'].f['1'], recovered === 'B' ? 1 : 0, 'the merge read the data folder whole');
    assert.not.ok(existsSync(join(root, 'coverage/.monocov-staging')), 'no staging left after the merge');
  }
  assert.is(renames, 3, 'new → full, old aside, new in');
  // The killed runs' raw folders are removed by the next run.
  assert.is(run(root, 'A').status, 0);
  const left = readdirSync(tmpdir()).filter((name) => killed.some((pid) => name.startsWith(`monocov-raw-${pid}-`)));
  assert.equal(left, []);
});

function spawnRun(root: string, at: number): { status: number | null; signal: NodeJS.Signals | null; pid?: number } {
  const result = spawnSync(process.execPath, ['--require', KILLER, BIN, 'run', '--', process.execPath, 'test.js'], {
    cwd: join(root, 'packages/p'),
    env: { ...process.env, MODE: 'B', KILL_AT_RENAME: String(at) },
    encoding: 'utf8',
  });
  return { status: result.status, signal: result.signal, pid: result.pid };
}

// Guards: writers.ts writeReports (replaceFolder), report/workspace.ts (recovery before reading).
test('merge killed before each of its renames: the workspace folder is old whole, new whole, or put back', () => {
  const root = projectWorkspace();
  assert.is(run(root, 'A').status, 0);
  assert.is(monocov(root, ['merge']).status, 0);
  const output = join(root, 'coverage/workspace');
  const before = tree(output);
  const saved = join(root, 'saved-workspace');
  cpSync(output, saved, { recursive: true });
  assert.is(run(root, 'B').status, 1);
  let after: Record<string, string> | undefined;
  for (let at = 1; at < 10; at++) {
    rmSync(output, { recursive: true, force: true });
    cpSync(saved, output, { recursive: true });
    const killedMerge = spawnSync(process.execPath, ['--require', KILLER, BIN, 'merge'], { cwd: root, env: { ...process.env, KILL_AT_RENAME: String(at) }, encoding: 'utf8' });
    if (killedMerge.signal !== 'SIGKILL') {
      assert.is(killedMerge.status, 0, killedMerge.stderr);
      after = tree(output);
      assert.is(at - 1, 3, 'new → full, old aside, new in');
      break;
    }
    const state = existsSync(output) ? tree(output) : undefined;
    assert.ok(
      state === undefined || JSON.stringify(state) === JSON.stringify(before) || state['coverage-final.json'] !== before['coverage-final.json'],
      `killed before rename ${at}: a whole folder or none`,
    );
    if (state) assert.ok(state['meta.json'] && state['lcov.info'] && state['html/index.html'], 'every report of the folder is there');
  }
  assert.ok(after, 'a merge ran to its end');
  assert.not.equal(after!['coverage-final.json'], before['coverage-final.json']);
  assert.not.ok(existsSync(join(root, 'coverage/.monocov-staging')));
});

// Guards: writers.ts checkOutputFolder, fs-atomic.ts carryOver.
test('--output-dir: the workspace root and a folder of other files are refused; a file of the user in a report folder is kept', () => {
  const root = makeWorkspace({ 'packages/a/src/a.ts': source(2), 'docs/README.md': 'mine' });
  cleanLater(root);
  writeProject(root, { projectRoot: 'packages/a', coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 0] } }) });
  const everything = tree(root);
  assertOutcome(monocov(root, ['merge', '--output-dir', '.']), 3, `output folder ${root} is the workspace root or holds it`);
  assertOutcome(monocov(join(root, 'packages/a'), ['merge', '--output-dir', '../..']), 3, 'is the workspace root or holds it');
  assertOutcome(
    monocov(root, ['merge', '--output-dir', 'docs']),
    3,
    `output folder ${join(root, 'docs')} holds files monocov did not write (it has no meta.json of a monocov merge); choose a new or empty folder`,
  );
  assert.equal(tree(root), everything, 'nothing written, nothing removed');

  assert.is(monocov(root, ['merge', '--output-dir', 'reports']).status, 0);
  writeFiles(root, { 'reports/NOTES.txt': 'keep me' });
  assert.is(monocov(root, ['merge', '--output-dir', 'reports']).status, 0);
  assert.is(readFileSync(join(root, 'reports/NOTES.txt'), 'utf8'), 'keep me');
  assert.ok(existsSync(join(root, 'reports/lcov.info')));
});

test.run();
