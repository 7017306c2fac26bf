import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NO_TEST_FILES } from '@monocov/core';
import { createFixtureWorkspace, readJson, removeWorkspace, runNx, STREAM_TASK_OUTPUT } from './helpers/fixture-workspace';

// Issue 15 on a workspace shaped like the real pnpm one: members from pnpm-workspace.yaml (with a
// negation), `test:lib` scripts, lint checks named `test:*`, a root script that calls nx itself,
// example apps without tests. `nx g @monocov/nx:init` (what `nx add` runs) says what it found;
// run-many measures every tested package and ends with the merge; --exclude and --projects leave
// projects unmeasured without dropping the merge.

const testFile = (fn: string) => `const { test } = require('node:test');
const assert = require('node:assert/strict');
const { ${fn} } = require('../src/index.js');

test('${fn}', () => assert.equal(${fn}(2), 4));
`;

const files: Record<string, string> = {
  'package.json': JSON.stringify(
    // @monocov/core is declared already: init would otherwise install it from the registry (the e2e scenarios do that).
    { name: 'pnpm-like', private: true, scripts: { 'test:lib': 'nx run-many --target=test:lib' }, devDependencies: { '@monocov/core': '*' } },
    null,
    2,
  ),
  'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  - 'examples/*'\n  - '!examples/skipped'\n",
  'nx.json': JSON.stringify({ namedInputs: { default: ['{projectRoot}/**/*'] } }, null, 2),
  '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] } }),
  'packages/store/package.json': JSON.stringify(
    {
      name: 'store',
      scripts: { 'test:lib': 'node --test', 'test:lib:dev': 'pnpm run test:lib --watch', 'test:bench': 'vitest bench', 'test:eslint': 'eslint src', 'test:types': 'tsc --noEmit' },
    },
    null,
    2,
  ),
  'packages/store/src/index.js': 'exports.double = (n) => n * 2;\nexports.unused = () => 0;\n',
  'packages/store/test/index.test.js': testFile('double'),
  'packages/react/package.json': JSON.stringify({ name: 'react-binding', scripts: { 'test:lib': 'node --test', 'test:build': 'echo build' } }, null, 2),
  'packages/react/src/index.js': 'exports.square = (n) => n * n;\n',
  'packages/react/test/index.test.js': testFile('square'),
  // vue-store's shape: test:lib runs one variant, the others (and a script running them all) would measure the suite again.
  'packages/vue/package.json': JSON.stringify(
    {
      name: 'vue-binding',
      scripts: {
        'test:lib': 'npm run test:lib:3',
        'test:lib:2': 'node --test',
        'test:lib:3': 'node --test',
        'test:lib:fixme': 'npm run test:lib:2 && npm run test:lib:3',
        'test:types': 'tsc',
        'test:types:ts56': 'tsc',
      },
    },
    null,
    2,
  ),
  'packages/vue/src/index.js': 'exports.triple = (n) => n * 3;\n',
  'packages/vue/test/index.test.js': "const { test } = require('node:test');\nconst { triple } = require('../src/index.js');\ntest('triple', () => triple(1));\n",
  'packages/lint-only/package.json': JSON.stringify({ name: 'lint-only', scripts: { 'test:eslint': 'eslint .' } }, null, 2),
  'examples/counter/package.json': JSON.stringify({ name: 'counter-example', scripts: { dev: 'vite', build: 'vite build' } }, null, 2),
  'examples/counter/vite.config.js': 'export default {};\n',
  // A Vitest script and config but no test file yet: Vitest would fail every run.
  'examples/todo/package.json': JSON.stringify({ name: 'todo-example', scripts: { dev: 'vite', test: 'vitest run' } }, null, 2),
  'examples/todo/vite.config.js': 'export default { test: {} };\n',
  'examples/todo/src/main.js': 'export {};\n',
  'examples/tested/package.json': JSON.stringify({ name: 'tested-example', scripts: { test: 'node --test' } }, null, 2),
  'examples/tested/src/index.js': 'exports.half = (n) => n / 2;\n',
  'examples/tested/test/index.test.js': "const { test } = require('node:test');\nconst { half } = require('../src/index.js');\ntest('half', () => half(4));\n",
  'examples/skipped/package.json': JSON.stringify({ name: 'skipped', scripts: { test: 'node --test' } }, null, 2),
};

