// Issue 21, first acceptance scenario: an integrated Nx 23 workspace (pnpm, project.json only) whose
// test targets @nx/jest/plugin infers from each project's Jest config, which extends a root
// jest.preset.js. The tests need variables Nx loads for tasks named `test` only: NODE_OPTIONS
// (Jest's dynamic import() needs --experimental-vm-modules) and API_URL from .env.test, and
// RETRIES from .env.test.ci for the `ci` configuration that a project.json `test` entry adds
// (what @nx/jest's generators write). The coverage task is the test run: same environment, same
// configurations, the same inputs (jest.preset.js, named only by the inferred test target), and
// Jest's own numbers.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertSameAsRunner, readJson } from './lib';
import { nxAddScenario } from './nx-add';

const NX = '23.2.1';
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const project = (name: string, root: string, targets?: unknown) =>
  json({ name, $schema: '../../node_modules/nx/schemas/project-schema.json', sourceRoot: `${root}/src`, projectType: 'library', tags: [], ...(targets ? { targets } : {}) });
const PRESET = "module.exports = {\n  testEnvironment: 'node',\n  testMatch: ['**/src/**/*.spec.js'],\n};\n";
// The edit that changes which tests run: the preset now leaves out the slow specs.
const PRESET_EDITED =
  "module.exports = {\n  testEnvironment: 'node',\n  testMatch: ['**/src/**/*.spec.js'],\n  testPathIgnorePatterns: ['/node_modules/', '\\\\.slow\\\\.spec\\\\.js$'],\n};\n";

const steps = nxAddScenario({
  name: 'nx-jest',
  manager: 'pnpm',
  files: {
    'package.json': json({
      name: '@acme/source',
      private: true,
      packageManager: 'pnpm@10.34.9',
      devDependencies: { nx: NX, '@nx/jest': NX, '@nx/js': NX, jest: '30.5.2', typescript: '5.9.3' },
    }),
    'nx.json': json({
      $schema: './node_modules/nx/schemas/nx-schema.json',
      namedInputs: {
        default: ['{projectRoot}/**/*', 'sharedGlobals'],
        production: ['default', '!{projectRoot}/**/*.spec.js', '!{projectRoot}/jest.config.cjs'],
        sharedGlobals: [],
      },
      plugins: [{ plugin: '@nx/jest/plugin', options: { targetName: 'test' } }],
    }),
    '.gitignore': 'node_modules\n.nx\ndist\n',
    // Nx loads these for `nx test` (and `nx test --configuration=ci`) only.
    '.env.test': 'NODE_OPTIONS=--experimental-vm-modules\nAPI_URL=https://api.test.example\n',
    '.env.test.ci': 'RETRIES=2\n',
    'jest.preset.js': PRESET,
    // Its project.json `test` entry carries only options and configurations; the target itself is inferred from jest.config.cjs.
    'libs/api/project.json': project('api', 'libs/api', {
      test: { options: { passWithNoTests: true }, configurations: { ci: { ci: true, codeCoverage: true } } },
    }),
    'libs/api/jest.config.cjs': "module.exports = { displayName: 'api', preset: '../../jest.preset.js' };\n",
    'libs/api/src/endpoint.js':
      'exports.endpoint = function endpoint(path) {\n  return `${process.env.API_URL}/${path}`;\n};\n\nexports.retries = function retries() {\n  if (process.env.RETRIES) {\n    return Number(process.env.RETRIES);\n  }\n  return 0;\n};\n',
    'libs/api/src/endpoint.spec.js':
      "const { endpoint, retries } = require('./endpoint');\n\n" +
      "test('endpoint reads API_URL from .env.test', () => expect(endpoint('users')).toBe('https://api.test.example/users'));\n" +
      "test('retries follows RETRIES', () => expect(retries()).toBe(Number(process.env.RETRIES ?? 0)));\n",
    'libs/greeting/project.json': project('greeting', 'libs/greeting'),
    // As Nx's generators write it (nrwl/nx-examples): a setup file, which Jest never instruments and
    // monocov leaves out, and a coverage folder of its own, which monocov's runs leave empty.
    'libs/greeting/jest.config.cjs':
      "module.exports = {\n  displayName: 'greeting',\n  preset: '../../jest.preset.js',\n  setupFilesAfterEnv: ['<rootDir>/src/test-setup.js'],\n  coverageDirectory: '../../coverage/libs/greeting',\n};\n",
    'libs/greeting/src/test-setup.js': 'globalThis.GREETING_SETUP = true;\n',
    'libs/greeting/src/greeting.js':
      'exports.greet = function greet(name) {\n  return `Hello, ${name}!`;\n};\n\nexports.shout = function shout(name) {\n  return exports.greet(name).toUpperCase();\n};\n\nexports.whisper = function whisper(name) {\n  return exports.greet(name).toLowerCase();\n};\n',
    'libs/greeting/src/greeting.spec.js':
      "const { greet } = require('./greeting');\n\n" +
      // Fails with "A dynamic import callback was invoked without --experimental-vm-modules" when NODE_OPTIONS from .env.test is missing.
      "test('greet, after a dynamic import', async () => {\n  const { sep } = await import('node:path');\n  expect(sep).toBe('/');\n  expect(greet('Ada')).toBe('Hello, Ada!');\n});\n",
    'libs/greeting/src/greeting.slow.spec.js': "const { shout } = require('./greeting');\n\ntest('shout', () => expect(shout('ada')).toBe('HELLO, ADA!'));\n",
    // Types only: no Jest config, so no test target and no coverage target.
    'libs/types/project.json': project('types', 'libs/types'),
    'libs/types/src/index.d.ts': 'export type Greeting = string;\n',
  },
  tested: { api: ['libs/api/src/endpoint.js'], greeting: ['libs/greeting/src/greeting.js'] },
  untested: ['types'],
});

