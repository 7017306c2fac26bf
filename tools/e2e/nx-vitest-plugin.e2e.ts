// pnpm workspaces with Nx 22 whose test targets @nx/vitest infers, laid out like
// typescript-eslint/typescript-eslint: each package a package.json project whose `test` script calls
// nx itself and is no target (`nx.includedScripts`), a vitest.config.mts per package merging a root
// vitest.config.base.mts (its coverage.exclude names test inputs under src/**/fixtures/, some invalid
// on purpose), a root vitest.config.mts with `projects` that the plugin entry's `exclude: ["*"]` keeps
// from being a test target, `test` depending on `^build` through targetDefaults (a package's tests
// load another's built dist/), a package.json `nx.targets.test` that only adds dependsOn, and root
// scripts that pass project lists space-separated (`--exclude docs integration-tests`).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertSameAsRunner, readJson, STREAM_TASK_OUTPUT } from './lib';
import { nxAddScenario } from './nx-add';

const NX = '22.6.1';
const VITEST = '4.1.12';
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const vitestConfig = (name: string) =>
  "import { defineProject, mergeConfig } from 'vitest/config';\n" +
  "import { vitestBaseConfig } from '../../vitest.config.base.mts';\n\n" +
  `export default mergeConfig(vitestBaseConfig, defineProject({ root: import.meta.dirname, test: { dir: 'tests', name: '${name}' } }));\n`;
/** A package as typescript-eslint declares one: its test script runs nx, which runs the target @nx/vitest infers. */
const member = (name: string, extra: Record<string, unknown> = {}, nx: Record<string, unknown> = {}) =>
  json({
    name: `@acme/${name}`,
    version: '1.0.0',
    type: 'module',
    scripts: { clean: 'rm -rf dist coverage', test: 'pnpm -w exec nx test' },
    ...extra,
    nx: { name, includedScripts: ['clean'], ...nx },
  });

