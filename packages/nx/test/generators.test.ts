import { addProjectConfiguration, readJson, readNxJson, readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import configurationGenerator from '../src/generators/configuration/configuration';
import initGenerator from '../src/generators/init/init';

function snapshot(tree: Tree): Record<string, string | undefined> {
  return Object.fromEntries(['nx.json', '.coveragerc.json', '.gitignore'].map((path) => [path, tree.read(path, 'utf-8') ?? undefined]));
}

test('init registers the plugin, writes a starter rc file and ignores the data dir', async () => {
  const tree = createTreeWithEmptyWorkspace();
  await initGenerator(tree, { skipFormat: true });
  assert.ok(readNxJson(tree)?.plugins?.includes('@monocov/nx'));
  const rc = readJson(tree, '.coveragerc.json');
  assert.is(rc.$schema, './node_modules/@monocov/core/coveragerc.schema.json');
  assert.is(rc.run.include, undefined, 'the default include measures code wherever it lives (src/, lib/, index.js)');
  assert.match(tree.read('.gitignore', 'utf-8') ?? '', /^\/coverage$/m);
});

test('init twice leaves the same files as once', async () => {
  const tree = createTreeWithEmptyWorkspace();
  await initGenerator(tree, { skipFormat: true });
  const once = snapshot(tree);
  await initGenerator(tree, { skipFormat: true });
  assert.equal(snapshot(tree), once);
});

test('init keeps an existing rc file and .gitignore entry', async () => {
  const tree = createTreeWithEmptyWorkspace();
  tree.write('.coveragerc.json', '{ "run": { "include": ["lib/**"] } }\n');
  tree.write('.gitignore', 'node_modules\ncoverage/\n');
  await initGenerator(tree, { skipFormat: true });
  assert.is(tree.read('.coveragerc.json', 'utf-8'), '{ "run": { "include": ["lib/**"] } }\n');
  assert.is(tree.read('.gitignore', 'utf-8'), 'node_modules\ncoverage/\n');
});

test('init with non-default target names passes them as plugin options', async () => {
  const tree = createTreeWithEmptyWorkspace();
  await initGenerator(tree, { targetName: 'cov', testTargetName: 'unit', skipFormat: true });
  assert.equal(readNxJson(tree)?.plugins?.at(-1), { plugin: '@monocov/nx', options: { targetName: 'cov', testTargetName: 'unit' } });
});

test('configuration adds an explicit coverage target wrapping the test target', async () => {
  const tree = createTreeWithEmptyWorkspace();
  addProjectConfiguration(tree, 'lib-a', { root: 'libs/a', targets: { test: { command: 'node --test', dependsOn: ['build'] } } });
  await configurationGenerator(tree, { project: 'lib-a' });
  const coverage = readProjectConfiguration(tree, 'lib-a').targets?.coverage;
  assert.equal(coverage, {
    executor: '@monocov/nx:coverage',
    options: { testTarget: 'test' },
    cache: true,
    dependsOn: ['build'],
    inputs: ['default', '^default', '{workspaceRoot}/.coveragerc.json'],
    outputs: ['{workspaceRoot}/coverage/projects/{projectRoot}'],
  });
});

test('configuration refuses a project without the test target, naming it', async () => {
  const tree = createTreeWithEmptyWorkspace();
  addProjectConfiguration(tree, 'lib-b', { root: 'libs/b', targets: {} });
  try {
    await configurationGenerator(tree, { project: 'lib-b' });
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.match((error as Error).message, /Project "lib-b" has no "test" target/);
  }
});

test.run();
