import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NO_TEST_FILES } from '../src/test-files';
import { snapshot, writeFiles } from './fixtures/merge/helpers';

// `monocov init` outside Nx (issue 15): npm, pnpm and yarn workspaces and Turborepo, through the
// real bin (built by `npm test`), in temp folders.
const BIN = join(__dirname, '..', 'bin', 'monocov.js');

const roots: string[] = [];
test.after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'monocov-init-'));
  roots.push(root);
  writeFiles(root, files);
  return root;
}

function monocov(cwd: string, args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NODE_V8_COVERAGE: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `monocov` on the scripts' PATH, as npm links a dependency's bin. */
function linkMonocovBin(root: string): void {
  mkdirSync(join(root, 'node_modules/.bin'), { recursive: true });
  writeFileSync(join(root, 'node_modules/.bin/monocov'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(root, 'node_modules/.bin/monocov'), 0o755);
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const read = (root: string, path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const NODE_TEST = `const { test } = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('../src/add');\ntest('add', () => assert.equal(add(1, 2), 3));\n`;

/** A Turborepo repository as real ones look: a Vitest package via `test:lib`, apps without tests, a `^build` dependency of the test task. */
function turboWorkspace(): string {
  return workspace({
    'package.json': json({ name: 'repo', private: true, packageManager: 'npm@11.0.0', workspaces: ['libs/*', 'apps/*'], scripts: { build: 'turbo run build' } }),
    'turbo.json': json({
      $schema: 'https://turbo.build/schema.json',
      tasks: {
        build: { dependsOn: ['^build'], outputs: ['dist/**'] },
        test: { dependsOn: ['^build'], inputs: ['$TURBO_DEFAULT$', '!README.md'] },
        'test:lib': { dependsOn: ['build'] },
      },
    }),
    'libs/math/package.json': json({ name: '@repo/math', scripts: { test: 'node --test', build: 'tsc' } }),
    'libs/math/test/add.test.js': NODE_TEST,
    'libs/ui/package.json': json({ name: '@repo/ui', scripts: { 'test:lib': 'vitest run', 'test:types': 'tsc --noEmit', 'test:eslint': 'eslint .' } }),
    'libs/ui/src/button.test.ts': NODE_TEST,
    'libs/ui/turbo.json': json({ extends: ['//'], tasks: { build: { outputs: ['lib/**'] } } }),
    'libs/both/package.json': json({ name: '@repo/both', scripts: { 'test:unit': 'vitest run', 'test:int': 'jest' } }),
    'libs/own/package.json': json({ name: '@repo/own', scripts: { test: 'node --test', coverage: 'c8 node --test' } }),
    'apps/web/package.json': json({ name: 'web', scripts: { build: 'vite build', test: 'echo "Error: no test specified" && exit 1' } }),
    'apps/site/package.json': json({ name: 'site', scripts: { dev: 'vite' } }),
    // A Vitest script but no test file yet: the run would fail.
    'apps/docs/package.json': json({ name: 'docs', scripts: { test: 'vitest run' } }),
    'apps/docs/src/main.ts': 'export {};\n',
    'apps/e2e/package.json': json({ name: 'e2e', scripts: { test: 'playwright test' } }),
    'apps/e2e/tests/home.spec.ts': NODE_TEST,
    '.prettierignore': 'dist\n',
    'eslint.config.mjs': 'export default [];\n',
  });
}

/** `npm run coverage` as a user runs it: nothing of the test runner's npm or coverage environment passed on. */
function runCoverageScript(root: string, ...npmArgs: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|NODE_V8_COVERAGE$|NODE_OPTIONS$)/i.test(key)));
  return spawnSync('npm', ['run', 'coverage', ...npmArgs], { cwd: root, encoding: 'utf8', env });
}

test("Turborepo + npm: rc file, a coverage script per tested package, the coverage task with the test task's dependsOn, outputs per package, root script, ignores", () => {
  const root = turboWorkspace();
  const result = monocov(join(root, 'libs/math'), ['init']);
  assert.is(result.status, 0, result.stderr);

  assert.is(read(root, '.coveragerc.json').$schema, './node_modules/@monocov/core/coveragerc.schema.json');
  assert.is(read(root, 'libs/math/package.json').scripts.coverage, 'monocov run -- npm run test');
  assert.is(read(root, 'libs/ui/package.json').scripts.coverage, 'monocov run -- npm run test:lib');
  for (const untouched of ['libs/both', 'libs/own', 'apps/web', 'apps/site', 'apps/docs', 'apps/e2e']) {
    assert.is(read(root, `${untouched}/package.json`).scripts.coverage, untouched === 'libs/own' ? 'c8 node --test' : undefined, untouched);
  }

  // The coverage task runs what the wrapped test tasks need first, on their inputs plus the rc file.
  assert.equal(read(root, 'turbo.json').tasks.coverage, {
    dependsOn: ['^build', 'build'],
    inputs: ['$TURBO_DEFAULT$', '!README.md', '$TURBO_ROOT$/.coveragerc.json'],
  });
  assert.equal(read(root, 'libs/math/turbo.json'), { extends: ['//'], tasks: { coverage: { outputs: ['$TURBO_ROOT$/coverage/projects/libs/math/**'] } } });
  // A package's own turbo.json keeps its tasks.
  assert.equal(read(root, 'libs/ui/turbo.json'), {
    extends: ['//'],
    tasks: { build: { outputs: ['lib/**'] }, coverage: { outputs: ['$TURBO_ROOT$/coverage/projects/libs/ui/**'] } },
  });
  assert.not.ok(existsSync(join(root, 'apps/web/turbo.json')), 'no task for a package without tests');

  // libs/own keeps its own coverage script, which the root script leaves out.
  assert.is(read(root, 'package.json').scripts.coverage, 'turbo run coverage --filter @repo/math --filter @repo/ui && monocov merge');
  assert.is(read(root, 'package.json').scripts.build, 'turbo run build', 'other scripts kept');
  assert.match(readFileSync(join(root, '.gitignore'), 'utf8'), /^\/coverage$/m);
  assert.equal(readFileSync(join(root, '.prettierignore'), 'utf8'), 'dist\n\n# monocov coverage data and reports\n/coverage\n');

  assert.match(result.stdout, 'monocov init: npm workspace with Turborepo, 8 package(s)');
  assert.match(result.stdout, '  measured      libs/math (script "test")');
  assert.match(result.stdout, '  measured      libs/ui (script "test:lib")');
  assert.match(result.stdout, '  not measured  apps/web: no test script');
  assert.match(
    result.stdout,
    `  not measured  apps/docs: "test" is not measured: ${NO_TEST_FILES}; add a test file, or name the test files in its test command, target options or runner config, then run monocov init again`,
  );
  assert.match(result.stdout, '  not measured  apps/e2e: its "test" script runs end-to-end tests ("playwright test"), which monocov does not measure yet');
  assert.match(result.stdout, '  not measured  libs/both: several test scripts (test:unit, test:int) and no `test`; add `"coverage": "monocov run -- npm run test:unit"`');
  assert.match(result.stdout, '  not measured  libs/own: has its own `coverage` script ("c8 node --test")');
  assert.match(result.stdout, "note: eslint.config.mjs: ESLint's flat config does not read .gitignore; add `{ ignores: ['coverage/**'] }`");
  assert.match(
    result.stdout,
    'note: the root `coverage` script runs only the packages whose `coverage` script runs monocov: the own `coverage` scripts of libs/own are left out (monocov does not read their coverage, and one that failed would stop the script before `monocov merge`)',
  );
  assert.match(result.stdout, 'measure every package and merge: npm run coverage');

  const once = snapshot(root);
  const again = monocov(root, ['init']);
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stdout, 'already set up: nothing to change');
  // Not "its own coverage script", as a second run in libp2p/js-libp2p-daemon said of the scripts init had written.
  assert.match(again.stdout, '  measured      libs/math (script "test")');
  assert.match(again.stdout, '  measured      libs/ui (script "test:lib")');
  assert.equal(snapshot(root), once, 'a second run changes no file');
});