const root = createFixtureWorkspace(files);
test.after(() => removeWorkspace(root));

function ran(output: string): string[] {
  // Nx colours its task headers.
  return [...output.replace(/\x1b\[[0-9;]*m/g, '').matchAll(/> nx run ([\w-]+:[\w:-]+)/g)].map((match) => match[1]!).sort();
}

test('init registers the plugin and says which projects got a coverage target through which test target, and why the others did not', () => {
  const result = runNx(root, ['g', '@monocov/nx:init']);
  assert.is(result.status, 0, result.output);
  assert.ok(readJson(join(root, 'nx.json')).plugins.includes('@monocov/nx'));
  assert.match(result.output, 'monocov: 4 projects get a "coverage" target:');
  assert.match(result.output, 'packages/store: runs "test:lib" (package.json script "test:lib")');
  assert.match(
    result.output,
    '"test:lib:dev" is not measured: its command runs the tests in watch mode ("pnpm run test:lib --watch"), which never ends; the coverage target needs a run that does',
  );
  assert.match(result.output, '"test:bench" is not measured: its command runs benchmarks ("vitest bench"), not tests');
  assert.match(result.output, 'packages/vue: runs "test:lib" (package.json script "test:lib")');
  assert.match(result.output, '"test:lib:fixme" is not measured: it is a variant of test:lib, which is measured (name both in testTargetName to run both)');
  assert.match(result.output, 'packages/react: runs "test:lib" (package.json script "test:lib")');
  assert.match(result.output, 'examples/tested: runs "test" (package.json script "test")');
  assert.match(result.output, 'monocov: 3 projects get no "coverage" target:');
  assert.match(
    result.output,
    `examples/todo: "test" is not measured: ${NO_TEST_FILES}; add a test file, or name the test files in its test command, target options or runner config, then the coverage target appears`,
  );
  assert.match(result.output, 'packages/lint-only: "test:eslint" is not measured: its command runs no known test runner ("eslint .")');
  assert.match(result.output, 'examples/counter: no test target');
  assert.match(result.output, 'set "testTargetName" (one name or a list) in the options of the @monocov/nx entry of nx.json "plugins"');
  assert.not.match(result.output, 'examples/skipped', 'a package pnpm-workspace.yaml negates is no project');
  assert.match(result.output, '`nx run-many -t coverage` measures them');
});

test('nx show project: each tested package gets one coverage target over its one test run', () => {
  const testTargetOf = (project: string) => {
    const result = runNx(root, ['show', 'project', project, '--json']);
    assert.is(result.status, 0, result.output);
    return JSON.parse(result.output.slice(result.output.indexOf('{'))).targets.coverage?.options?.testTarget;
  };
  assert.is(testTargetOf('store'), 'test:lib');
  assert.is(testTargetOf('vue-binding'), 'test:lib');
  assert.is(testTargetOf('lint-only'), undefined);
});

test('run-many -t coverage measures every tested project on the first try and ends with the merge', () => {
  const result = runNx(root, ['run-many', '-t', 'coverage']);
  assert.is(result.status, 0, result.output);
  assert.equal(ran(result.output), ['pnpm-like:coverage', 'react-binding:coverage', 'store:coverage', 'tested-example:coverage', 'vue-binding:coverage']);
  const merged = readJson(join(root, 'coverage/workspace/coverage-final.json'));
  assert.equal(Object.keys(merged), ['examples/tested/src/index.js', 'packages/react/src/index.js', 'packages/store/src/index.js', 'packages/vue/src/index.js']);
  // Each project without a coverage target is not measured for the reason the plugin gave it none.
  const untested = readJson(join(root, 'coverage/workspace/meta.json'))
    .completeness.filter((entry: { state: string }) => entry.state === 'untested')
    .map((entry: { projectRoot: string; reasons: string[] }) => [entry.projectRoot, ...entry.reasons]);
  assert.equal(untested, [
    ['examples/counter', 'no "test" or "test:lib" target'],
    ['examples/todo', NO_TEST_FILES],
    ['packages/lint-only', 'no "test" or "test:lib" target'],
  ]);
});

test("--exclude='examples/**': no coverage task of an excluded project runs its tests; the merge ends the run and carries their data forward", () => {
  const before = readFileSync(join(root, 'coverage/projects/examples/tested/coverage-final.json'), 'utf8');
  const result = runNx(root, ['run-many', '-t', 'coverage', '--exclude=examples/**', STREAM_TASK_OUTPUT]);
  assert.is(result.status, 0, result.output);
  // Nx still schedules the task (the merge depends on it) and the cache has no entry for it left out: it runs, but no tests.
  assert.match(result.output, 'monocov: tested-example is not measured in this run (--exclude/--projects left it out); the merge carries its last data forward');
  assert.not.match(result.output, 'monocov: tested-example: statements');
  assert.is(readFileSync(join(root, 'coverage/projects/examples/tested/coverage-final.json'), 'utf8'), before);
  const merged = readJson(join(root, 'coverage/workspace/coverage-final.json'));
  assert.equal(Object.keys(merged), ['examples/tested/src/index.js', 'packages/react/src/index.js', 'packages/store/src/index.js', 'packages/vue/src/index.js']);

  // The same command again: every task from the cache, the excluded project's data as it was.
  const again = runNx(root, ['run-many', '-t', 'coverage', '--exclude=examples/**']);
  assert.is(again.status, 0, again.output);
  assert.match(again.output, /from the cache instead of running the command for 5 out of 5 tasks/);
  assert.is(readFileSync(join(root, 'coverage/projects/examples/tested/coverage-final.json'), 'utf8'), before);

  // Without --exclude the example's real result comes back: the runs that left it out have cache entries of their own.
  const all = runNx(root, ['run-many', '-t', 'coverage']);
  assert.is(all.status, 0, all.output);
  assert.not.match(all.output, 'is not measured in this run');
  // Nx's own line for the task, not the task's output replayed from the cache (see STREAM_TASK_OUTPUT).
  assert.match(all.output, /nx run tested-example:coverage/);
  assert.is(readFileSync(join(root, 'coverage/projects/examples/tested/coverage-final.json'), 'utf8'), before);
});

test('--projects: the projects not named are left out the same way; naming the root project keeps the merge', () => {
  // A project left out that was never measured (as most are in a first run scoped with -p): the merge says so, not that its coverage failed.
  rmSync(join(root, 'coverage/projects/examples/tested'), { recursive: true });
  const result = runNx(root, ['run-many', '-t', 'coverage', '--projects=store,pnpm-like', '--skip-nx-cache', STREAM_TASK_OUTPUT]);
  assert.is(result.status, 0, result.output);
  for (const project of ['react-binding', 'vue-binding', 'tested-example']) assert.match(result.output, `monocov: ${project} is not measured in this run`);
  assert.match(result.output, 'examples/tested (tested-example): no data — left out of this run (--exclude/--projects) and not measured before: run its coverage target once');
  assert.not.match(result.output, 'its coverage did not run');
  assert.match(result.output, 'monocov: store: statements');
  assert.ok(existsSync(join(root, 'coverage/workspace/lcov.info')));
  // An empty --projects runs every project, as Nx reads it: none is left out.
  const every = runNx(root, ['run-many', '-t', 'coverage', '--projects=']);
  assert.is(every.status, 0, every.output);
  assert.not.match(every.output, 'is not measured in this run');
});

test('space-separated lists (-p a b, --exclude a b) select what Nx selects: every name up to the next option', () => {
  // How typescript-eslint's own scripts write them ("nx run-many -t test --exclude integration-tests website website-eslint").
  const projects = runNx(root, ['run-many', '-t', 'coverage', '-p', 'store', 'vue-binding', 'pnpm-like', '--skip-nx-cache', STREAM_TASK_OUTPUT]);
  assert.is(projects.status, 0, projects.output);
  for (const project of ['store', 'vue-binding']) assert.match(projects.output, `monocov: ${project}: statements`);
  for (const project of ['react-binding', 'tested-example']) assert.match(projects.output, `monocov: ${project} is not measured in this run`);
  const excluded = runNx(root, ['run-many', '-t', 'coverage', '--exclude', 'react-binding', 'tested-example', '--skip-nx-cache', STREAM_TASK_OUTPUT]);
  assert.is(excluded.status, 0, excluded.output);
  for (const project of ['store', 'vue-binding']) assert.match(excluded.output, `monocov: ${project}: statements`);
  for (const project of ['react-binding', 'tested-example']) assert.match(excluded.output, `monocov: ${project} is not measured in this run`);
});

test('nx affected with --exclude: the excluded project is left out, an unaffected one still comes back from the cache', () => {
  // Without data, so that the data tells whether its tests ran: Nx may replay its task from an earlier run that left
  // it out the same way, and with it that run's line (see STREAM_TASK_OUTPUT).
  rmSync(join(root, 'coverage/projects/examples/tested'), { recursive: true });
  // --files stands in for git: examples/tested and packages/react changed; packages/store did not.
  const result = runNx(root, ['affected', '-t', 'coverage', '--files=examples/tested/src/index.js,packages/react/src/index.js', '--exclude=tested-example']);
  assert.is(result.status, 0, result.output);
  assert.not.ok(existsSync(join(root, 'coverage/projects/examples/tested')), 'tested-example was measured');
  const tested = readJson(join(root, 'coverage/workspace/meta.json')).completeness.find((entry: { project: string }) => entry.project === 'tested-example');
  assert.equal([tested.state, ...tested.reasons], ['missing', 'no data — left out of this run (--exclude/--projects) and not measured before: run its coverage target once']);
  assert.not.match(result.output, 'monocov: store is not measured');
  assert.match(result.output, /nx run store:coverage\s+\[local cache\]/);
});

test("the plugin entry's exclude: the excluded projects get no coverage target, the merge still ends run-many", () => {
  const nxJson = readJson(join(root, 'nx.json'));
  nxJson.plugins = nxJson.plugins.map((plugin: unknown) => (plugin === '@monocov/nx' ? { plugin: '@monocov/nx', exclude: ['examples/**'] } : plugin));
  writeFileSync(join(root, 'nx.json'), JSON.stringify(nxJson, null, 2));
  rmSync(join(root, 'coverage'), { recursive: true, force: true });
  const result = runNx(root, ['run-many', '-t', 'coverage', '--skip-nx-cache']);
  assert.is(result.status, 0, result.output);
  assert.equal(ran(result.output), ['pnpm-like:coverage', 'react-binding:coverage', 'store:coverage', 'vue-binding:coverage']);
  const merged = readJson(join(root, 'coverage/workspace/coverage-final.json'));
  assert.equal(Object.keys(merged), ['packages/react/src/index.js', 'packages/store/src/index.js', 'packages/vue/src/index.js']);
});

test('a workspace whose projects have no tests: the merge says what to look at, not to run the command that just ran', () => {
  const untested = createFixtureWorkspace({
    'package.json': JSON.stringify({ name: 'no-tests', private: true, workspaces: ['apps/*'] }),
    'nx.json': JSON.stringify({ plugins: ['@monocov/nx'] }),
    'apps/site/package.json': JSON.stringify({ name: 'site', scripts: { build: 'vite build', 'test:types': 'tsc --noEmit' } }),
  });
  try {
    const result = runNx(untested, ['run-many', '-t', 'coverage']);
    assert.is.not(result.status, 0, result.output);
    assert.match(result.output, 'monocov merge: no project has a coverage target: the plugin found no test target in this workspace. `nx g @monocov/nx:init` lists every project');
    assert.not.match(result.output, 'run the coverage target first');
  } finally {
    removeWorkspace(untested);
  }
});

test.run();
