import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

// `monocov run` is exercised through the real bin (built by `npm test`), as a user runs it.
const BIN = join(__dirname, '..', 'bin', 'monocov.js');

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'monocov-cli-'));
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), contents);
  }
  return root;
}

function monocov(cwd: string, args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
}

const root = workspace({
  'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }),
  '.coveragerc.json': JSON.stringify({ run: { include: ['lib/**'] } }),
  'packages/greeter/package.json': JSON.stringify({ name: '@ws/greeter' }),
  'packages/greeter/lib/greet.js': `exports.greet = (name) => (name ? 'hi ' + name : 'hi');\n`,
  'packages/greeter/lib/never.js': `exports.never = () => 1;\n`,
  'packages/greeter/greet.test.js': `const { test } = require('node:test');
const assert = require('node:assert');
const { greet } = require('./lib/greet');
test('greets', () => assert.equal(greet(process.env.WHO), process.env.WHO ? 'hi ' + process.env.WHO : 'hi'));
`,
});
const pkg = join(root, 'packages/greeter');
const dataFile = join(root, 'coverage/projects/packages/greeter/coverage-final.json');
test.after(() => rmSync(root, { recursive: true, force: true }));

test('writes the package data under the workspace data dir and passes the exit code through', () => {
  const result = monocov(pkg, ['run', '--', process.execPath, '--test', 'greet.test.js']);
  assert.is(result.status, 0, result.stderr);
  // One summary line, not the per-file table (that is --verbose's, or report.projectTable's).
  assert.ok(
    result.stdout.endsWith('\nmonocov: @ws/greeter: statements 50%, branches 50%, functions 50%, lines 50% in 2 files; data written to ../../coverage/projects/packages/greeter\n'),
    result.stdout,
  );
  assert.not.match(result.stdout, '% Stmts');
  const data = JSON.parse(readFileSync(dataFile, 'utf8'));
  assert.equal(Object.keys(data), ['packages/greeter/lib/greet.js', 'packages/greeter/lib/never.js']);
  assert.equal(Object.values(data['packages/greeter/lib/greet.js'].f), [1]);
  assert.equal(Object.values(data['packages/greeter/lib/never.js'].f), [0]);
  const meta = JSON.parse(readFileSync(join(dirname(dataFile), 'meta.json'), 'utf8'));
  assert.is(meta.project, '@ws/greeter');
  assert.is(meta.target, 'run');
});

test('a run that changes nothing writes nothing; a changed source or hit rewrites the data, its meta.json naming the content the maps were made from', () => {
  const run = () => monocov(pkg, ['run', '--', process.execPath, '--test', 'greet.test.js']);
  assert.is(run().status, 0);
  const dir = dirname(dataFile);
  const before = [dir, dataFile, join(dir, 'meta.json')].map((path) => statSync(path, { bigint: true }));
  const bytes = readFileSync(dataFile);
  const again = run();
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stdout, 'data written to ../../coverage/projects/packages/greeter');
  // The same folder and files, untouched: not replaced by equal copies.
  const after = [dir, dataFile, join(dir, 'meta.json')].map((path) => statSync(path, { bigint: true }));
  assert.equal(
    after.map((stat) => [stat.ino, stat.mtimeNs]),
    before.map((stat) => [stat.ino, stat.mtimeNs]),
  );
  assert.ok(readFileSync(dataFile).equals(bytes));

  // Another hit count: rewritten.
  const other = spawnSync(process.execPath, [BIN, 'run', '--', process.execPath, '--test', 'greet.test.js'], { cwd: pkg, encoding: 'utf8', env: { ...process.env, WHO: 'ann' } });
  assert.is(other.status, 0, other.stderr);
  assert.not.equal(statSync(dir, { bigint: true }).ino, before[0]!.ino);
  assert.equal(Object.values(JSON.parse(readFileSync(dataFile, 'utf8'))['packages/greeter/lib/greet.js'].b), [[1, 0]]);

  // A changed source: its new hash in meta.json, as the file's content reads now.
  const never = join(pkg, 'lib/never.js');
  const original = readFileSync(never, 'utf8');
  try {
    writeFileSync(never, `${original}// changed\n`);
    assert.is(run().status, 0);
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
    assert.is(meta.sources['packages/greeter/lib/never.js'], createHash('sha256').update(readFileSync(never)).digest('hex').slice(0, 16));
  } finally {
    writeFileSync(never, original);
  }
  assert.is(run().status, 0);
});