// resend/react-email: its turbo.json is formatted by Biome (short arrays on one line), its package.json by pnpm
// (every array expanded). init rewrote the whole turbo.json with every array expanded (a diff on each task
// and `biome check` failing on it) and wrote its new files the same way.
test("init keeps each JSON file's layout: a Biome/Prettier-formatted turbo.json changes only by the coverage task, an npm-style package.json keeps its arrays expanded, new files as Prettier and Biome print them", () => {
  const turbo = [
    '{',
    '  "$schema": "https://turbo.build/schema.json",',
    '  "globalDependencies": ["**/.env.*local", "pnpm-lock.yaml"],',
    '  "globalEnv": [',
    '    "SUPABASE_URL",',
    '    "SUPABASE_ANON_KEY",',
    '    "SUPABASE_TABLE_NAME",',
    '    "SPAM_ASSASSIN_HOST",',
    '    "SPAM_ASSASSIN_PORT",',
    '    "PLAYWRIGHT_BROWSERS_PATH"',
    '  ],',
    '  "tasks": {',
    '    "build": {',
    '      "dependsOn": ["^build", "^postbuild"],',
    '      "outputs": ["dist/**"]',
    '    },',
    '    "lint": {},',
    '    "test": {',
    '      "dependsOn": ["^build"]',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
  const root = workspace({
    'package.json': json({ name: 'repo', private: true, workspaces: ['packages/*'], files: ['dist'], devDependencies: { turbo: '2.9.14' } }),
    'pnpm-lock.yaml': '',
    'turbo.json': turbo,
    'packages/render/package.json': json({ name: '@scope/render', files: ['dist'], scripts: { test: 'vitest run' } }),
    'packages/render/src/render.spec.ts': NODE_TEST,
  });
  const result = monocov(root, ['init']);
  assert.is(result.status, 0, result.stderr);
  const coverageTask = [
    '    },',
    '    "coverage": {',
    '      "dependsOn": ["^build"],',
    '      "inputs": ["$TURBO_DEFAULT$", "$TURBO_ROOT$/.coveragerc.json"]',
    '    }',
    '  }',
    '}',
    '',
  ];
  assert.fixture(readFileSync(join(root, 'turbo.json'), 'utf8'), turbo.replace(/ {4}}\n {2}}\n}\n$/, coverageTask.join('\n')));
  assert.fixture(
    readFileSync(join(root, 'packages/render/turbo.json'), 'utf8'),
    '{\n  "extends": ["//"],\n  "tasks": {\n    "coverage": {\n      "outputs": ["$TURBO_ROOT$/coverage/projects/packages/render/**"]\n    }\n  }\n}\n',
  );
  assert.match(readFileSync(join(root, '.coveragerc.json'), 'utf8'), '\n  "reporters": ["text", "lcov", "json", "json-summary", "cobertura", "html"]\n');
  // pnpm's layout: arrays expanded, as before.
  assert.fixture(
    readFileSync(join(root, 'packages/render/package.json'), 'utf8'),
    json({ name: '@scope/render', files: ['dist'], scripts: { test: 'vitest run', coverage: 'monocov run -- pnpm run test' } }),
  );
  assert.fixture(
    readFileSync(join(root, 'package.json'), 'utf8'),
    json({
      name: 'repo',
      private: true,
      workspaces: ['packages/*'],
      files: ['dist'],
      devDependencies: { turbo: '2.9.14' },
      scripts: { coverage: 'turbo run coverage && monocov merge' },
    }),
  );
  // A second run changes nothing.
  const before = snapshot(root);
  assert.is(monocov(root, ['init']).status, 0);
  assert.equal(snapshot(root), before);
});

