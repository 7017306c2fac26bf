import { readJson, readNxJson, readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import configurationGenerator from '../src/generators/configuration/configuration';
import initGenerator from '../src/generators/init/init';
import { NO_TEST_FILES, starterConfig } from '@monocov/core';
import { createFixtureWorkspace, readJson as readJsonFile, REPO_ROOT, removeWorkspace, runNx } from './helpers/fixture-workspace';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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
    'libs/a/src/a.spec.ts': "test('a', () => {});\n",
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

/** An e2e project of @nx/playwright whose config starts the app's server (`webServer`), with `shutdown` as its gracefulShutdown if any. */
const playwrightProject = (target: object, shutdown?: string) => ({
  'package.json': JSON.stringify({ name: 'ws', private: true }),
  'nx.json': JSON.stringify({}),
  'apps/web-e2e/project.json': JSON.stringify({ name: 'web-e2e', root: 'apps/web-e2e', targets: { e2e: target } }),
  'apps/web-e2e/playwright.config.ts': [
    "import { defineConfig } from '@playwright/test';",
    'export default defineConfig({',
    "  testDir: './src',",
    `  webServer: { command: 'npx nx run web:serve', url: 'http://localhost:4200'${shutdown === undefined ? '' : `, gracefulShutdown: ${shutdown}`} },`,
    '});',
    '',
  ].join('\n'),
  'apps/web-e2e/src/home.spec.ts': "import { test } from '@playwright/test';\n\ntest('home', async ({ page }) => {\n  await page.goto('/');\n});\n",
});

test('nx g configuration on a Playwright e2e project (@nx/playwright:playwright) writes its coverage target crediting workspace files and names the one setting still needed', () => {
  const root = createFixtureWorkspace(playwrightProject({ executor: '@nx/playwright:playwright', options: { config: 'apps/web-e2e/playwright.config.ts' } }));
  roots.push(root);
  const result = runNx(root, ['g', '@monocov/nx:configuration', 'web-e2e', '--no-interactive']);
  assert.is(result.status, 0, result.output);
  const coverage = readJsonFile(join(root, 'apps/web-e2e/project.json')).targets.coverage;
  assert.equal(coverage.executor, '@monocov/nx:coverage');
  assert.equal(coverage.options, { testTarget: 'e2e', source: 'workspace' });
  assert.match(coverage.metadata.description, /"e2e" target in Chromium/);
  assert.match(
    result.output.replace(/\s+/g, ' '),
    "One thing is still needed for the code of the server Playwright starts (webServer in apps/web-e2e/playwright.config.ts) to count: gracefulShutdown: { signal: 'SIGTERM', timeout: 5000 } in that webServer entry (Playwright 1.50 and later), and a server that exits on SIGTERM",
  );
});

test('configuration on a `playwright test` command whose config already shuts its server down gracefully: the target, and nothing more to do', async () => {
  const tree = workspaceTree(playwrightProject({ command: 'playwright test', options: { cwd: 'apps/web-e2e' } }, "{ signal: 'SIGTERM', timeout: 5000 }"));
  const warned = await printed(() => configurationGenerator(tree, { project: 'web-e2e' }));
  assert.equal(readProjectConfiguration(tree, 'web-e2e').targets?.coverage?.options, { testTarget: 'e2e', source: 'workspace' });
  assert.equal(warned, []);
});

test('configuration refuses a Cypress project, saying it is not supported, and writes nothing', async () => {
  for (const [label, files] of [
    ['executor', { 'apps/cy-e2e/project.json': JSON.stringify({ name: 'cy-e2e', root: 'apps/cy-e2e', targets: { e2e: { executor: '@nx/cypress:cypress' } } }) }],
    ['command', { 'apps/cy-e2e/project.json': JSON.stringify({ name: 'cy-e2e', root: 'apps/cy-e2e', targets: { 'test:e2e': { command: 'cypress run' } } }) }],
    // @nx/cypress/plugin infers the target from the config: monocov does not ask that plugin.
    ['config', { 'apps/cy-e2e/project.json': JSON.stringify({ name: 'cy-e2e', root: 'apps/cy-e2e' }), 'apps/cy-e2e/cypress.config.ts': 'export default {};\n' }],
  ] as const) {
    const tree = workspaceTree({ 'package.json': JSON.stringify({ name: 'ws', private: true }), 'apps/cy-e2e/src/e2e/app.cy.ts': "it('loads', () => {});\n", ...files });
    try {
      await configurationGenerator(tree, { project: 'cy-e2e' });
      assert.unreachable(`${label}: should have thrown`);
    } catch (error) {
      assert.match(
        (error as Error).message,
        'Project "cy-e2e" runs Cypress, which monocov does not support: the V8 coverage of code run in a browser comes only from Chromium driven by Playwright',
        label,
      );
    }
    assert.is(readProjectConfiguration(tree, 'cy-e2e').targets?.coverage, undefined, label);
  }
});

test('configuration refuses a project with a test target but no test file, as the inference does', async () => {
  const tree = workspaceTree({
    'package.json': JSON.stringify({ name: 'ws', private: true }),
    'libs/c/project.json': JSON.stringify({ name: 'lib-c', root: 'libs/c', targets: { test: { command: 'node --test' } } }),
    'libs/c/src/index.ts': 'export const c = 1;\n',
    // A nested project's test file is that project's, not lib-c's.
    'libs/c/nested/project.json': JSON.stringify({ name: 'nested', root: 'libs/c/nested', targets: { test: { command: 'node --test' } } }),
    'libs/c/nested/a.test.js': "require('node:test');\n",
  });
  try {
    await configurationGenerator(tree, { project: 'lib-c' });
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.is(
      (error as Error).message,
      `Project "lib-c": "test" is not measured: ${NO_TEST_FILES}; add a test file, or name the test files in its test command, target options or runner config, then run this generator again.`,
    );
  }
  assert.is(readProjectConfiguration(tree, 'lib-c').targets?.coverage, undefined);
  await configurationGenerator(tree, { project: 'nested' });
  assert.ok(readProjectConfiguration(tree, 'nested').targets?.coverage);
});

/**
 * A workspace laid out by Prettier at printWidth 120, as TanStack/router's: objects expanded,
 * arrays that fit on one line. @monocov/core is already a devDependency unless `withCore` is false.
 */
function prettierWorkspace(prettierrc: string | undefined, withCore = true): Record<string, string> {
  return {
    ...(prettierrc === undefined ? {} : { '.prettierrc': prettierrc }),
    // Prettier lays package.json out as JSON.stringify does (its json-stringify parser).
    'package.json':
      JSON.stringify(
        {
          name: 'ws',
          private: true,
          workspaces: ['packages/*'],
          devDependencies: { ...(withCore ? { '@monocov/core': require('@monocov/core/package.json').version } : {}), nx: '*' },
        },
        null,
        2,
      ) + '\n',
    'nx.json': NX_JSON,
    // Not Prettier's layout (the array fits on a line): no generator writes it, so it stays so.
    'packages/a/project.json': '{\n  "name": "a",\n  "tags": [\n    "lib"\n  ],\n  "targets": {\n    "test": {\n      "command": "node --test"\n    }\n  }\n}\n',
    'packages/a/a.test.js': "require('node:test');\n",
  };
}

const NX_JSON = [
  '{',
  '  "$schema": "./node_modules/nx/schemas/nx-schema.json",',
  '  "namedInputs": {',
  '    "default": ["sharedGlobals", "{projectRoot}/**/*", "!{projectRoot}/**/*.md"],',
  '    "sharedGlobals": ["{workspaceRoot}/package.json"]',
  '  },',
  '  "targetDefaults": {',
  '    "test": {',
  '      "cache": true,',
  '      "dependsOn": ["^build"],',
  '      "inputs": ["default", "^production"]',
  '    }',
  '  }',
  '}',
  '',
].join('\n');

/** What `prettier --check` (the workspace's own, run there) says of these files. */
function prettierCheck(root: string, files: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '--check', '--ignore-unknown', ...files], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('nx g init in a workspace formatted by Prettier: the files it writes pass `prettier --check`, nx.json keeps its layout, files it does not write are left as they were', () => {
  const root = createFixtureWorkspace(prettierWorkspace('{ "printWidth": 120 }\n'));
  roots.push(root);
  const result = runNx(root, ['g', '@monocov/nx:init', '--no-interactive']);
  assert.is(result.status, 0, result.output);
  assert.is(readFileSync(join(root, 'nx.json'), 'utf8'), NX_JSON.replace(/\n}\n$/, ',\n  "plugins": ["@monocov/nx"]\n}\n'));
  const check = prettierCheck(root, ['nx.json', '.coveragerc.json', '.gitignore']);
  assert.is(check.status, 0, check.output);
  assert.is(readFileSync(join(root, 'packages/a/project.json'), 'utf8'), prettierWorkspace(undefined)['packages/a/project.json']);
});

