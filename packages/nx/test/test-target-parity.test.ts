import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createFixtureWorkspace, readJson, removeWorkspace, runNx } from './helpers/fixture-workspace';

// Issue 21, items 1–3, through real nx runs: the coverage task runs its test target with the
// test task's .env files, in its configuration, and misses the cache when an input of the test
// target changes (here a root preset file only the test target's inputs name). A NODE_OPTIONS
// from .env.test reaches a Jest run beside the runner hook's preload.

const files: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'parity', private: true }, null, 2),
  'nx.json': JSON.stringify({ plugins: ['@monocov/nx'] }, null, 2),
  '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] } }),
  'test.preset.json': JSON.stringify({ timeout: 1000 }),
  // The coverage task's own files: Nx loads them for a task named coverage; the test target must not see them.
  '.env': 'GREETING=from-root-env\n',
  'libs/a/.env.coverage': 'GREETING=from-env-coverage\n',
  'libs/a/.env.test': 'GREETING=from-env-test\n',
  'libs/a/.env.test.ci': 'MODE=ci\n',
  'libs/a/project.json': JSON.stringify(
    {
      name: 'a',
      targets: {
        test: {
          executor: 'nx:run-commands',
          options: { command: 'node --test test/main.test.js', cwd: 'libs/a' },
          inputs: ['default', '{workspaceRoot}/test.preset.json'],
          configurations: { ci: { command: 'node --test test/main.test.js test/ci.test.js' } },
        },
      },
    },
    null,
    2,
  ),
  // Jest's dynamic import() needs --experimental-vm-modules, which this project's .env.test gives.
  'libs/j/.env.test': 'NODE_OPTIONS=--experimental-vm-modules\n',
  'libs/j/project.json': JSON.stringify({ name: 'j', targets: { test: { executor: 'nx:run-commands', options: { command: 'jest', cwd: 'libs/j' } } } }, null, 2),
  'libs/j/jest.config.js': "module.exports = { testEnvironment: 'node' };\n",
  'libs/j/src/sep.js': 'exports.separator = () => require("node:path").sep;\n',
  'libs/j/src/sep.spec.js':
    "test('a dynamic import beside a require', async () => {\n  const { sep } = await import('node:path');\n  expect(require('./sep').separator()).toBe(sep);\n});\n",
  'libs/a/src/index.js': 'exports.greet = function greet() {\n  return process.env.GREETING;\n};\nexports.ciOnly = function ciOnly() {\n  return process.env.MODE;\n};\n',
  'libs/a/test/main.test.js': `const { test } = require('node:test');
const assert = require('node:assert/strict');
const { greet } = require('../src/index.js');

test('reads GREETING from .env.test', () => assert.equal(greet(), 'from-env-test'));
`,
  'libs/a/test/ci.test.js': `const { test } = require('node:test');
const assert = require('node:assert/strict');
const { ciOnly } = require('../src/index.js');

test('reads MODE from .env.test.ci', () => assert.equal(ciOnly(), 'ci'));
`,
};

const root = createFixtureWorkspace(files);
test.after(() => removeWorkspace(root));

const functionHits = () => {
  const data = readJson(join(root, 'coverage/projects/libs/a/coverage-final.json'))['libs/a/src/index.js'];
  return Object.fromEntries(Object.entries<{ name: string }>(data.fnMap).map(([id, fn]) => [fn.name, data.f[id]]));
};

function ranCoverage(output: string): boolean {
  // Nx colours its task headers.
  return /> nx run a:coverage(?!:)(?![^\n]*\[(?:local|remote) cache\])/.test(output.replace(/\x1b\[[0-9;]*m/g, ''));
}

test("the coverage target lists the test target's configurations and inputs", () => {
  const result = runNx(root, ['show', 'project', 'a', '--json']);
  assert.is(result.status, 0, result.output);
  const coverage = JSON.parse(result.output.slice(result.output.indexOf('{'))).targets.coverage;
  assert.equal(coverage.configurations, { ci: {} });
  assert.equal(coverage.inputs.slice(0, 3), ['default', '{workspaceRoot}/test.preset.json', { runtime: 'node node_modules/@monocov/core/bin/run-options-hash.js' }]);
});

test("nx run a:coverage: the tests get the test task's .env files, not the coverage task's", () => {
  const result = runNx(root, ['run', 'a:coverage']);
  assert.is(result.status, 0, result.output);
  assert.equal(functionHits(), { greet: 1, ciOnly: 0 });
});

test('nx run a:coverage:ci runs test:ci, with .env.test.ci', () => {
  const result = runNx(root, ['run', 'a:coverage:ci']);
  assert.is(result.status, 0, result.output);
  assert.equal(functionHits(), { greet: 1, ciOnly: 1 });
});

test("editing a root file that only the test target's inputs name makes the coverage task miss the cache", () => {
  const cached = runNx(root, ['run', 'a:coverage']);
  assert.is(cached.status, 0, cached.output);
  assert.not.ok(ranCoverage(cached.output), 'unchanged: from the cache');
  writeFileSync(join(root, 'test.preset.json'), JSON.stringify({ timeout: 2000 }));
  const edited = runNx(root, ['run', 'a:coverage']);
  assert.is(edited.status, 0, edited.output);
  assert.ok(ranCoverage(edited.output), edited.output);
});

test("nx run j:coverage: a NODE_OPTIONS from .env.test reaches Jest beside monocov's runner hook", () => {
  const result = runNx(root, ['run', 'j:coverage']);
  assert.is(result.status, 0, result.output);
  const meta = readJson(join(root, 'coverage/projects/libs/j/meta.json'));
  assert.equal([meta.collector, meta.tests.status], ['jest/babel', 'passed']);
  const data = readJson(join(root, 'coverage/projects/libs/j/coverage-final.json'))['libs/j/src/sep.js'];
  assert.equal(Object.values(data.f), [1]);
});

test.run();