test("pnpm (pnpm-workspace.yaml with a negation), no Turborepo: pnpm scripts, the rc file's dataDir ignored, an existing root coverage script left with a note", () => {
  const root = workspace({
    'package.json': json({ name: 'repo', private: true, scripts: { coverage: 'echo custom' } }),
    'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  - '!packages/legacy'\n",
    '.coveragerc.json': json({ run: { dataDir: 'reports/cov' } }),
    '.gitignore': 'node_modules',
    'packages/core/package.json': '{\n\t"name": "core",\n\t"scripts": {\n\t\t"test": "vitest run"\n\t}\n}\n',
    'packages/core/src/index.spec.ts': NODE_TEST,
    'packages/legacy/package.json': json({ name: 'legacy', scripts: { test: 'mocha' } }),
  });
  const result = monocov(root, ['init']);
  assert.is(result.status, 0, result.stderr);
  // The package's own indentation (tabs) is kept.
  assert.is(
    readFileSync(join(root, 'packages/core/package.json'), 'utf8'),
    '{\n\t"name": "core",\n\t"scripts": {\n\t\t"test": "vitest run",\n\t\t"coverage": "monocov run -- pnpm run test"\n\t}\n}\n',
  );
  assert.is(read(root, 'packages/legacy/package.json').scripts.coverage, undefined, 'excluded by the negation');
  assert.equal(read(root, '.coveragerc.json'), { run: { dataDir: 'reports/cov' } }, 'an existing rc file is kept');
  assert.is(readFileSync(join(root, '.gitignore'), 'utf8'), 'node_modules\n\n# monocov coverage data and reports\n/reports/cov\n');
  assert.is(read(root, 'package.json').scripts.coverage, 'echo custom');
  assert.match(result.stdout, 'monocov init: pnpm workspace, 1 package(s)');
  assert.match(
    result.stdout,
    'note: package.json already has a `coverage` script ("echo custom"), left as it is; monocov\'s is "pnpm -r --if-present run coverage && monocov merge"',
  );
  assert.match(result.stdout, 'measure every package and merge: pnpm -r --if-present run coverage && monocov merge');
});