const dataOf = (projectRoot: string) => readJson(join(steps.workspace().root, 'coverage/projects', projectRoot, 'coverage-final.json'));
const hitsByFunction = (fileCoverage: any) => Object.fromEntries(Object.entries<{ name: string }>(fileCoverage.fnMap).map(([id, fn]) => [fn.name, fileCoverage.f[id] as number]));
const branchHits = (fileCoverage: any) => Object.values<number[]>(fileCoverage.b);
/** Nx ran the task rather than replaying it from its cache (Nx marks a replayed task's line: `✔  nx run a:coverage  [local cache]`). */
const ranTask = (output: string, task: string) => new RegExp(`nx run ${task}(?![:\\w])(?![^\\n]*\\[[^\\]]*cache[^\\]]*\\])`).test(output);

test("nx-jest: the coverage targets run Jest and say so, with the test target's configurations", () => {
  const shown = steps.nxOk(['show', 'project', 'api', '--json']);
  const coverage = JSON.parse(shown.slice(shown.indexOf('{'))).targets.coverage;
  assert.match(coverage.metadata.description, /Jest/);
  assert.not.match(coverage.metadata.description, /V8/);
  assert.equal(Object.keys(coverage.configurations ?? {}), ['ci']);
  assert.ok(
    coverage.inputs.includes('{workspaceRoot}/jest.preset.js'),
    `the preset, an input of the inferred test target, is an input of coverage: ${JSON.stringify(coverage.inputs)}`,
  );
});

test('.env.test reached the tests under nx run-many -t coverage: API_URL was read and the dynamic import ran (NODE_OPTIONS); RETRIES, from .env.test.ci, was not set', () => {
  const api = dataOf('libs/api')['libs/api/src/endpoint.js'];
  assert.equal(hitsByFunction(api), { endpoint: 1, retries: 1 });
  assert.equal(branchHits(api), [[0, 1]], 'retries() took the no-RETRIES path');
  assert.equal(hitsByFunction(dataOf('libs/greeting')['libs/greeting/src/greeting.js']), { greet: 2, shout: 1, whisper: 0 });
  assert.not.ok(existsSync(join(steps.workspace().root, 'coverage/libs')), "greeting's own coverageDirectory got nothing");
});

test("the numbers are Jest's own: `nx run <p>:test --coverage` writes the same counts for every file", () => {
  const { root } = steps.workspace();
  for (const [project, projectRoot] of [
    ['api', 'libs/api'],
    ['greeting', 'libs/greeting'],
  ]) {
    const jestOwn = join(steps.workspace().scratch, `jest-own-${project}`);
    steps.nxOk(['run', `${project}:test`, '--skip-nx-cache', '--coverage', '--coverageReporters=json', `--coverageDirectory=${jestOwn}`]);
    const compared = assertSameAsRunner(join(jestOwn, 'coverage-final.json'), join(root, 'coverage/projects', projectRoot, 'coverage-final.json'), root);
    assert.equal(compared, [`${projectRoot}/src/${project === 'api' ? 'endpoint' : 'greeting'}.js`]);
  }
});

test('nx run api:coverage:ci runs test:ci, with .env.test.ci', () => {
  const output = steps.nxOk(['run', 'api:coverage:ci']);
  assert.ok(ranTask(output, 'api:coverage:ci'), output);
  // run-commands prints the command it starts: the ci configuration's options forwarded to Jest.
  assert.match(output, /> jest [^\n]*--ci(=true)?\b/);
  const api = dataOf('libs/api')['libs/api/src/endpoint.js'];
  assert.equal(branchHits(api), [[1, 0]], 'retries() read RETRIES from .env.test.ci');
  assert.equal(readJson(join(steps.workspace().root, 'coverage/projects/libs/api/meta.json')).tests.status, 'passed');
});

test('editing jest.preset.js, which only the inferred test target names, makes coverage miss the cache, and the data follows the tests that ran', () => {
  const { root } = steps.workspace();
  const before = steps.nxOk(['run-many', '-t', 'coverage']);
  assert.not.ok(ranTask(before, 'greeting:coverage'), `unchanged: greeting:coverage from the cache\n${before}`);
  assert.equal(readFileSync(join(root, 'jest.preset.js'), 'utf8'), PRESET);
  writeFileSync(join(root, 'jest.preset.js'), PRESET_EDITED);
  const after = steps.nxOk(['run-many', '-t', 'coverage']);
  assert.ok(ranTask(after, 'greeting:coverage'), `greeting:coverage ran again\n${after}`);
  assert.ok(ranTask(after, 'api:coverage'), `api:coverage ran again\n${after}`);
  assert.equal(hitsByFunction(dataOf('libs/greeting')['libs/greeting/src/greeting.js']), { greet: 1, shout: 0, whisper: 0 });
  const merged = readJson(join(root, 'coverage/workspace/coverage-final.json'));
  assert.equal(hitsByFunction(merged['libs/greeting/src/greeting.js']), { greet: 1, shout: 0, whisper: 0 });
});

test.run();