const steps = nxAddScenario({
  name: 'nx-vitest-plugin',
  manager: 'pnpm',
  files: {
    'package.json': json({
      name: '@acme/monorepo',
      private: true,
      packageManager: 'pnpm@10.34.9',
      type: 'module',
      scripts: { test: 'nx run-many -t test --exclude docs integration-tests' },
      nx: { name: 'repo', includedScripts: [] },
      devDependencies: { nx: NX, '@nx/vitest': NX, vitest: VITEST, '@vitest/coverage-v8': VITEST, vite: '7.3.0', typescript: '5.9.3' },
    }),
    'pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
    'nx.json': json({
      $schema: './node_modules/nx/schemas/nx-schema.json',
      plugins: [{ plugin: '@nx/vitest', exclude: ['*'], options: { testTargetName: 'test' } }],
      namedInputs: { default: ['{projectRoot}/**/*'], production: ['default', '!{projectRoot}/tests/**/*', '!{projectRoot}/vitest.config.mts'] },
      targetDefaults: {
        build: { cache: true, dependsOn: ['^build'], outputs: ['{projectRoot}/dist'] },
        test: { dependsOn: ['^build'], options: { config: 'vitest.config.mts' }, inputs: ['default', '{workspaceRoot}/vitest.config.base.mts'] },
      },
    }),
    '.gitignore': 'node_modules\n.nx\ndist\n',
    'vitest.config.base.mts':
      "export const vitestBaseConfig = {\n  test: {\n    coverage: { exclude: ['**/fixtures/'], include: ['src/**/*.{ts,tsx,js,jsx}'] },\n    globals: true,\n    include: ['**/*.test.?(c|m)ts?(x)'],\n    isolate: false,\n    watch: false,\n  },\n};\n",
    'vitest.config.mts':
      "import { defineConfig, mergeConfig } from 'vitest/config';\nimport { vitestBaseConfig } from './vitest.config.base.mts';\n\n" +
      "export default mergeConfig(vitestBaseConfig, defineConfig({ test: { projects: ['packages/*/vitest.config.mts', '!packages/integration-tests/vitest.config.mts'] } }));\n",
    // Built into dist/ (plain JavaScript copied, as tsc would emit it): scope-manager's tests load the build.
    'packages/visitor-keys/package.json': member(
      'visitor-keys',
      { main: 'dist/index.js', scripts: { build: 'node build.mjs', clean: 'rm -rf dist coverage', test: 'pnpm -w exec nx test' } },
      { includedScripts: ['build', 'clean'] },
    ),
    'packages/visitor-keys/build.mjs': "import { cpSync } from 'node:fs';\ncpSync('src', 'dist', { recursive: true });\n",
    'packages/visitor-keys/vitest.config.mts': vitestConfig('visitor-keys'),
    'packages/visitor-keys/src/index.js':
      "export const visitorKeys = { Program: ['body'], Identifier: [] };\n\nexport function getKeys(node) {\n  return visitorKeys[node.type] ?? Object.keys(node).filter((key) => key !== 'type');\n}\n",
    'packages/visitor-keys/tests/keys.test.ts': "import { getKeys } from '../src/index.js';\n\ntest('Program', () => expect(getKeys({ type: 'Program' })).toEqual(['body']));\n",
    'packages/scope-manager/package.json': member('scope-manager', { dependencies: { '@acme/visitor-keys': 'workspace:*' } }),
    'packages/scope-manager/vitest.config.mts': vitestConfig('scope-manager'),
    'packages/scope-manager/src/analyze.ts':
      "import { getKeys } from '@acme/visitor-keys';\n\nexport function children(node: { type: string }): string[] {\n  return getKeys(node);\n}\n\nexport function isGlobal(scope: string): boolean {\n  if (scope === 'global') {\n    return true;\n  }\n  return false;\n}\n",
    'packages/scope-manager/tests/analyze.test.ts':
      "import { children, isGlobal } from '../src/analyze';\n\ntest('children come from the built visitor-keys', () => expect(children({ type: 'Program' })).toEqual(['body']));\ntest('isGlobal', () => expect(isGlobal('global')).toBe(true));\n",
    // Its package.json `test` entry only adds dependsOn; the target itself is @nx/vitest's. Test inputs
    // sit under src/**/fixtures/, one of them invalid on purpose.
    'packages/ast-spec/package.json': member('ast-spec', {}, { targets: { test: { dependsOn: ['^build'] } } }),
    'packages/ast-spec/vitest.config.mts': vitestConfig('ast-spec'),
    'packages/ast-spec/src/kinds.ts':
      "export const kinds = ['ClassDeclaration', 'Identifier'];\n\nexport function isKind(name: string): boolean {\n  return kinds.includes(name);\n}\n",
    'packages/ast-spec/src/ClassDeclaration/fixtures/_error_/missing-name/fixture.ts': 'class {}\n',
    'packages/ast-spec/src/ClassDeclaration/fixtures/basic/fixture.ts': 'class Foo {}\n',
    'packages/ast-spec/tests/fixtures.test.ts':
      "import { readdirSync } from 'node:fs';\nimport { join } from 'node:path';\nimport { isKind } from '../src/kinds';\n\n" +
      "test('every fixture folder names a kind', () => {\n  expect(readdirSync(join(import.meta.dirname, '../src')).filter((entry) => !entry.includes('.')).every(isKind)).toBe(true);\n});\n",
    // Left out of the repository's test script (it needs a registry); measured when run.
    'packages/integration-tests/package.json': member('integration-tests'),
    'packages/integration-tests/vitest.config.mts': vitestConfig('integration-tests'),
    'packages/integration-tests/src/pack.ts':
      "export function tarballName(name: string, version: string): string {\n  return `${name.replace('@', '').replace('/', '-')}-${version}.tgz`;\n}\n",
    'packages/integration-tests/tests/pack.test.ts':
      "import { tarballName } from '../src/pack';\n\ntest('tarballName', () => expect(tarballName('@acme/x', '1.0.0')).toBe('acme-x-1.0.0.tgz'));\n",
    // The website: no Vitest config, no tests.
    'packages/docs/package.json': json({ name: '@acme/docs', private: true, scripts: { build: 'node -e 0' }, nx: { name: 'docs', includedScripts: [] } }),
  },
  tested: {
    'ast-spec': ['packages/ast-spec/src/kinds.ts'],
    'integration-tests': ['packages/integration-tests/src/pack.ts'],
    'scope-manager': ['packages/scope-manager/src/analyze.ts'],
    'visitor-keys': ['packages/visitor-keys/src/index.js'],
  },
  untested: ['docs', 'repo'],
  // What the workspace's own Vitest coverage settings say (include src/**, exclude fixtures/), in monocov's terms.
  coverageRc: { run: { include: ['src/**'], omit: ['**/fixtures/**'] } },
});

/** Nx ran the task rather than replaying it from its cache. */
const ranTask = (output: string, task: string) => new RegExp(`nx run ${task}(?![:\\w])(?![^\\n]*\\[[^\\]]*cache[^\\]]*\\])`).test(output);