test('yarn (berry, .yarnrc.yml) workspaces: yarn scripts and `yarn workspaces foreach`', () => {
  const root = workspace({
    'package.json': json({ name: 'repo', private: true, workspaces: ['packages/*'] }),
    '.yarnrc.yml': 'nodeLinker: node-modules\n',
    'packages/a/package.json': json({ name: 'a', scripts: { test: 'jest' } }),
    'packages/a/__tests__/a.js': NODE_TEST,
  });
  assert.is(monocov(root, ['init']).status, 0);
  assert.is(read(root, 'packages/a/package.json').scripts.coverage, 'monocov run -- yarn run test');
  assert.is(read(root, 'package.json').scripts.coverage, 'yarn workspaces foreach --all --topological run coverage && monocov merge');
});

test('outside a workspace, with globs that match nothing, in an Nx workspace or on a commented turbo.json, init fails with exit 3 and says what to fix', () => {
  const single = workspace({ 'package.json': json({ name: 'single', scripts: { test: 'node --test' } }) });
  const none = monocov(single, ['init']);
  assert.is(none.status, 3);
  assert.match(none.stderr, 'no workspace packages declared (package.json `workspaces`, pnpm-workspace.yaml or lerna.json)');
  const typo = workspace({ 'package.json': json({ name: 'ws', workspaces: ['pakages/*'] }), 'packages/a/package.json': json({ name: 'a' }) });
  const unmatched = monocov(typo, ['init']);
  assert.is(unmatched.status, 3);
  assert.match(unmatched.stderr, 'package.json: no package folder matches "pakages/*"; fix the globs');
  const nxWorkspace = workspace({
    'package.json': json({ name: 'ws', workspaces: ['packages/*'] }),
    'nx.json': '{}',
    'packages/a/package.json': json({ name: 'a', scripts: { test: 'jest' } }),
  });
  const nx = monocov(nxWorkspace, ['init']);
  assert.is(nx.status, 3);
  assert.match(nx.stderr, 'nx.json: this is an Nx workspace; set it up with `nx add @monocov/nx`');
  assert.not.ok(existsSync(join(nxWorkspace, '.coveragerc.json')), 'nothing written');
  const jsonc = turboWorkspace();
  writeFileSync(join(jsonc, 'turbo.json'), '{\n  // comments are fine for turbo\n  "tasks": {}\n}\n');
  const commented = monocov(jsonc, ['init']);
  assert.is(commented.status, 3);
  assert.match(commented.stderr, 'turbo.json: monocov init edits only strict JSON (no comments or trailing commas)');
  assert.not.ok(existsSync(join(jsonc, '.coveragerc.json')), 'nothing written before the error');
});

