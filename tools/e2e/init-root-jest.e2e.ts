// An npm workspace tested by one Jest run from the root, modelled on apollographql/apollo-server: the
// root package.json's `jest.projects` lists each package's jest.config.js (a shared base config with
// ts-jest), the root `test` script builds with tsc first, and no package has a test script. The server
// package's tests import it by its own name, which `exports` resolves to tsc's CommonJS output (with
// source maps) in dist/, as @apollo/server's do. `monocov init` measures the root; `npm run coverage`
// counts each package's .ts sources (its dist/ left out, as the package's own run would), every count
// equal to Jest's own coverage of the same run, with a row per package and no package named as missing.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertSameAsRunner, installedInside, installedWorkspace, log, readJson, removeDir, runOk, writeJson, type Shell } from './lib';

const TOOLS = ['jest@30.0.5', 'ts-jest@29.4.1', 'typescript@5.8.3', '@types/node@20.19.43'];

let scratch: string | undefined;
let root: string;
let shell: Shell;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const PACKAGE_JEST_CONFIG = "module.exports = { ...require('../../jest.config.base.js') };\n";

const FILES: Record<string, string> = {
  'package.json': json({
    name: 'root-jest',
    private: true,
    workspaces: ['packages/*'],
    scripts: { pretest: 'tsc -b packages/server', test: 'jest' },
    jest: { projects: ['<rootDir>/packages/*/jest.config.js'] },
  }),
  '.gitignore': 'node_modules\ndist\n*.tsbuildinfo\n',
  'jest.config.base.js': [
    'module.exports = {',
    "  testEnvironment: 'node',",
    "  preset: 'ts-jest',",
    "  testRegex: '/__tests__/.*\\\\.test\\\\.ts$',",
    "  testPathIgnorePatterns: ['/node_modules/', '/dist/'],",
    '};',
    '',
  ].join('\n'),
  'packages/server/package.json': json({
    name: '@ws/server',
    version: '1.0.0',
    main: 'dist/index.js',
    types: 'dist/index.d.ts',
    exports: { '.': { types: './dist/index.d.ts', require: './dist/index.js' } },
  }),
  'packages/server/tsconfig.json': json({
    compilerOptions: { module: 'commonjs', target: 'es2022', strict: true, rootDir: 'src', outDir: 'dist', sourceMap: true, declaration: true, composite: true, types: ['node'] },
    include: ['src'],
    exclude: ['src/**/__tests__'],
  }),
  'packages/server/jest.config.js': PACKAGE_JEST_CONFIG,
  'packages/server/src/index.ts': [
    'export function greet(name: string, formal = false): string {',
    '  if (formal) return `Good day, ${name}.`;',
    '  return `hi ${name}`;',
    '}',
    '',
    'export function status(code: number): string {',
    "  return code < 400 ? 'ok' : code < 500 ? 'client error' : 'server error';",
    '}',
    '',
  ].join('\n'),
  'packages/server/src/unused.ts': 'export function neverCalled(): number {\n  return 1;\n}\n',
  'packages/server/src/__tests__/index.test.ts': [
    "import { describe, expect, it } from '@jest/globals';",
    "import { greet } from '../index';",
    "import { status } from '@ws/server';",
    '',
    "describe('server', () => {",
    "  it('greets', () => expect(greet('Ada')).toBe('hi Ada'));",
    "  it('names a status', () => expect(status(404)).toBe('client error'));",
    '});',
    '',
  ].join('\n'),
  'packages/plugin/package.json': json({ name: '@ws/plugin', version: '1.0.0', main: 'src/index.ts', dependencies: { '@ws/server': '1.0.0' } }),
  'packages/plugin/jest.config.js': PACKAGE_JEST_CONFIG,
  'packages/plugin/src/index.ts': [
    "import { greet } from '@ws/server';",
    '',
    'export function shout(name: string): string {',
    '  return greet(name, true).toUpperCase();',
    '}',
    '',
  ].join('\n'),
  'packages/plugin/src/__tests__/index.test.ts': [
    "import { expect, it } from '@jest/globals';",
    "import { shout } from '../index';",
    '',
    "it('shouts', () => expect(shout('Ada')).toBe('GOOD DAY, ADA.'));",
    '',
  ].join('\n'),
  'packages/types/package.json': json({ name: '@ws/types', version: '1.0.0', types: 'index.d.ts' }),
  'packages/types/index.d.ts': 'export interface Options { formal?: boolean }\n',
};

