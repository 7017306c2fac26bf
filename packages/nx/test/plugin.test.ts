import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NO_TEST_FILES } from '@monocov/core';
import { analyzeWorkspace, createNodesV2, normalizeOptions, type MonocovPluginOptions } from '../src/plugins/plugin';
import { createFixtureWorkspace, removeWorkspace } from './helpers/fixture-workspace';

// The plugin run on temp file trees, as Nx runs it: the project files Nx globs, the nx.json it
// reads. Test plugins registered in nx.json (@nx/jest, @nx/vitest) are the real ones installed
// in this repository.

const roots: string[] = [];
test.after(() => roots.forEach(removeWorkspace));

async function inferred(files: Record<string, string>, options?: MonocovPluginOptions) {
  const root = createFixtureWorkspace(files);
  roots.push(root);
  const configFiles = Object.keys(files).filter((file) => /(^|\/)(package|project)\.json$/.test(file));
  const nxJsonConfiguration = files['nx.json'] ? JSON.parse(files['nx.json']) : {};
  const results = await createNodesV2[1](configFiles, options, { workspaceRoot: root, nxJsonConfiguration });
  const projects: Record<string, any> = {};
  for (const [, result] of results) {
    for (const [projectRoot, project] of Object.entries(result.projects ?? {})) {
      projects[projectRoot] = { ...projects[projectRoot], ...project, targets: { ...projects[projectRoot]?.targets, ...project.targets } };
    }
  }
  return projects;
}

const coverageTargets = (projects: Record<string, any>) =>
  Object.fromEntries(
    Object.entries(projects).flatMap(([root, project]) => (project.targets?.coverage?.executor === '@monocov/nx:coverage' ? [[root, project.targets.coverage]] : [])),
  );

const json = (value: unknown) => JSON.stringify(value, null, 2);
/** A test file: a project gets a coverage target only when its test run would find one. */
const aTest = "require('node:test');\n";
/** An npm lockfile listing these packages: Nx has external nodes only for what the lockfile lists. */
const lockfile = (...names: string[]) => json({ lockfileVersion: 3, packages: Object.fromEntries(names.map((name) => [`node_modules/${name}`, { version: '1.0.0' }])) });

test("npm workspaces: scripts of members become coverage targets, with Nx's default inputs and the declared tool versions", async () => {
  const projects = await inferred({
    'package.json': json({ name: 'acme', private: true, workspaces: ['libs/*'], devDependencies: { uvu: '*', tsx: '*', '@vitest/coverage-v8': '*', vitest: '*' } }),
    'nx.json': json({}),
    // @vitest/coverage-v8 is declared but not in the lockfile (not installed yet): Nx would fail a task naming it.
    'package-lock.json': lockfile('uvu', 'tsx', 'vitest'),
    'libs/scripted/package.json': json({ name: 'scripted', scripts: { test: 'uvu -r tsx/cjs test' } }),
    'libs/untested/package.json': json({ name: 'untested', scripts: { test: 'echo "Error: no test specified" && exit 1' } }),
    'fixtures/stray/package.json': json({ name: 'stray', scripts: { test: 'node --test' } }),
  });
  assert.equal(Object.keys(coverageTargets(projects)), ['libs/scripted']);
  assert.equal(projects['libs/scripted'].targets.coverage, {
    executor: '@monocov/nx:coverage',
    options: { testTarget: 'test' },
    cache: true,
    // Of the rc file, only the `run` options (hashed by @monocov/core's script): thresholds rerun the merge alone.
    inputs: [
      'default',
      '^default',
      { runtime: 'node node_modules/@monocov/core/bin/run-options-hash.js' },
      { externalDependencies: ['tsx', 'uvu', 'vitest'] },
      // Set only when --exclude/--projects leaves the task out of a run.
      { env: 'MONOCOV_NX_NOT_SELECTED_LIBS_SCRIPTED' },
    ],
    outputs: ['{workspaceRoot}/coverage/projects/{projectRoot}'],
    metadata: { description: 'Runs the "test" target under V8 coverage, and writes this project\'s coverage data', technologies: ['monocov'] },
  });
});