test('after init, the root coverage script measures each tested package and merges; a package whose data is missing is named by the merge', () => {
  const root = workspace({
    'package.json': json({ name: 'ws', private: true, workspaces: ['packages/*'] }),
    'packages/a/package.json': json({ name: 'a', scripts: { test: 'node --test' } }),
    'packages/a/src/add.js': 'exports.add = (a, b) => a + b;\n',
    'packages/a/test/add.test.js': NODE_TEST,
    'packages/b/package.json': json({ name: 'b', scripts: { test: 'node --test' } }),
    'packages/b/src/add.js': 'exports.add = (a, b) => a + b;\n',
    'packages/b/test/add.test.js': NODE_TEST,
    'packages/docs/package.json': json({ name: 'docs' }),
  });
  linkMonocovBin(root);
  assert.is(monocov(root, ['init']).status, 0);

  const measured = runCoverageScript(root);
  assert.is(measured.status, 0, measured.stdout + measured.stderr);
  assert.equal(Object.keys(read(root, 'coverage/workspace/coverage-final.json')).sort(), ['packages/a/src/add.js', 'packages/b/src/add.js']);
  assert.not.match(measured.stderr, 'no data');

  // What a cache restore that missed one package's data leaves.
  rmSync(join(root, 'coverage/projects/packages/b'), { recursive: true });
  const merged = monocov(root, ['merge']);
  assert.is(merged.status, 0, merged.stderr);
  assert.match(merged.stderr, 'monocov merge: packages/b: no data — its coverage did not run, failed before writing, or its data was deleted or not restored by a cache');
  assert.not.match(merged.stderr, 'packages/docs: no data');
  const required = monocov(root, ['merge', '--require-complete']);
  assert.is(required.status, 4, required.stderr);
});

// apollographql/apollo-server: the root's `test` script runs Jest over every package (a root `projects` list), and
// no package has a test script. init measured nothing and named a root script that ran nothing; the data of
// `monocov run` at the root was "unexpected — not a project of the workspace now".
/** Two packages whose tests the root's `test` script runs; `aScripts`: package a's own scripts. */
function rootTestsWorkspace(aScripts?: Record<string, string>): string {
  const root = workspace({
    'package.json': json({ name: 'ws', private: true, workspaces: ['packages/*'], scripts: { test: 'node --test packages/a/test/add.test.js packages/b/test/add.test.js' } }),
    'packages/a/package.json': json({ name: '@ws/a', ...(aScripts && { scripts: aScripts }) }),
    'packages/a/src/add.js': 'exports.add = (a, b) => a + b;\n',
    'packages/a/test/add.test.js': NODE_TEST,
    'packages/b/package.json': json({ name: '@ws/b' }),
    'packages/b/src/add.js': 'exports.add = (a, b) => a + b;\n',
    'packages/b/test/add.test.js': NODE_TEST,
  });
  linkMonocovBin(root);
  return root;
}

test("a root test script that runs the workspace's tests itself: init measures the root, and the merge expects its data and lists the packages' files", () => {
  const root = rootTestsWorkspace();
  const init = monocov(root, ['init']);
  assert.is(init.status, 0, init.stderr);
  assert.match(init.stdout, 'measured      . (script "test")');
  assert.match(init.stdout, "not measured  packages/a: no test script of its own; its files count in the root's data");
  assert.is(read(root, 'package.json').scripts.coverage, 'monocov run -- npm run test && monocov merge');

  const measured = runCoverageScript(root);
  assert.is(measured.status, 0, measured.stdout + measured.stderr);
  assert.equal(Object.keys(read(root, 'coverage/projects/.root/coverage-final.json')).sort(), ['packages/a/src/add.js', 'packages/b/src/add.js']);
  assert.match(measured.stdout, /packages\/a \(@ws\/a\) +\| +100\.00 /);
  assert.not.match(measured.stderr, 'unexpected data');
  assert.not.match(measured.stderr, 'not measured');
  const required = monocov(root, ['merge', '--require-complete']);
  assert.is(required.status, 0, required.stderr);
  assert.match(monocov(root, ['merge', '--verbose']).stderr, "packages/a (@ws/a): not measured — no test script of its own; its files count in the root's data");

  const once = snapshot(root);
  assert.match(monocov(root, ['init']).stdout, 'already set up: nothing to change');
  assert.equal(snapshot(root), once, 'a second run changes no file');
});

test("yarn 1: the root script runs the root's own tests under monocov, then the merge", () => {
  const root = rootTestsWorkspace();
  writeFileSync(join(root, 'yarn.lock'), '');
  const init = monocov(root, ['init']);
  assert.is(init.status, 0, init.stderr);
  assert.match(init.stdout, 'measured      . (script "test")');
  assert.is(read(root, 'package.json').scripts.coverage, 'monocov run -- yarn run test && monocov merge');
  assert.not.match(init.stdout, 'yarn 1 has no way');
  assert.match(monocov(root, ['init']).stdout, 'already set up: nothing to change');
});