test("a process's raw file is converted while the tests still run", () => {
  // The child calls greet and exits; the command then waits, and spoils the child's raw file just
  // before it ends. Converted while the command ran, the child's hits count; left for after the
  // command, the file would be skipped with a warning and greet would read 0.
  const command = `const { execFileSync } = require('node:child_process');
const { readdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const child = execFileSync(process.execPath, ['-e', 'require("./lib/greet").greet("a"); process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
setTimeout(() => {
  const dir = process.env.NODE_V8_COVERAGE;
  const name = readdirSync(dir).find((entry) => entry.startsWith('coverage-' + child + '-'));
  writeFileSync(join(dir, name), '{');
}, 2500);`;
  const result = monocov(pkg, ['run', '--', process.execPath, '-e', command]);
  assert.is(result.status, 0, result.stderr);
  assert.not.match(result.stderr, /not valid JSON/);
  const data = JSON.parse(readFileSync(dataFile, 'utf8'));
  assert.equal(Object.values(data['packages/greeter/lib/greet.js'].f), [1]);
});

const metaFile = join(root, 'coverage/projects/packages/greeter/meta.json');
const readMeta = () => JSON.parse(readFileSync(metaFile, 'utf8'));

// Guards: the source scan made while the tests run (collection/project-coverage.ts) standing only while
// the project's folders are unchanged: a source the tests write counts at 0, one they delete is gone.
test('sources the tests write or delete: the written one counts at 0, the deleted one is not listed', () => {
  const made = join(pkg, 'lib/made.js');
  const doomed = join(pkg, 'lib/doomed.js');
  writeFileSync(doomed, 'exports.doomed = () => 1;\n');
  // Long enough for the scan beside the tests to have listed lib/ before the files change.
  const script = `setTimeout(() => { require('node:fs').writeFileSync(${JSON.stringify(made)}, 'exports.made = () => 1;\\n'); require('node:fs').rmSync(${JSON.stringify(doomed)}); }, 300);`;
  try {
    const result = monocov(pkg, ['run', '--', process.execPath, '-e', script]);
    assert.is(result.status, 0, result.stderr);
    const data = JSON.parse(readFileSync(dataFile, 'utf8'));
    assert.equal(Object.keys(data), ['packages/greeter/lib/greet.js', 'packages/greeter/lib/made.js', 'packages/greeter/lib/never.js']);
    assert.equal(Object.values(data['packages/greeter/lib/made.js'].f), [0]);
  } finally {
    rmSync(made, { force: true });
    rmSync(doomed, { force: true });
  }
});

test('a failing command keeps its exit status; its data is written, recorded as failed, and says so last', () => {
  rmSync(dataFile);
  const result = monocov(pkg, ['run', '--', process.execPath, '-e', 'require("./lib/greet").greet("x"); process.exit(3)']);
  assert.is(result.status, 3);
  assert.ok(existsSync(dataFile));
  assert.equal(readMeta().tests, { status: 'failed', exitCode: 3, signal: null });
  assert.is(
    result.stderr.trim().split('\n').at(-1),
    'monocov: the test command failed (exit status 3): @ws/greeter: statements 50%, branches 50%, functions 50%, lines 50% in 2 files; data written to ../../coverage/projects/packages/greeter, recorded as failed (it shows what ran up to the failure)',
  );
  // The merge names the project failed; --require-complete fails on it.
  const merged = monocov(root, ['merge', '--expect', 'packages/greeter', '--require-complete']);
  assert.is(merged.status, 4, merged.stderr);
  assert.match(merged.stderr, /packages\/greeter \(@ws\/greeter\): failed — its tests failed \(exit status 3\); the data shows what ran up to the failure/);
  const completeness = JSON.parse(readFileSync(join(root, 'coverage/workspace/meta.json'), 'utf8')).completeness;
  assert.equal(
    completeness.map((entry: { state: string }) => entry.state),
    ['failed'],
  );
});