test('init formats only the files it writes that Prettier formats: not one in .prettierignore, not one an earlier generator wrote to the same tree', async () => {
  const tree = workspaceTree({ ...prettierWorkspace('{ "printWidth": 120 }\n', false), '.prettierignore': '.coveragerc.json\n' });
  const earlier = '{\n  "list": [\n    1\n  ]\n}\n';
  tree.write('earlier.json', earlier);
  const warned = await printed(async () => void (await initGenerator(tree, {})));
  assert.equal(warned, [], 'no file failed to format (.gitignore has no parser and is skipped)');
  assert.is(tree.read('earlier.json', 'utf-8'), earlier);
  assert.is(tree.read('.coveragerc.json', 'utf-8'), JSON.stringify(starterConfig(), null, 2) + '\n');
  flushChanges(tree.root, tree.listChanges());
  const check = prettierCheck(tree.root, ['nx.json', 'package.json', '.gitignore']);
  assert.is(check.status, 0, check.output);
});

test('init without Prettier in the workspace, or with NX_SKIP_FORMAT=true: nx.json as Nx writes it (2-space JSON)', async () => {
  const expected = JSON.stringify({ ...JSON.parse(NX_JSON), plugins: ['@monocov/nx'] }, null, 2) + '\n';
  const plain = workspaceTree(prettierWorkspace(undefined));
  await initGenerator(plain, {});
  assert.is(plain.read('nx.json', 'utf-8'), expected, 'no Prettier config');
  const skipped = workspaceTree(prettierWorkspace('{ "printWidth": 120 }\n'));
  process.env.NX_SKIP_FORMAT = 'true';
  try {
    await initGenerator(skipped, {});
  } finally {
    delete process.env.NX_SKIP_FORMAT;
  }
  assert.is(skipped.read('nx.json', 'utf-8'), expected, 'NX_SKIP_FORMAT=true');
});

test("configuration lays the project file out with the workspace's Prettier and .editorconfig", async () => {
  const tree = workspaceTree({ ...prettierWorkspace('{ "printWidth": 120 }\n'), '.editorconfig': '[*]\nindent_style = space\nindent_size = 4\n' });
  await configurationGenerator(tree, { project: 'a' });
  const written = tree.read('packages/a/project.json', 'utf-8') ?? '';
  assert.match(written, '\n    "tags": ["lib"],\n');
  flushChanges(tree.root, tree.listChanges());
  const check = prettierCheck(tree.root, ['packages/a/project.json']);
  assert.is(check.status, 0, check.output);
});

/** What the generator printed as warnings while `run` ran. */
async function printed(run: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => lines.push(args.join(' '));
  try {
    await run();
  } finally {
    console.warn = original;
  }
  return lines;
}

test.run();