test("a root test script beside packages with test scripts of their own: the packages are measured and the root's tests are not run a second time", () => {
  const root = rootTestsWorkspace({ test: 'node --test' });
  const init = monocov(root, ['init']);
  assert.is(init.status, 0, init.stderr);
  assert.match(init.stdout, 'measured      packages/a (script "test")');
  assert.not.match(init.stdout, 'measured      . ');
  assert.match(init.stdout, "the root's `test` script runs tests too: monocov measures the packages' own test scripts instead");
  assert.is(read(root, 'package.json').scripts.coverage, 'npm run coverage --workspaces --if-present && monocov merge');
  // The merge expects what init measures: the package, not the root.
  const measured = runCoverageScript(root);
  assert.is(measured.status, 0, measured.stdout + measured.stderr);
  assert.not.ok(existsSync(join(root, 'coverage/projects/.root')), 'the root was measured');
  assert.is(monocov(root, ['merge', '--require-complete']).status, 0);
});

// A package's own coverage (Vitest's, minutes in open-circle/valibot) that fails on its own thresholds, leaving a mark that it ran.
const OWN_COVERAGE = "require('fs').writeFileSync('own-coverage-ran', ''); console.error('ERROR: coverage thresholds not met'); process.exit(1);\n";

test('a package with its own coverage script: the root script init wrote before is brought up to date to run only the packages monocov measures, and `npm run coverage` merges without running the other', () => {
  const root = workspace({
    // What init wrote before it named packages, kept from an earlier run.
    'package.json': json({ name: 'ws', private: true, workspaces: ['packages/*'], scripts: { coverage: 'npm run coverage --workspaces --if-present && monocov merge' } }),
    'packages/a/package.json': json({ name: '@ws/a', scripts: { test: 'node --test' } }),
    'packages/a/src/add.js': 'exports.add = (a, b) => a + b;\n',
    'packages/a/test/add.test.js': NODE_TEST,
    'packages/b/package.json': json({ name: 'b', scripts: { test: 'node --test', coverage: 'monocov run -- npm run test' } }),
    'packages/b/src/add.js': 'exports.add = (a, b) => a + b;\n',
    'packages/b/test/add.test.js': NODE_TEST,
    'packages/own/package.json': json({ name: '@ws/own', scripts: { test: 'node --test', coverage: 'node own-coverage.js' } }),
    'packages/own/own-coverage.js': OWN_COVERAGE,
  });
  linkMonocovBin(root);
  const init = monocov(root, ['init']);
  assert.is(init.status, 0, init.stderr);
  assert.is(read(root, 'package.json').scripts.coverage, 'npm run coverage -w @ws/a -w b && monocov merge');
  assert.is(read(root, 'packages/own/package.json').scripts.coverage, 'node own-coverage.js');
  assert.match(init.stdout, 'wrote .coveragerc.json, packages/a/package.json, package.json, .gitignore');
  assert.match(init.stdout, 'the own `coverage` scripts of packages/own are left out');
  assert.match(init.stdout, 'measure every package and merge: npm run coverage');

  const measured = runCoverageScript(root);
  assert.is(measured.status, 0, measured.stdout + measured.stderr);
  assert.not.ok(existsSync(join(root, 'packages/own/own-coverage-ran')), "the package's own coverage script ran");
  assert.equal(Object.keys(read(root, 'coverage/workspace/coverage-final.json')).sort(), ['packages/a/src/add.js', 'packages/b/src/add.js']);

  const once = snapshot(root);
  const again = monocov(root, ['init']);
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stdout, 'already set up: nothing to change');
  assert.equal(snapshot(root), once, 'a second run changes no file');
});

test('a measured package whose name a script cannot hold unquoted, or without a name: the root script runs every package, and a note names the own coverage scripts that run too', () => {
  const root = workspace({
    'package.json': json({ name: 'ws', private: true, workspaces: ['packages/*'] }),
    'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n",
    'packages/a/package.json': json({ name: 'a&b', scripts: { test: 'node --test' } }),
    'packages/a/test/add.test.js': NODE_TEST,
    'packages/nameless/package.json': json({ scripts: { test: 'node --test' } }),
    'packages/nameless/test/add.test.js': NODE_TEST,
    'packages/own/package.json': json({ name: 'own', scripts: { test: 'vitest run', coverage: 'vitest run --coverage' } }),
  });
  const init = monocov(root, ['init']);
  assert.is(init.status, 0, init.stderr);
  assert.is(read(root, 'package.json').scripts.coverage, 'pnpm -r --if-present run coverage && monocov merge');
  assert.match(
    init.stdout,
    "note: the root `coverage` script runs every package's `coverage` script, so the own ones of packages/own run too (and one that fails stops it before `monocov merge`): packages/a, packages/nameless have no package name that a script can hold unquoted in every shell",
  );
  assert.not.match(init.stdout, 'are left out');
});