test('a run in which no test ran (command not found, exit 127) replaces nothing: the earlier data is kept, marked failed', () => {
  const passing = monocov(pkg, ['run', '--', process.execPath, '--test', 'greet.test.js']);
  assert.is(passing.status, 0, passing.stderr);
  assert.equal(readMeta().tests, { status: 'passed', exitCode: 0, signal: null });
  assert.is(monocov(root, ['merge', '--expect', 'packages/greeter', '--require-complete']).status, 0);
  const earlier = readFileSync(dataFile, 'utf8');

  const misspelled = monocov(pkg, ['run', '--', 'sh', '-c', 'nod --test greet.test.js']);
  assert.is(misspelled.status, 127, misspelled.stderr);
  assert.is(
    misspelled.stderr.trim().split('\n').at(-1),
    "monocov: the test command failed (exit status 127) before any coverage of @ws/greeter's code was recorded: no data written, the earlier data in ../../coverage/projects/packages/greeter is kept, recorded as failed",
  );
  assert.is(readFileSync(dataFile, 'utf8'), earlier);
  assert.equal(readMeta().laterRun, { exitCode: 127, signal: null });
  const merged = monocov(root, ['merge', '--expect', 'packages/greeter', '--require-complete']);
  assert.is(merged.status, 4, merged.stderr);
  assert.match(merged.stderr, /failed — its last run ran no test \(exit status 127\); the data is from an earlier run/);
  const reported = JSON.parse(readFileSync(join(root, 'coverage/workspace/coverage-final.json'), 'utf8'));
  assert.ok(reported['packages/greeter/lib/greet.js'], 'the earlier numbers are still reported');

  // The next run that runs tests replaces the data and clears the mark.
  assert.is(monocov(pkg, ['run', '--', process.execPath, '--test', 'greet.test.js']).status, 0);
  assert.is(readMeta().laterRun, undefined);
  assert.is(monocov(root, ['merge', '--expect', 'packages/greeter', '--require-complete']).status, 0);
});

test('a command killed by a signal exits 128 + the signal number', () => {
  const result = monocov(pkg, ['run', '--', process.execPath, '-e', 'process.kill(process.pid, "SIGTERM")']);
  assert.is(result.status, 143);
  assert.match(result.stderr, /killed by SIGTERM/);
});

test('--verbose prints the per-file table as well as the summary line', () => {
  const result = monocov(pkg, ['run', '--verbose', '--', process.execPath, '--test', 'greet.test.js']);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, /^ {2}packages\/greeter\/lib\/never\.js\s+\|\s+0\.00 \|/m);
  assert.match(result.stdout, /^monocov: @ws\/greeter: statements 50%/m);
});

