import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseUnifiedDiff } from '../src/git-diff';

const BIN = join(__dirname, '..', 'bin', 'monocov.js');

test('parseUnifiedDiff: added lines of each new-side file; deletions and removed files add nothing', () => {
  const output = [
    'diff --git a/src/a.ts b/src/a.ts',
    '--- a/src/a.ts',
    '+++ b/src/a.ts',
    '@@ -3,0 +4,2 @@ export function a() {',
    '+  one',
    '+  two',
    '@@ -10 +12 @@',
    '+  changed',
    '@@ -20,3 +24,0 @@',
    'diff --git a/src/gone.ts b/src/gone.ts',
    '--- a/src/gone.ts',
    '+++ /dev/null',
    '@@ -1,2 +0,0 @@',
  ].join('\n');
  assert.equal(
    [...parseUnifiedDiff(output)].map(([path, lines]) => [path, [...lines]]),
    [['src/a.ts', [4, 5, 12]]],
  );
});

// A real repository: data collected by `monocov run`, then `monocov report --diff main`.
const root = mkdtempSync(join(tmpdir(), 'monocov-diff-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), contents);
  }
}
const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: root, stdio: 'pipe' });
const monocov = (cwd: string, args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });

const MATH_BASE = `exports.add = (a, b) => a + b;\n`;
const MATH_PR = `exports.add = (a, b) => a + b;\n\nexports.sub = (a, b) => {\n  return a - b;\n};\n\nexports.mul = (a, b) => {\n  return a * b;\n};\n`;

test('a PR-style change with an untested new line fails failUnderDiff: 100 and names that line', () => {
  write({
    'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }),
    '.coveragerc.json': JSON.stringify({ run: { include: ['lib/**'] }, report: { failUnderDiff: 100 }, reporters: ['json'] }),
    '.gitignore': 'coverage\n',
    'packages/calc/package.json': JSON.stringify({ name: 'calc' }),
    'packages/calc/lib/math.js': MATH_BASE,
    'packages/calc/math.test.js': `const { test } = require('node:test');\nconst m = require('./lib/math');\ntest('add', () => m.add(1, 2));\n`,
  });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'base');
  git('checkout', '-qb', 'feature');
  write({
    'packages/calc/lib/math.js': MATH_PR,
    'packages/calc/math.test.js': `const { test } = require('node:test');\nconst m = require('./lib/math');\ntest('add', () => m.add(1, 2));\ntest('sub', () => m.sub(3, 1));\n`,
  });
  const pkg = join(root, 'packages/calc');
  assert.is(monocov(pkg, ['run', '--', process.execPath, '--test', 'math.test.js']).status, 0);
  assert.is(monocov(root, ['merge']).status, 0);

  const result = monocov(root, ['report', '--diff', 'main']);
  assert.is(result.status, 2, result.stderr);
  assert.match(result.stdout, 'Diff coverage since main: 75% of 4 changed executable line(s) covered');
  assert.match(result.stderr, 'threshold missed: diff coverage 75% < 100% (lines changed since main); not covered: packages/calc/lib/math.js:8');
});

test('once the new lines are tested, the gate passes', () => {
  write({
    'packages/calc/math.test.js': `const { test } = require('node:test');\nconst m = require('./lib/math');\ntest('add', () => m.add(1, 2));\ntest('sub', () => m.sub(3, 1));\ntest('mul', () => m.mul(2, 2));\n`,
  });
  assert.is(monocov(join(root, 'packages/calc'), ['run', '--', process.execPath, '--test', 'math.test.js']).status, 0);
  assert.is(monocov(root, ['merge']).status, 0);
  const result = monocov(root, ['check', '--diff', 'main']);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, 'Diff coverage since main: 100% of 4 changed executable line(s) covered');
});

test('an unknown base is a configuration error that says how to fix it', () => {
  const result = monocov(root, ['check', '--diff', 'no-such-branch']);
  assert.is(result.status, 3);
  assert.match(result.stderr, 'diff base "no-such-branch" cannot be compared with HEAD');
  assert.match(result.stderr, 'fetch-depth: 0');
});

test.run();