test('a package whose test script would find no test file: init gives it no coverage script, and after a real run of the other package merge --require-complete passes, naming it "no test files"', () => {
  const root = workspace({
    'package.json': json({ name: 'ws', private: true, workspaces: ['packages/*'] }),
    'packages/a/package.json': json({ name: 'a', scripts: { test: 'node --test' } }),
    'packages/a/src/add.js': 'exports.add = (a, b) => a + b;\n',
    'packages/a/test/add.test.js': NODE_TEST,
    // Its tests are not written yet: `vitest run` would fail finding none.
    'packages/b/package.json': json({ name: 'b', scripts: { test: 'vitest run' } }),
    'packages/b/src/sub.js': 'exports.sub = (a, b) => a - b;\n',
  });
  linkMonocovBin(root);
  const init = monocov(root, ['init']);
  assert.is(init.status, 0, init.stderr);
  assert.is(read(root, 'packages/a/package.json').scripts.coverage, 'monocov run -- npm run test');
  assert.is(read(root, 'packages/b/package.json').scripts.coverage, undefined);

  // What `turbo run coverage` runs: the coverage script of each package that has one.
  const measured = runCoverageScript(root, '--workspaces', '--if-present');
  assert.is(measured.status, 0, measured.stdout + measured.stderr);
  assert.ok(existsSync(join(root, 'coverage/projects/packages/a/coverage-final.json')), measured.stdout + measured.stderr);

  const merged = monocov(root, ['merge', '--require-complete', '--verbose']);
  assert.is(merged.status, 0, merged.stderr);
  assert.match(merged.stderr, `monocov merge: packages/b: not measured — ${NO_TEST_FILES}`);
  assert.not.match(merged.stderr, 'no data');
  const completeness = read(root, 'coverage/workspace/meta.json').completeness;
  assert.equal(completeness, [
    { project: 'a', projectRoot: 'packages/a', state: 'current', reasons: [] },
    { project: 'b', projectRoot: 'packages/b', state: 'untested', reasons: [NO_TEST_FILES] },
  ]);
});

test('a package without tests that tested packages depend on: a note says that run.source "workspace" counts its code as their tests run it; none once it is set', () => {
  // Seen in libp2p/js-libp2p-daemon: the protocol package has no tests; the client and the server load it.
  const root = workspace({
    'package.json': json({ name: 'ws', private: true, workspaces: ['packages/*'] }),
    'packages/client/package.json': json({ name: '@ws/client', scripts: { test: 'node --test' }, dependencies: { '@ws/proto': '1.0.0' } }),
    'packages/client/test/add.test.js': NODE_TEST,
    'packages/server/package.json': json({ name: '@ws/server', scripts: { test: 'node --test' }, devDependencies: { '@ws/proto': '1.0.0' } }),
    'packages/server/test/add.test.js': NODE_TEST,
    'packages/proto/package.json': json({ name: '@ws/proto', version: '1.0.0' }),
    'packages/docs/package.json': json({ name: 'docs' }),
  });
  const init = monocov(root, ['init']);
  assert.is(init.status, 0, init.stderr);
  assert.match(
    init.stdout,
    'note: packages/proto has no tests of its own, but packages/client, packages/server depend on it: to count its code as their tests run it, set `"run": { "source": "workspace" }` in .coveragerc.json (docs/configuration.md)\n',
  );
  assert.not.match(init.stdout, 'packages/docs has no tests');

  const rc = read(root, '.coveragerc.json');
  writeFileSync(join(root, '.coveragerc.json'), json({ ...rc, run: { ...rc.run, source: 'workspace' } }));
  const again = monocov(root, ['init']);
  assert.is(again.status, 0, again.stderr);
  assert.not.match(again.stdout, 'has no tests of its own');
});

test.run();
