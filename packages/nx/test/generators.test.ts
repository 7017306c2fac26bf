import { readJson, readNxJson, readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { FsTree } from 'nx/src/generators/tree';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import configurationGenerator from '../src/generators/configuration/configuration';
import initGenerator from '../src/generators/init/init';
import { createFixtureWorkspace, removeWorkspace } from './helpers/fixture-workspace';

function snapshot(tree: Tree): Record<string, string | undefined> {
  return Object.fromEntries(['nx.json', '.coveragerc.json', '.gitignore', 'package.json'].map((path) => [path, tree.read(path, 'utf-8') ?? undefined]));
}

const roots: string[] = [];
test.after(() => roots.forEach(removeWorkspace));

/** A real workspace on disk and a tree over it, as `nx g` gives generators. */
function workspaceTree(files: Record<string, string>): Tree {
  const root = createFixtureWorkspace(files);
  roots.push(root);
  return new FsTree(root, false);
}

test('init registers the plugin, writes a starter rc file, ignores the data dir and adds @monocov/core to package.json', async () => {
  const tree = createTreeWithEmptyWorkspace();
  await initGenerator(tree, {});
  assert.ok(readNxJson(tree)?.plugins?.includes('@monocov/nx'));
  const rc = readJson(tree, '.coveragerc.json');
  assert.is(rc.$schema, './node_modules/@monocov/core/coveragerc.schema.json');
  assert.is(rc.run.include, undefined, 'the default include measures code wherever it lives (src/, lib/, index.js)');
  assert.match(tree.read('.gitignore', 'utf-8') ?? '', /^\/coverage$/m);
  assert.is(readJson(tree, 'package.json').devDependencies['@monocov/core'], require('@monocov/core/package.json').version);
});

test('init twice leaves the same files as once', async () => {
  const tree = createTreeWithEmptyWorkspace();
  await initGenerator(tree, {});
  const once = snapshot(tree);
  await initGenerator(tree, {});
  assert.equal(snapshot(tree), once);
});

test('init keeps an existing rc file, .gitignore entry and @monocov/core version', async () => {
  const tree = createTreeWithEmptyWorkspace();
  tree.write('.coveragerc.json', '{ "run": { "include": ["lib/**"] } }\n');
  tree.write('.gitignore', 'node_modules\ncoverage/\n');
  tree.write('package.json', JSON.stringify({ name: 'x', devDependencies: { '@monocov/core': '^0.0.9' } }));
  await initGenerator(tree, {});
  assert.is(tree.read('.coveragerc.json', 'utf-8'), '{ "run": { "include": ["lib/**"] } }\n');
  assert.is(tree.read('.gitignore', 'utf-8'), 'node_modules\ncoverage/\n');
  assert.is(readJson(tree, 'package.json').devDependencies['@monocov/core'], '^0.0.9');
});

test('init with non-default target names passes them as plugin options', async () => {
  const tree = createTreeWithEmptyWorkspace();
  await initGenerator(tree, { targetName: 'cov', testTargetName: ['unit'] });
  assert.equal(readNxJson(tree)?.plugins?.at(-1), { plugin: '@monocov/nx', options: { targetName: 'cov', testTargetName: ['unit'] } });
});

test("configuration writes the target the plugin infers: the test target's inputs, dependsOn and configurations, the version inputs", async () => {
  const tree = workspaceTree({
    'package.json': JSON.stringify({ name: 'ws', private: true, devDependencies: { jest: '*', '@nx/jest': '*' } }),
    'nx.json': JSON.stringify({ targetDefaults: { test: { dependsOn: ['^build'] } } }),
    'package-lock.json': JSON.stringify({ packages: { 'node_modules/jest': {}, 'node_modules/@nx/jest': {} } }),
    'libs/a/project.json': JSON.stringify({
      name: 'lib-a',
      root: 'libs/a',
      targets: { test: { executor: '@nx/jest:jest', inputs: ['default', '{workspaceRoot}/jest.preset.js'], configurations: { ci: { ci: true } } } },
    }),
  });
  await configurationGenerator(tree, { project: 'lib-a' });
  assert.equal(readProjectConfiguration(tree, 'lib-a').targets?.coverage, {
    executor: '@monocov/nx:coverage',
    options: { testTarget: 'test' },
    cache: true,
    inputs: [
      'default',
      '{workspaceRoot}/jest.preset.js',
      { runtime: 'node node_modules/@monocov/core/bin/run-options-hash.js' },
      { externalDependencies: ['jest'] },
      { env: 'MONOCOV_NX_NOT_SELECTED_LIBS_A' },
    ],
    outputs: ['{workspaceRoot}/coverage/projects/{projectRoot}'],
    metadata: { description: 'Runs the "test" target with Jest\'s own coverage, and writes this project\'s coverage data', technologies: ['monocov', 'jest'] },
    dependsOn: ['^build'],
    configurations: { ci: {} },
  });
});

test('configuration refuses a project without tests, saying why and what to pass', async () => {
  const tree = workspaceTree({
    'package.json': JSON.stringify({ name: 'ws', private: true }),
    'libs/b/project.json': JSON.stringify({ name: 'lib-b', root: 'libs/b', targets: { 'test:eslint': { command: 'eslint .' } } }),
  });
  try {
    await configurationGenerator(tree, { project: 'lib-b' });
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.match(
      (error as Error).message,
      'Project "lib-b" has no test target ("test", "test:*", or one a test plugin infers) ("test:eslint" is not measured: its command runs no known test runner ("eslint .")); pass --testTarget',
    );
  }
});

test.run();