test("a project's missed threshold does not fail its run: the merge writes the complete report, then names the miss (exit 2)", () => {
  const rc = join(root, '.coveragerc.json');
  const original = readFileSync(rc, 'utf8');
  writeFileSync(rc, JSON.stringify({ run: { include: ['lib/**'] }, report: { perProject: { '@ws/greeter': { functions: 100 } }, perFile: { lines: 60 } } }));
  try {
    const run = monocov(pkg, ['run', '--', process.execPath, '--test', 'greet.test.js']);
    assert.is(run.status, 0, run.stderr);
    assert.not.match(run.stderr, 'threshold');
    const merge = monocov(root, ['merge', '--reporter', 'json', '--reporter', 'json-summary']);
    assert.is(merge.status, 2, merge.stderr);
    assert.equal(
      merge.stderr.split('\n').filter((line) => line.includes('threshold missed')),
      ['monocov merge: threshold missed: functions 50% < 100% (project @ws/greeter)', 'monocov merge: threshold missed: lines 0% < 60% (file packages/greeter/lib/never.js)'],
    );
    const merged = JSON.parse(readFileSync(join(root, 'coverage/workspace/coverage-final.json'), 'utf8'));
    assert.equal(Object.keys(merged), ['packages/greeter/lib/greet.js', 'packages/greeter/lib/never.js']);
    assert.ok(existsSync(join(root, 'coverage/workspace/coverage-summary.json')));
  } finally {
    writeFileSync(rc, original);
  }
});

test('with no rc file, code outside src/ is measured (index.js, lib/, bin/), test and build folders are anchored at the package root, and loaded files a built-in rule omits are named once', () => {
  const ws = workspace({
    'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }),
    'packages/tool/package.json': JSON.stringify({ name: 'tool' }),
    'packages/tool/index.js': `exports.util = require('./lib/util');\n`,
    'packages/tool/lib/util.js': `exports.double = (n) => n * 2;\n`,
    'packages/tool/bin/cli.js': `console.log(require('../index').util.double(2));\n`,
    // A real plugin repository's layout: executors named build and test are sources.
    'packages/tool/src/executors/build/executor.js': `module.exports = () => 'built';\n`,
    'packages/tool/src/executors/test/executor.js': `module.exports = () => 'tested';\n`,
    'packages/tool/src/app.config.js': `module.exports = { port: 1 };\n`,
    'packages/tool/dist/bundle.js': `module.exports = () => 'bundled';\n`,
    'packages/tool/test/helper.js': `module.exports = (x) => x;\n`,
    'packages/tool/test/all.test.js': `const { test } = require('node:test');
const assert = require('node:assert');
const helper = require('./helper');
test('loads everything', () => {
  assert.equal(require('../index').util.double(helper(3)), 6);
  assert.equal(require('../src/executors/build/executor')(), 'built');
  assert.equal(require('../src/executors/test/executor')(), 'tested');
  assert.equal(require('../src/app.config').port, 1);
  assert.equal(require('../dist/bundle')(), 'bundled');
});
`,
  });
  try {
    const result = monocov(join(ws, 'packages/tool'), ['run', '--', process.execPath, '--test', 'test/all.test.js']);
    assert.is(result.status, 0, result.stderr);
    const data = JSON.parse(readFileSync(join(ws, 'coverage/projects/packages/tool/coverage-final.json'), 'utf8'));
    assert.equal(Object.keys(data), [
      'packages/tool/bin/cli.js',
      'packages/tool/index.js',
      'packages/tool/lib/util.js',
      'packages/tool/src/executors/build/executor.js',
      'packages/tool/src/executors/test/executor.js',
    ]);
    assert.equal(Object.values(data['packages/tool/src/executors/test/executor.js'].f), [1]);
    const warnings = result.stderr.split('\n').filter((line) => line.includes('built-in omit list'));
    assert.equal(warnings, [
      'monocov: warning: the tests loaded 2 file(s) that the built-in omit list leaves out, so they are not measured: packages/tool/dist/bundle.js (dist/**), packages/tool/src/app.config.js (**/*.config.*) (docs/configuration.md#built-in-omit-list; built output counts through its source maps)',
    ]);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});

test('an unknown command is named, not a stack trace', () => {
  const result = monocov(pkg, ['run', '--', 'no-such-command-xyz']);
  assert.is(result.status, 127);
  assert.match(result.stderr, /command not found: no-such-command-xyz/);
  assert.not.match(result.stderr, /\n\s+at /);
});

test('no command is a usage error', () => {
  const result = monocov(pkg, ['run']);
  assert.is(result.status, 64);
  assert.match(result.stderr, /no test command given/);
});

test.run();