test.after(() => {
  if (scratch) removeDir(scratch);
});

const requireWorkspace = () => {
  if (!scratch) throw new Error('no workspace: the install step failed');
};

test(`npm installs ${TOOLS.join(', ')} and @monocov/core by name from the registry`, async () => {
  ({ scratch, root, shell } = await installedWorkspace('init-root-jest', { manager: 'npm', files: FILES, devDependencies: [...TOOLS, '@monocov/core'] }));
  assert.ok(installedInside(root, '@monocov/core'));
  // The tests pass without monocov: both Jest projects run.
  assert.match(runOk(shell, root, 'npm', ['test']), 'Ran all test suites in 2 projects.');
});

test("monocov init measures the root, whose test script runs every package's tests, and names the packages as counted in its data", () => {
  requireWorkspace();
  const init = runOk(shell, root, 'npx', ['--no-install', 'monocov', 'init']);
  log(init.trim().replace(/\n/g, '\n  '));
  assert.match(init, 'measured      . (script "test")');
  assert.match(init, "not measured  packages/server: no test script of its own; its files count in the root's data");
  assert.is(readJson(join(root, 'package.json')).scripts.coverage, 'monocov run -- npm run test && monocov merge');
  assert.is(readJson(join(root, 'packages/server/package.json')).scripts, undefined, 'no package gets a coverage script');
});

test("npm run coverage: each package's .ts sources with a row of its own, the server's dist/ left out; every count equals Jest's own", () => {
  requireWorkspace();
  const output = runOk(shell, root, 'npm', ['run', 'coverage']);
  const mergedJson = join(root, 'coverage/workspace/coverage-final.json');
  assert.equal(Object.keys(readJson(mergedJson)).sort(), ['packages/plugin/src/index.ts', 'packages/server/src/index.ts', 'packages/server/src/unused.ts']);
  assert.match(output, 'the built-in omit list leaves out, so they are not measured: packages/server/dist/index.js (dist/**)');
  assert.match(output, /\n packages\/plugin \(@ws\/plugin\) +\| +100\.00 \|/);
  assert.match(output, /\n packages\/server \(@ws\/server\) +\| +[\d.]+ \|/);
  assert.not.match(output, 'unexpected data');
  assert.not.match(output, 'monocov merge: not measured');

  // Jest's own coverage of the same run, the compiled dist/ it also lists (loaded by the package's own name) left aside.
  const jestDir = join(scratch!, 'jest-coverage');
  runOk(shell, root, 'npx', ['--no-install', 'jest', '--coverage', '--coverageReporters=json', `--coverageDirectory=${jestDir}`]);
  const jest = readJson<Record<string, unknown>>(join(jestDir, 'coverage-final.json'));
  assert.ok(jest[join(root, 'packages/server/dist/index.js')], 'Jest measured the compiled output too');
  const sources = Object.fromEntries(Object.entries(jest).filter(([file]) => !file.includes('/dist/')));
  writeJson(join(jestDir, 'sources.json'), sources);
  assert.equal(assertSameAsRunner(join(jestDir, 'sources.json'), mergedJson, root).sort(), ['packages/plugin/src/index.ts', 'packages/server/src/index.ts']);
});

test('a second init changes nothing', () => {
  requireWorkspace();
  assert.match(runOk(shell, root, 'npx', ['--no-install', 'monocov', 'init']), 'already set up: nothing to change');
});

test.run();