test('nx-vitest-plugin: init credits @nx/vitest with the test targets, also the one a package.json entry adds dependsOn to; the website gets none', () => {
  const output = steps.nxOk(['g', '@monocov/nx:init']);
  for (const project of ['ast-spec', 'integration-tests', 'scope-manager', 'visitor-keys'])
    assert.match(output, `packages/${project}: runs "test" (@nx/vitest (vitest.config.mts))`);
  assert.match(output, /packages\/docs: no test target/);
});

test('nx-vitest-plugin: test inputs under src/**/fixtures/ that run.omit names are neither measured nor parsed by Vitest', () => {
  const output = steps.nxOk(['run', 'ast-spec:coverage', '--skip-nx-cache']);
  assert.not.match(output, /Failed to parse|cannot parse/);
  const data = readJson(join(steps.workspace().root, 'coverage/projects/packages/ast-spec/coverage-final.json'));
  assert.equal(Object.keys(data), ['packages/ast-spec/src/kinds.ts']);
});

test("nx-vitest-plugin: the numbers are Vitest's own: `nx run <p>:test --coverage` writes the same counts for every file", () => {
  const { root, scratch } = steps.workspace();
  for (const project of ['ast-spec', 'scope-manager', 'visitor-keys']) {
    const own = join(scratch, `vitest-own-${project}`);
    steps.nxOk(['run', `${project}:test`, '--skip-nx-cache', '--coverage.enabled', '--coverage.reporter=json', `--coverage.reportsDirectory=${own}`]);
    const compared = assertSameAsRunner(join(own, 'coverage-final.json'), join(root, 'coverage/projects/packages', project, 'coverage-final.json'), root);
    assert.ok(compared.length > 0, `${project}: Vitest measured files`);
  }
});

test('nx-vitest-plugin: space-separated lists, as the root script writes them: `--exclude docs integration-tests` and `-p scope-manager ast-spec repo`', () => {
  const { root } = steps.workspace();
  const before = readFileSync(join(root, 'coverage/projects/packages/integration-tests/coverage-final.json'), 'utf8');
  const excluded = steps.nxOk(['run-many', '-t', 'coverage', '--exclude', 'docs', 'integration-tests', '--skip-nx-cache', STREAM_TASK_OUTPUT]);
  assert.match(excluded, 'monocov: integration-tests is not measured in this run');
  for (const project of ['ast-spec', 'scope-manager', 'visitor-keys']) assert.match(excluded, `monocov: ${project}: statements`);
  assert.is(readFileSync(join(root, 'coverage/projects/packages/integration-tests/coverage-final.json'), 'utf8'), before);
  const selected = steps.nxOk(['run-many', '-t', 'coverage', '-p', 'scope-manager', 'ast-spec', 'repo', '--skip-nx-cache', STREAM_TASK_OUTPUT]);
  for (const project of ['integration-tests', 'visitor-keys']) assert.match(selected, `monocov: ${project} is not measured in this run`);
  for (const project of ['ast-spec', 'scope-manager']) assert.match(selected, `monocov: ${project}: statements`);
  assert.match(selected, /monocov merge: wrote coverage\/workspace\/coverage-final\.json/);
});

test("nx-vitest-plugin: nx affected -t coverage after an edit of visitor-keys runs its tests; the other projects' data comes from the cache, as their test targets' would", () => {
  const { root } = steps.workspace();
  steps.nxOk(['run-many', '-t', 'coverage']);
  const source = join(root, 'packages/visitor-keys/src/index.js');
  writeFileSync(source, `${readFileSync(source, 'utf8')}\nexport const unused = () => 0;\n`);
  // The edit is uncommitted: Nx counts uncommitted changes as affected against --base=HEAD.
  const output = steps.nxOk(['affected', '-t', 'coverage', '--base=HEAD']);
  assert.match(output, /Running target coverage for 3 projects[^]*- visitor-keys\n[^]*- scope-manager\n[^]*- repo\n/);
  assert.ok(ranTask(output, 'visitor-keys:coverage'), output);
  // scope-manager is affected, but its coverage target hashes what its test target does (`default` and
  // the base config, not ^production, as typescript-eslint's targetDefaults say): Nx takes it from the cache.
  for (const task of ['scope-manager:coverage', 'ast-spec:coverage', 'integration-tests:coverage']) assert.ok(!ranTask(output, task), `${task} from the cache\n${output}`);
  const merged = readJson(join(root, 'coverage/workspace/coverage-final.json'));
  assert.equal(Object.values(merged['packages/visitor-keys/src/index.js'].f), [1, 0, 0]);
  assert.ok(merged['packages/scope-manager/src/analyze.ts'], 'scope-manager in the merged report');
});

test.run();
