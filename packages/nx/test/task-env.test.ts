import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ProjectGraph } from 'nx/src/devkit-exports';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testTaskEnv } from '../src/executors/coverage/task-env';

// The coverage executor gives the test task its own .env files (test-target-parity.test.ts runs it in
// real nx runs); Nx's module that reads them is loaded only when the two folders may hold one. These
// call that function on real folders, with Nx's own module, as the executor's process does.
const NX_TASK_ENV = require.resolve('nx/src/tasks-runner/task-env');
const root = mkdtempSync(join(tmpdir(), 'monocov-task-env-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
process.env.NX_LOAD_DOT_ENV_FILES = 'true';

function workspace(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, contents] of Object.entries({ 'libs/a/package.json': '{"name":"a"}', ...files })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), contents);
  }
  return dir;
}

function graph(testTarget: string): ProjectGraph {
  const targets = { [testTarget]: { executor: 'nx:run-script' }, coverage: { executor: '@monocov/nx:coverage' } };
  return { nodes: { a: { name: 'a', type: 'lib', data: { root: 'libs/a', targets } } }, dependencies: {} };
}

function envOf(workspaceRoot: string, testTarget = 'test') {
  return testTaskEnv({
    workspaceRoot,
    projectRoot: 'libs/a',
    graph: graph(testTarget),
    coverageTask: { project: 'a', target: 'coverage', configuration: undefined },
    testTask: { project: 'a', target: testTarget, configuration: undefined },
  });
}

test('no .env file in the project folder or the workspace root: nothing changes, and Nx is not asked', () => {
  const dir = workspace('none', { '.gitignore': 'node_modules\n', 'libs/a/.npmrc': '', 'libs/a/env.js': '', 'libs/a/src/.env.test': 'NOT_READ=1\n' });
  assert.equal(envOf(dir), { set: {}, unset: [] });
  assert.not.ok(require.cache[NX_TASK_ENV], "Nx's task-env module stayed unloaded");
});

test("a project's .test.env alone (a name that ends in .env) is loaded", () => {
  const dir = workspace('ends', { 'libs/a/.test.env': 'MONOCOV_TASK_ENV_ENDS=project\n' });
  assert.equal(envOf(dir).set, { MONOCOV_TASK_ENV_ENDS: 'project' });
});

test("the workspace root's .env.test.local alone is loaded", () => {
  const dir = workspace('root', { '.env.test.local': 'MONOCOV_TASK_ENV_ROOT=root\n' });
  assert.equal(envOf(dir).set, { MONOCOV_TASK_ENV_ROOT: 'root' });
});

test('a test target named with a slash: Nx looks in a subfolder (.e2e/run.env), and so is asked', () => {
  const dir = workspace('slash', { 'libs/a/.e2e/run.env': 'MONOCOV_TASK_ENV_SLASH=sub\n' });
  assert.equal(envOf(dir, 'e2e/run').set, { MONOCOV_TASK_ENV_SLASH: 'sub' });
});

test.run();
