import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

// Issue 7, item 5 (sources). Stale sources (edited or deleted after collection) are proven by
// merge.test.ts and report.test.ts; this file proves that a workspace package linked into
// node_modules, as npm workspaces link them, is counted once, under its real workspace path:
// in the data of a project whose tests import it through the link, and in the merge.

const BIN = join(__dirname, '..', 'bin', 'monocov.js');
const root = realpathSync(mkdtempSync(join(tmpdir(), 'monocov-fault-sources-')));
test.after(() => rmSync(root, { recursive: true, force: true }));
function write(path: string, contents: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), contents);
}
function monocov(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: join(root, cwd), encoding: 'utf8', env: { ...process.env, ...env } });
  assert.is(result.status, 0, result.stderr);
  return result;
}
function data(projectRoot: string): Record<string, any> {
  return JSON.parse(readFileSync(join(root, 'coverage/projects', projectRoot, 'coverage-final.json'), 'utf8'));
}
const calls = (file: any): number => file.f[Object.keys(file.fnMap).find((key) => file.fnMap[key].name === 'double')!];

write('package.json', JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }));
write('.coveragerc.json', JSON.stringify({ run: { include: ['src/**'] } }));
write('packages/a/package.json', JSON.stringify({ name: '@ws/a', dependencies: { '@ws/b': '*' } }));
write('packages/a/src/use.js', `const { double } = require('@ws/b');\nexports.quadruple = (n) => double(double(n));\n`);
write('packages/a/a.test.js', `require('./src/use').quadruple(1);\n`); // double() runs twice
write('packages/b/package.json', JSON.stringify({ name: '@ws/b', main: 'src/index.js' }));
write('packages/b/src/index.js', `exports.double = function double(n) {\n  return n * 2;\n};\n`);
write('packages/b/b.test.js', `const { double } = require('@ws/b');\nfor (let i = 0; i < 5; i++) double(i);\n`); // five times, through the link too
// What `npm install` makes of a workspace: a relative link from node_modules to the package.
mkdirSync(join(root, 'node_modules/@ws'), { recursive: true });
symlinkSync('../../packages/a', join(root, 'node_modules/@ws/a'), 'dir');
symlinkSync('../../packages/b', join(root, 'node_modules/@ws/b'), 'dir');

const B_FILE = 'packages/b/src/index.js';

// Guards: V8 reporting the real path Node loaded the module from, the source filter leaving
// node_modules out, and workspace-relative keys (toPortableCoverage).
test('run.source "workspace": a linked package is credited under its real path, never under node_modules', () => {
  monocov('packages/a', ['run', '--', process.execPath, 'a.test.js']);
  // A's own data only in project mode...
  assert.equal(Object.keys(data('packages/a')), ['packages/a/src/use.js']);
  write('.coveragerc.json', JSON.stringify({ run: { include: ['src/**'], source: 'workspace' } }));
  monocov('packages/a', ['run', '--', process.execPath, 'a.test.js']);
  const a = data('packages/a');
  assert.equal(Object.keys(a), ['packages/a/src/use.js', B_FILE]);
  assert.is(calls(a[B_FILE]), 2);
  for (const key of Object.keys(a)) assert.not.match(key, 'node_modules');
});

// Guards: the node_modules rule of the source filter (files.ts) when Node keeps the link's
// path: the linked copy is never counted a second time under a node_modules path.
test('with --preserve-symlinks the linked copy is not counted under node_modules', () => {
  monocov('packages/a', ['run', '--', process.execPath, '--preserve-symlinks', 'a.test.js']);
  const a = data('packages/a');
  assert.equal(Object.keys(a), ['packages/a/src/use.js']);
});

// Guards: merge by workspace-relative path (combine/ and merge.ts): A's hits on B's file and B's own add up
// under one entry.
test('in the merge, the linked package is listed once with the hits of both projects', () => {
  monocov('packages/a', ['run', '--', process.execPath, 'a.test.js']);
  monocov('packages/b', ['run', '--', process.execPath, 'b.test.js']);
  assert.is(calls(data('packages/b')[B_FILE]), 5);
  monocov('.', ['merge', '--reporter', 'json', '--reporter', 'lcov']);
  const merged = JSON.parse(readFileSync(join(root, 'coverage/workspace/coverage-final.json'), 'utf8'));
  assert.equal(Object.keys(merged), ['packages/a/src/use.js', B_FILE]);
  assert.is(calls(merged[B_FILE]), 7);
  const lcov = readFileSync(join(root, 'coverage/workspace/lcov.info'), 'utf8');
  assert.equal(lcov.match(/^SF:.*$/gm), ['SF:packages/a/src/use.js', `SF:${B_FILE}`]);
});

test.run();