test('the root project gets the merge target, ordered after every coverage task', async () => {
  const projects = await inferred({
    'package.json': json({ name: 'acme', private: true, workspaces: { packages: ['libs/*'] } }),
    'libs/a/package.json': json({ name: 'a', scripts: { test: 'node --test' } }),
    'libs/a/test/a.test.js': aTest,
  });
  assert.equal(projects['.'], {
    name: 'acme',
    implicitDependencies: ['*'],
    targets: {
      coverage: {
        executor: '@monocov/nx:merge',
        cache: true,
        dependsOn: ['^coverage'],
        inputs: ['{workspaceRoot}/.coveragerc.json', { dependentTasksOutputFiles: '**/*.json', transitive: true }],
        outputs: ['{workspaceRoot}/coverage/workspace'],
        metadata: { description: "Merges every project's coverage data into the workspace report and checks thresholds", technologies: ['monocov'] },
      },
    },
  });
  assert.ok(projects['libs/a'].targets.coverage, 'the object form of `workspaces` is read');
});

test('pnpm-workspace.yaml with a negation; test:* targets that run a runner, not lint, type, build or knip checks, nor nx itself', async () => {
  const projects = await inferred({
    'package.json': json({ name: 'pnpm-repo', private: true, scripts: { 'test:lib': 'nx affected --target=test:lib', test: 'pnpm -r test' } }),
    'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  - 'examples/*'\n  - '!examples/ignored'\n",
    'packages/store/package.json': json({
      name: 'store',
      scripts: {
        'test:lib': 'vitest --run',
        'test:eslint': 'eslint src',
        'test:types': 'tsc --noEmit',
        'test:build': 'vite build',
        'test:knip': 'knip',
        'test:unit': 'pnpm run unit',
        unit: 'jest --ci',
      },
    }),
    'packages/store/src/store.test.ts': aTest,
    'examples/app/package.json': json({ name: 'app', scripts: { build: 'vite build', dev: 'vite' } }),
    'examples/app/vite.config.ts': 'export default {};\n',
    'examples/ignored/package.json': json({ name: 'ignored', scripts: { test: 'vitest run' } }),
  });
  assert.equal(Object.keys(coverageTargets(projects)), ['packages/store']);
  const coverage = projects['packages/store'].targets.coverage;
  assert.equal(coverage.options, { testTarget: ['test:lib', 'test:unit'] });
  assert.is(
    coverage.metadata.description,
    'Runs the "test:lib" target with Vitest\'s own coverage, then the "test:unit" target with Jest\'s own coverage, and writes this project\'s coverage data',
  );
  assert.equal(coverage.metadata.technologies, ['monocov', 'vitest', 'jest']);
  assert.not.ok(projects['.'].targets['coverage'].executor === '@monocov/nx:coverage');
});

test('watch modes, benchmarks and variants of a selected test target are left out; sibling suites stay; a named target is always taken', async () => {
  const files = {
    'package.json': json({ name: 'acme', private: true, workspaces: ['packages/*'] }),
    'packages/store/package.json': json({ name: 'store', scripts: { 'test:lib': 'vitest', 'test:lib:dev': 'pnpm run test:lib --watch', 'test:bench': 'vitest bench' } }),
    'packages/vue/package.json': json({
      name: 'vue',
      scripts: {
        'test:lib': 'pnpm run test:lib:3',
        'test:lib:2': 'vue-demi-switch 2 vue2 && vitest',
        'test:lib:2.7': 'vue-demi-switch 2.7 vue2.7 && vitest',
        'test:lib:3': 'vue-demi-switch 3 && vitest',
        'test:lib:fixme': 'pnpm run test:lib:2 && pnpm run test:lib:2.7 && pnpm run test:lib:3',
      },
    }),
    'packages/suites/package.json': json({
      name: 'suites',
      scripts: { test: 'npm run test:unit && npm run test:integration', 'test:unit': 'jest', 'test:integration': 'jest -c jest.integration.js', 'test:watch': 'jest --watchAll' },
    }),
    'packages/store/src/store.test.ts': aTest,
    'packages/vue/src/vue.spec.ts': aTest,
    'packages/suites/src/suite.test.js': aTest,
    'packages/watch-only/package.json': json({ name: 'watch-only', scripts: { test: 'vitest watch' } }),
  };
  const projects = await inferred(files);
  assert.equal(Object.keys(coverageTargets(projects)), ['packages/store', 'packages/vue', 'packages/suites']);
  assert.equal(projects['packages/store'].targets.coverage.options, { testTarget: 'test:lib' });
  assert.equal(projects['packages/vue'].targets.coverage.options, { testTarget: 'test:lib' });
  assert.equal(projects['packages/suites'].targets.coverage.options, { testTarget: ['test:integration', 'test:unit'] });
  assert.is(projects['packages/vue'].targets.coverage.metadata.description, 'Runs the "test:lib" target with Vitest\'s own coverage, and writes this project\'s coverage data');
  const named = await inferred(files, { testTargetName: ['test:lib', 'test:lib:2'] });
  assert.equal(named['packages/vue'].targets.coverage.options, { testTarget: ['test:lib', 'test:lib:2'] });
});

test('testTargetName takes one name or a list', async () => {
  const files = {
    'package.json': json({ name: 'acme', private: true, workspaces: ['libs/*'] }),
    'libs/a/package.json': json({ name: 'a', scripts: { spec: 'node --test', integration: 'node --test test/integration', test: 'node --test' } }),
    'libs/a/test/a.test.js': aTest,
  };
  assert.equal((await inferred(files, { testTargetName: 'spec' }))['libs/a'].targets.coverage.options, { testTarget: 'spec' });
  assert.equal((await inferred(files, { testTargetName: ['spec', 'integration'] }))['libs/a'].targets.coverage.options, { testTarget: ['integration', 'spec'] });
});

test('an integrated repo: project.json targets, their own inputs, dependsOn and configurations; an e2e project gets none', async () => {
  const projects = await inferred({
    'package.json': json({ name: 'integrated', private: true }),
    'nx.json': json({ namedInputs: { production: ['default'] }, targetDefaults: { test: { dependsOn: ['^build'] } } }),
    'libs/explicit/project.json': json({
      name: 'explicit',
      targets: {
        test: {
          command: 'node --test',
          inputs: ['default', '^production', '{workspaceRoot}/jest.preset.js'],
          configurations: { ci: { command: 'node --test --test-reporter=dot' } },
        },
      },
    }),
    'libs/explicit/package.json': json({ name: 'explicit-pkg', scripts: { test: 'ignored: project.json wins' } }),
    'libs/explicit/test/explicit.test.js': aTest,
    'apps/web-e2e/project.json': json({ name: 'web-e2e', targets: { test: { executor: '@nx/playwright:playwright' }, e2e: { command: 'playwright test' } } }),
    'apps/cy-e2e/project.json': json({ name: 'cy-e2e', targets: { test: { command: 'cypress run' } } }),
  });
  assert.equal(Object.keys(coverageTargets(projects)), ['libs/explicit']);
  const coverage = projects['libs/explicit'].targets.coverage;
  assert.equal(coverage.dependsOn, ['^build']);
  assert.equal(coverage.inputs.slice(0, 4), ['default', '^production', '{workspaceRoot}/jest.preset.js', { runtime: 'node node_modules/@monocov/core/bin/run-options-hash.js' }]);
  assert.equal(coverage.configurations, { ci: {} });
});

test('Playwright e2e projects get a coverage target crediting workspace files, whatever their specs import; Cypress gets none', async () => {
  const spec = "import { test, expect } from '@playwright/test';\n\ntest('home', async ({ page }) => {\n  await page.goto('/');\n});\n";
  const projects = await inferred({
    'package.json': json({ name: 'browser-repo', private: true, workspaces: ['apps/script-e2e'] }),
    'nx.json': json({ plugins: [{ plugin: '@nx/playwright/plugin', options: { targetName: 'e2e', ciTargetName: 'e2e-ci' } }] }),
    // Inferred by @nx/playwright/plugin from its config (read as the plugin would: it is not installed here).
    'apps/web-e2e/project.json': json({ name: 'web-e2e', implicitDependencies: ['web'] }),
    'apps/web-e2e/playwright.config.ts': "import { defineConfig } from '@playwright/test';\nexport default defineConfig({ testDir: './src' });\n",
    'apps/web-e2e/src/home.spec.ts': spec,
    // A project.json target of @nx/playwright's executor, any name; a fixtures file extending playwright/test.
    'apps/admin-e2e/project.json': json({
      name: 'admin-e2e',
      targets: { 'e2e-chrome': { executor: '@nx/playwright:playwright', options: { config: 'apps/admin-e2e/pw.config.ts' } } },
    }),
    'apps/admin-e2e/src/fixtures.ts': "import { test as base } from 'playwright/test';\nexport const test = base.extend({});\n",
    'apps/admin-e2e/src/admin.spec.ts': "import { test } from './fixtures';\n\ntest('admin', async ({ page }) => {\n  await page.goto('/admin');\n});\n",
    // A command that runs playwright test.
    'apps/plain-e2e/project.json': json({ name: 'plain-e2e', targets: { e2e: { command: 'playwright test' } } }),
    'apps/plain-e2e/src/home.spec.ts': spec,
    // A script that runs Playwright through another script, as TanStack Router's e2e apps do.
    'apps/script-e2e/package.json': json({
      name: 'script-e2e',
      scripts: { 'test:e2e': 'rm -rf port*.txt; pnpm run test:e2e:default', 'test:e2e:default': 'playwright test --project=chromium' },
    }),
    'apps/script-e2e/tests/home.spec.ts': spec,
    'apps/cy-e2e/project.json': json({ name: 'cy-e2e', targets: { e2e: { executor: '@nx/cypress:cypress' } } }),
  });
  assert.equal(Object.keys(coverageTargets(projects)).sort(), ['apps/admin-e2e', 'apps/plain-e2e', 'apps/script-e2e', 'apps/web-e2e']);
  assert.equal(projects['apps/script-e2e'].targets.coverage.options, { testTarget: 'test:e2e', source: 'workspace' });
  const web = projects['apps/web-e2e'].targets.coverage;
  assert.equal(web.options, { testTarget: 'e2e', source: 'workspace' });
  assert.match(web.metadata.description, /"e2e" target in Chromium and under V8 coverage/);
  assert.equal(projects['apps/admin-e2e'].targets.coverage.options, { testTarget: 'e2e-chrome', source: 'workspace' });
  assert.equal(projects['apps/plain-e2e'].targets.coverage.options, { testTarget: 'e2e', source: 'workspace' });
});

test('targets that run the same executor with the same options are one run: the first is measured, init names the others', async () => {
  // As nrwl/nx-console's vscode-e2e: `e2e` and `e2e-local` both run `playwright test -c apps/vscode-e2e/playwright.config.ts`.
  const playwright = { command: 'playwright test -c apps/vscode-e2e/playwright.config.ts' };
  const root = createFixtureWorkspace({
    'package.json': json({ name: 'console-repo', private: true }),
    'apps/vscode-e2e/project.json': json({
      name: 'vscode-e2e',
      targets: { e2e: playwright, 'e2e-local': playwright, 'e2e-headed': { command: 'playwright test -c apps/vscode-e2e/playwright.config.ts --headed' } },
    }),
    'apps/vscode-e2e/specs/open.spec.ts': "import { test } from '@playwright/test';\n\ntest('opens', async () => {});\n",
  });
  roots.push(root);
  const analysis = await analyzeWorkspace(['package.json', 'apps/vscode-e2e/project.json'], normalizeOptions({}), { workspaceRoot: root, nxJsonConfiguration: {} });
  const finding = analysis.projects.find((entry) => entry.root === 'apps/vscode-e2e')!;
  assert.equal(
    finding.testTargets.map((entry) => entry.name),
    ['e2e', 'e2e-headed'],
  );
  assert.equal(finding.skipped, [{ name: 'e2e-local', reason: 'it runs what e2e runs ("playwright test -c apps/vscode-e2e/playwright.config.ts"), which is measured already' }]);
});

test('init names a Cypress target of any name as not supported, and why', async () => {
  const root = createFixtureWorkspace({
    'package.json': json({ name: 'cy-repo', private: true }),
    'apps/cy-e2e/project.json': json({ name: 'cy-e2e', targets: { e2e: { executor: '@nx/cypress:cypress' }, 'e2e:ci': { command: 'cypress run --headless' } } }),
    'apps/cy-e2e/src/e2e/app.cy.ts': "it('loads', () => {});\n",
  });
  roots.push(root);
  const analysis = await analyzeWorkspace(['package.json', 'apps/cy-e2e/project.json'], normalizeOptions({}), { workspaceRoot: root, nxJsonConfiguration: {} });
  const finding = analysis.projects.find((entry) => entry.root === 'apps/cy-e2e')!;
  assert.equal(finding.testTargets, []);
  assert.equal(
    finding.skipped.map((entry) => entry.name),
    ['e2e', 'e2e:ci'],
  );
  for (const entry of finding.skipped)
    assert.match(entry.reason, /^it runs Cypress, which monocov does not support: the V8 coverage of code run in a browser comes only from Chromium driven by Playwright/);
});

test('@nx/jest/plugin: its inferred test target is asked for, with the inputs it names (a root jest.preset.js); a project.json test entry with only options still runs Jest', async () => {
  const projects = await inferred({
    'package.json': json({ name: 'jest-repo', private: true, devDependencies: { jest: '*', 'ts-jest': '*' } }),
    'nx.json': json({ plugins: [{ plugin: '@nx/jest/plugin', options: { targetName: 'unit' } }] }),
    'package-lock.json': lockfile('jest', 'ts-jest'),
    'jest.preset.js': 'module.exports = { testEnvironment: "node" };\n',
    'libs/a/project.json': json({ name: 'a', targets: { unit: { options: { passWithNoTests: true } } } }),
    'libs/a/jest.config.js': "module.exports = { preset: '../../jest.preset.js', displayName: 'a' };\n",
    'libs/a/src/a.spec.js': aTest,
    'libs/b/project.json': json({ name: 'b' }),
  });
  assert.equal(Object.keys(coverageTargets(projects)), ['libs/a']);
  const coverage = projects['libs/a'].targets.coverage;
  assert.equal(coverage.options, { testTarget: 'unit' });
  assert.match(coverage.metadata.description, /"unit" target with Jest's own coverage/);
  assert.ok(coverage.inputs.includes('{workspaceRoot}/jest.preset.js'), JSON.stringify(coverage.inputs));
  assert.ok(
    coverage.inputs.some((input: any) => input.externalDependencies?.includes('jest')),
    "the plugin's externalDependencies input carries over",
  );
  assert.ok(
    coverage.inputs.some((input: any) => input.externalDependencies?.includes('ts-jest')),
    "monocov's version inputs name the provider packages",
  );
});

test('@nx/vitest: a Vite app without a `test` section gets no coverage target; a Vitest config does', async () => {
  const projects = await inferred({
    'package.json': json({ name: 'vite-repo', private: true }),
    'nx.json': json({ plugins: [{ plugin: '@nx/vitest', options: { testTargetName: 'vite:test' } }] }),
    'apps/site/project.json': json({ name: 'site' }),
    'apps/site/vite.config.mjs': 'export default { build: { outDir: "dist" } };\n',
    'libs/ui/project.json': json({ name: 'ui' }),
    'libs/ui/vitest.config.mjs': 'export default { test: { include: ["src/**/*.test.ts"] } };\n',
  });
  assert.equal(Object.keys(coverageTargets(projects)), ['libs/ui']);
  assert.equal(projects['libs/ui'].targets.coverage.options, { testTarget: 'vite:test' });
  assert.match(projects['libs/ui'].targets.coverage.metadata.description, /with Vitest's own coverage/);
});

test("@nx/vitest under a package.json `nx.targets.test` that only adds dependsOn (typescript-eslint's ast-spec): init names the plugin as the target's source", async () => {
  const files = {
    'package.json': json({ name: 'repo', private: true, workspaces: ['packages/*'] }),
    'nx.json': json({ plugins: [{ plugin: '@nx/vitest', exclude: ['*'], options: { testTargetName: 'test' } }] }),
    // Its `test` script calls nx itself and is no target (includedScripts): the test target is the plugin's.
    'packages/ast-spec/package.json': json({
      name: '@acme/ast-spec',
      scripts: { test: 'pnpm -w exec nx test', clean: 'rimraf dist' },
      nx: { includedScripts: ['clean'], targets: { test: { dependsOn: ['^build'] } } },
    }),
    'packages/ast-spec/vitest.config.mjs': 'export default { test: { include: ["tests/**/*.test.ts"] } };\n',
    'packages/ast-spec/tests/a.test.ts': aTest,
  };
  const root = createFixtureWorkspace(files);
  roots.push(root);
  const analysis = await analyzeWorkspace(['package.json', 'packages/ast-spec/package.json'], normalizeOptions({}), {
    workspaceRoot: root,
    nxJsonConfiguration: JSON.parse(files['nx.json']),
  });
  const finding = analysis.projects.find((entry) => entry.root === 'packages/ast-spec')!;
  assert.equal(
    finding.testTargets.map((entry) => [entry.name, entry.source, entry.runner?.runners, entry.target.dependsOn]),
    [['test', '@nx/vitest (vitest.config.mjs)', ['vitest'], ['^build']]],
  );
});

// Guards: runners/provider.ts measuresVitestInBrowser, the choice collection/runner.ts makes at run time.
test("Vitest browser mode: described as measured in Chromium only where monocov's provider measures it; Vitest's own coverage otherwise", async () => {
  const browser = "browser: { enabled: true, provider: 'playwright', instances: [{ browser: 'chromium' }] }";
  const project = (name: string, config: string, test = 'vitest run') => ({
    [`libs/${name}/package.json`]: json({ name, scripts: { test } }),
    [`libs/${name}/vitest.config.ts`]: `export default { test: { ${config} } };\n`,
    [`libs/${name}/src/a.test.ts`]: aTest,
  });
  const projects = await inferred({
    'package.json': json({ name: 'acme', private: true, workspaces: ['libs/*'] }),
    ...project('browser', browser),
    ...project('browser-named-v8', `${browser}, coverage: { provider: 'v8' }`),
    ...project('mixed', `projects: [{ test: { name: 'node' } }, { test: { name: 'browser', ${browser} } }]`),
    ...project('istanbul', `${browser}, coverage: { provider: 'istanbul' }`),
    ...project('flag-only', "include: ['src/**/*.test.ts']", 'vitest run --browser.enabled --browser.name=chromium'),
  });
  const described = Object.fromEntries(Object.entries(coverageTargets(projects)).map(([root, target]) => [root, target.metadata.description]));
  const inBrowser = 'Runs the "test" target in Chromium under V8 coverage (Vitest browser mode, through monocov\'s provider), and writes this project\'s coverage data';
  const own = 'Runs the "test" target with Vitest\'s own coverage, and writes this project\'s coverage data';
  assert.equal(described, { 'libs/browser': inBrowser, 'libs/browser-named-v8': inBrowser, 'libs/mixed': own, 'libs/istanbul': own, 'libs/flag-only': own });
});

test('target names follow the options', async () => {
  const projects = await inferred(
    {
      'package.json': json({ name: 'acme', private: true, workspaces: ['libs/*'] }),
      'libs/a/package.json': json({ name: 'a', scripts: { test: 'node --test' } }),
      'libs/a/test/a.test.js': aTest,
    },
    { targetName: 'cov', mergeTargetName: 'cov-merge' },
  );
  assert.ok(projects['libs/a'].targets.cov);
  assert.equal(projects['.'].targets['cov-merge'].dependsOn, ['^cov']);
});

test("a tested root project's coverage target declares projects/.root, where its data goes, not the whole projects folder", async () => {
  // The `nx` key makes Nx treat a root package.json outside any workspaces as a project.
  const tested = { 'package.json': JSON.stringify({ name: 'solo', private: true, scripts: { test: 'node --test' }, nx: {} }), 'nx.json': '{}', 'test/solo.test.js': aTest };
  const soloRoot = createFixtureWorkspace(tested);
  try {
    const [[, result]] = await createNodesV2[1](['package.json'], { mergeTargetName: 'coverage-merge' }, { workspaceRoot: soloRoot, nxJsonConfiguration: {} });
    assert.equal(result.projects!['.']!.targets!.coverage!.outputs, ['{workspaceRoot}/coverage/projects/.root']);
  } finally {
    removeWorkspace(soloRoot);
  }
});

test("a project whose test run would find no test file gets no coverage target, with the reason; node --test's default names count, and so does a run that picks its own files", async () => {
  const node = (name: string) => json({ name, scripts: { test: 'node --test' } });
  const projects = await inferred({
    'package.json': json({ name: 'acme', private: true, workspaces: ['apps/*', 'libs/*'] }),
    // Vitest, Jest and `ng test` find no file: the run would fail every time.
    'apps/vitest-app/package.json': json({ name: 'vitest-app', scripts: { test: 'vitest run' } }),
    'apps/vitest-app/vite.config.ts': 'export default { test: {} };\n',
    'apps/vitest-app/src/main.ts': 'export {};\n',
    'apps/jest-app/package.json': json({ name: 'jest-app', scripts: { test: 'jest' } }),
    'apps/ng-app/project.json': json({
      name: 'ng-app',
      targets: { test: { executor: '@angular-devkit/build-angular:karma', options: { tsConfig: 'apps/ng-app/tsconfig.spec.json' } } },
    }),
    'apps/ng-app/tsconfig.spec.json': json({ include: ['src/**/*.spec.ts'] }),
    'apps/ng-app/src/main.ts': 'export {};\n',
    // A dependency's test files are not the project's.
    'apps/vendored/package.json': node('vendored'),
    'apps/vendored/node_modules/dep/test.js': aTest,
    // The default names of node --test, Jest, Vitest and Karma.
    'libs/dash/package.json': node('dash'),
    'libs/dash/src/math-test.js': aTest,
    'libs/underscore/package.json': node('underscore'),
    'libs/underscore/src/math_test.mjs': aTest,
    'libs/prefix/package.json': node('prefix'),
    'libs/prefix/test-math.cjs': aTest,
    'libs/folder/package.json': node('folder'),
    'libs/folder/test/math.js': aTest,
    'libs/plain/package.json': node('plain'),
    'libs/plain/test.js': aTest,
    'libs/spec/package.json': json({ name: 'spec', scripts: { test: 'vitest run' } }),
    'libs/spec/src/button.spec.tsx': aTest,
    'libs/dunder/package.json': json({ name: 'dunder', scripts: { test: 'jest' } }),
    'libs/dunder/src/__tests__/math.ts': aTest,
    // Files named by the run itself: kept whatever their names.
    'libs/glob/package.json': json({ name: 'glob', scripts: { test: "mocha 'src/**/*.check.js'" } }),
    'libs/glob/src/math.check.js': aTest,
    'libs/configured/package.json': json({ name: 'configured', scripts: { test: 'jest' } }),
    'libs/configured/jest.config.js': "module.exports = { testMatch: ['**/*.check.js'] };\n",
  });
  assert.equal(Object.keys(coverageTargets(projects)).sort(), [
    'libs/configured',
    'libs/dash',
    'libs/dunder',
    'libs/folder',
    'libs/glob',
    'libs/plain',
    'libs/prefix',
    'libs/spec',
    'libs/underscore',
  ]);
  // Added tests bring the target: the plugin reads the files each time Nx computes the graph.
  const later = await inferred({
    'package.json': json({ name: 'acme', private: true, workspaces: ['apps/*'] }),
    'apps/vitest-app/package.json': json({ name: 'vitest-app', scripts: { test: 'vitest run' } }),
    'apps/vitest-app/src/main.test.ts': aTest,
  });
  assert.ok(later['apps/vitest-app'].targets.coverage);
});

test('the reason init gives for a project without test files', async () => {
  const root = createFixtureWorkspace({
    'package.json': json({ name: 'acme', private: true, workspaces: ['apps/*'] }),
    'apps/site/package.json': json({ name: 'site', scripts: { test: 'vitest run' } }),
    'apps/ng-app/project.json': json({
      name: 'ng-app',
      targets: { test: { executor: '@angular-devkit/build-angular:karma', options: { tsConfig: 'apps/ng-app/tsconfig.spec.json' } } },
    }),
    'apps/ng-app/tsconfig.spec.json': json({ include: ['src/**/*.spec.ts'] }),
    'apps/vendored/package.json': json({ name: 'vendored', scripts: { test: 'node --test' } }),
    'apps/vendored/node_modules/dep/test.js': aTest,
  });
  roots.push(root);
  const analysis = await analyzeWorkspace(['package.json', 'apps/site/package.json', 'apps/ng-app/project.json', 'apps/vendored/package.json'], normalizeOptions({}), {
    workspaceRoot: root,
    nxJsonConfiguration: {},
  });
  for (const project of ['apps/site', 'apps/ng-app', 'apps/vendored']) {
    const finding = analysis.projects.find((entry) => entry.root === project)!;
    assert.equal(finding.testTargets, [], project);
    assert.equal(
      finding.skipped,
      [
        {
          name: 'test',
          reason: `${NO_TEST_FILES}; add a test file, or name the test files in its test command, target options or runner config, then the coverage target appears`,
        },
      ],
      project,
    );
  }
});

test.run();
