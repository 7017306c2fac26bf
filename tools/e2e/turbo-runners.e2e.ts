// Issue 21, second acceptance scenario: a Turborepo + pnpm workspace whose packages' test scripts
// already carry runner flags — `vitest --run`, `vitest run --coverage.enabled=false`,
// `jest --ci --coverage` — set up as docs/getting-started.md says (`monocov init`, then
// `pnpm run coverage`). monocov merges its flags into each runner's own command line, so every
// package passes with the runner's own numbers (one package on Vitest 3.2, whose include globs are
// matched differently, and whose v8 provider counts as istanbul does only with
// coverage.experimentalAstAwareRemapping, which monocov turns on: its numbers are those of Vitest
// 3.2's istanbul provider; a command that turns the option off keeps it off, with a warning; one
// package on Vitest 3.1, whose entry for an untested module without exports ends its made-up
// "(empty-report)" function at a negative column, which refused the package's data until monocov
// opened that end); `pnpm test` under `monocov run` does too. Then
// one package's command is misspelled (`vitset run`, exit 127): its run fails without replacing
// the earlier data, and `monocov merge --require-complete` fails naming it.
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  assertSameAsRunner,
  filesContaining,
  installedWorkspace,
  istanbulCounts,
  reinstallAndCommit,
  type InstalledWorkspace,
  log,
  readJson,
  removeDir,
  REPO_ROOT,
  run,
  runOk,
  snapshotFiles,
  type Shell,
} from './lib';
import { turboCached } from './turbo-cache';

const TURBO = '2.11.11';
const VITEST = '4.1.12';
/**
 * Vitest 3 matches coverage.include against root-relative paths (monocov's anchored globs once selected nothing there),
 * and its v8 provider counts every line as a statement unless coverage.experimentalAstAwareRemapping (3.2) is on.
 */
const VITEST_3 = '3.2.4';
/** Its v8 provider ends the "(empty-report)" function of an untested module whose Vite transform is longer than the source at a negative column. */
const VITEST_3_1 = '3.1.4';
const JEST = '30.5.2';
/** Package folder → its test script and the sources its tests measure. */
const PACKAGES: Record<string, { test: string; sources: string[] }> = {
  'packages/slug': { test: 'vitest --run', sources: ['packages/slug/src/slug.ts'] },
  'packages/money': { test: 'vitest run --coverage.enabled=false', sources: ['packages/money/src/money.ts'] },
  'packages/dates': { test: 'jest --ci --coverage', sources: ['packages/dates/src/dates.js'] },
  'packages/colors': { test: 'vitest run', sources: ['packages/colors/src/colors.ts'] },
  'packages/units': { test: 'vitest run', sources: ['packages/units/src/units.ts', 'packages/units/src/untested.ts'] },
  'packages/cli': { test: 'vitest run', sources: ['packages/cli/src/greet.ts', 'packages/cli/src/main.ts', 'packages/cli/src/shout.ts'] },
};
const MISSPELT = 'packages/colors';

let workspace: InstalledWorkspace | undefined;
let shell: Shell;
let scratch: string | undefined;
let root: string;
let firstRun: Record<string, string>;

const requireWorkspace = () => {
  if (!scratch) throw new Error('no workspace: the install step failed');
};
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const vitestPackage = (name: string, testScript: string, version = VITEST, providers = ['v8']) =>
  json({
    name,
    private: true,
    type: 'module',
    scripts: { test: testScript },
    devDependencies: { vitest: version, ...Object.fromEntries(providers.map((provider) => [`@vitest/coverage-${provider}`, version])) },
  });
const dataFile = (projectRoot: string, file: 'coverage-final.json' | 'meta.json') => join(root, 'coverage/projects', projectRoot, file);

function files(): Record<string, string> {
  return {
    'package.json': json({
      name: 'turbo-runners',
      private: true,
      packageManager: 'pnpm@10.34.9',
      scripts: { test: 'turbo run test' },
      devDependencies: { turbo: TURBO },
    }),
    'pnpm-workspace.yaml': 'packages:\n  - "packages/*"\n',
    'turbo.json': json({ $schema: 'https://turbo.build/schema.json', tasks: { test: {} } }),
    '.gitignore': 'node_modules\n.turbo\ncoverage\n',
    'packages/slug/package.json': vitestPackage('@repo/slug', PACKAGES['packages/slug']!.test),
    'packages/slug/src/slug.ts':
      "export function slug(text: string): string {\n  return text.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-');\n}\n\nexport function unslug(text: string): string {\n  return text.replace(/-/g, ' ');\n}\n",
    'packages/slug/src/slug.test.ts':
      "import { expect, test } from 'vitest';\nimport { slug } from './slug';\n\ntest('slug', () => expect(slug(' Hello World ')).toBe('hello-world'));\n",
    'packages/money/package.json': vitestPackage('@repo/money', PACKAGES['packages/money']!.test),
    'packages/money/src/money.ts':
      "export function format(cents: number): string {\n  if (cents < 0) {\n    return '-' + format(-cents);\n  }\n  return `$${(cents / 100).toFixed(2)}`;\n}\n",
    'packages/money/src/money.test.ts': "import { expect, test } from 'vitest';\nimport { format } from './money';\n\ntest('format', () => expect(format(1234)).toBe('$12.34'));\n",
    'packages/dates/package.json': json({ name: '@repo/dates', private: true, scripts: { test: PACKAGES['packages/dates']!.test }, devDependencies: { jest: JEST } }),
    'packages/dates/src/dates.js':
      'exports.isWeekend = (date) => {\n  const day = date.getUTCDay();\n  return day === 0 || day === 6;\n};\n\nexports.isoDay = (date) => date.toISOString().slice(0, 10);\n',
    'packages/dates/src/dates.test.js':
      "const { isWeekend } = require('./dates');\n\ntest('isWeekend', () => {\n  expect(isWeekend(new Date('2024-06-01T12:00:00Z'))).toBe(true);\n  expect(isWeekend(new Date('2024-06-03T12:00:00Z'))).toBe(false);\n});\n",
    'packages/colors/package.json': vitestPackage('@repo/colors', PACKAGES['packages/colors']!.test),
    'packages/colors/src/colors.ts':
      "export function hex(r: number, g: number, b: number): string {\n  return '#' + [r, g, b].map((part) => part.toString(16).padStart(2, '0')).join('');\n}\n",
    'packages/colors/src/colors.test.ts':
      "import { expect, test } from 'vitest';\nimport { hex } from './colors';\n\ntest('hex', () => expect(hex(255, 0, 16)).toBe('#ff0010'));\n",
    // Its istanbul provider is the reference for the counts (v8 runs, as the user's config says).
    'packages/units/package.json': vitestPackage('@repo/units', PACKAGES['packages/units']!.test, VITEST_3, ['v8', 'istanbul']),
    'packages/units/src/units.ts': "export function toKm(metres: number): number {\n  if (metres < 0) {\n    throw new RangeError('negative');\n  }\n  return metres / 1000;\n}\n",
    'packages/units/src/untested.ts': 'export const MILE = 1609.344;\n',
    'packages/units/src/units.test.ts': "import { expect, test } from 'vitest';\nimport { toKm } from './units';\n\ntest('toKm', () => expect(toKm(1500)).toBe(1.5));\n",
    'packages/cli/package.json': vitestPackage('@repo/cli', PACKAGES['packages/cli']!.test, VITEST_3_1),
    'packages/cli/src/greet.ts': 'export function greet(name: string): string {\n  return `hello, ${name}`;\n}\n',
    'packages/cli/src/greet.test.ts': "import { expect, test } from 'vitest';\nimport { greet } from './greet';\n\ntest('greet', () => expect(greet('ada')).toBe('hello, ada'));\n",
    // No test loads it; without exports, its imports make Vite's transform longer than the source.
    'packages/cli/src/main.ts':
      "import { greet } from './greet';\nimport { argv } from 'node:process';\n\nconst name = argv[2] ?? 'world';\nif (name.length > 20) {\n  console.error('too long');\n}\nconsole.log(greet(name));\n",
    // No test loads it either; with an export, the transform's first lines have no mapping and its function starts past line 1's end.
    'packages/cli/src/shout.ts': 'export function shout(text: string, times: number): string {\n  if (times > 1) return shout(text, times - 1) + text;\n  return text;\n}\n',
  };
}

test.after(() => {
  if (scratch) removeDir(scratch);
});

test(`pnpm workspace with turbo ${TURBO}, Vitest ${VITEST}, ${VITEST_3} and ${VITEST_3_1} and Jest ${JEST}: pnpm installs everything, and @monocov/core by name, from the registry`, async () => {
  workspace = await installedWorkspace('turbo-runners', { manager: 'pnpm', files: files(), devDependencies: ['@monocov/core'] });
  ({ scratch, root, shell } = workspace);
  log(`workspace ${root}`);
});

test("monocov init: each package's coverage script runs its test script through pnpm, as written", () => {
  requireWorkspace();
  runOk(shell, root, 'pnpm', ['exec', 'monocov', 'init']);
  for (const [projectRoot, { test: testScript }] of Object.entries(PACKAGES)) {
    const scripts = readJson(join(root, projectRoot, 'package.json')).scripts;
    assert.is(scripts.coverage, 'monocov run -- pnpm run test', projectRoot);
    assert.is(scripts.test, testScript, projectRoot);
  }
  assert.is(readJson(join(root, 'package.json')).scripts.coverage, 'turbo run coverage && monocov merge');
  reinstallAndCommit(workspace!, 'monocov init');
});

test('pnpm run coverage: every package passes with its flags merged, not appended, and the merged report lists every source', () => {
  requireWorkspace();
  const output = runOk(shell, root, 'pnpm', ['run', 'coverage']);
  assert.match(output, /Tasks:\s+6 successful, 6 total/);
  assert.equal(turboCached(output), { cached: 0, total: 6 });
  assert.not.match(output, 'Expected a single value');
  assert.not.match(output, 'no data');
  assert.not.match(output, 'cannot use', 'no file left out');
  const lineBased = output.split('\n').filter((line) => line.includes('v8-to-istanbul'));
  assert.ok(
    lineBased.length === 1 && lineBased[0]!.startsWith('@repo/cli:'),
    `the warning about line-based counts for the Vitest 3.1 package only (Vitest 3.2's counts as istanbul's):\n${lineBased.join('\n')}`,
  );
  for (const projectRoot of Object.keys(PACKAGES)) assert.equal(readJson(dataFile(projectRoot, 'meta.json')).tests.status, 'passed', projectRoot);
  assert.equal(readJson(dataFile('packages/dates', 'meta.json')).collector, 'jest/babel');
  assert.equal(readJson(dataFile('packages/slug', 'meta.json')).collector, 'vitest/v8');
  assert.equal(readJson(dataFile('packages/units', 'meta.json')).collector, 'vitest/v8');
  assert.equal(readJson(dataFile('packages/cli', 'meta.json')).collector, 'vitest/v8');
  assert.is(readJson(dataFile('packages/cli', 'meta.json')).dropped, undefined);
  const merged = readJson(join(root, 'coverage/workspace/coverage-final.json'));
  assert.equal(
    Object.keys(merged).sort(),
    Object.values(PACKAGES)
      .flatMap(({ sources }) => sources)
      .sort(),
  );
  assert.equal(filesContaining(join(root, 'coverage'), [root, scratch!, REPO_ROOT, tmpdir() + '/']), [], 'data and reports holding an absolute path');
  firstRun = snapshotFiles(join(root, 'coverage'));
});

test("the numbers are each runner's own: the package's test command with the runner's JSON coverage gives the same counts", () => {
  requireWorkspace();
  const own: Record<string, (dir: string) => string[]> = {
    'packages/slug': (dir) => ['exec', 'vitest', '--run', '--coverage.enabled', '--coverage.reporter=json', `--coverage.reportsDirectory=${dir}`],
    'packages/money': (dir) => ['exec', 'vitest', 'run', '--coverage.enabled=true', '--coverage.reporter=json', `--coverage.reportsDirectory=${dir}`],
    'packages/dates': (dir) => ['exec', 'jest', '--ci', '--coverage', '--coverageReporters=json', `--coverageDirectory=${dir}`],
    // As monocov runs Vitest 3.2: with AST-aware remapping.
    'packages/units': (dir) => [
      'exec',
      'vitest',
      'run',
      '--coverage.enabled',
      '--coverage.reporter=json',
      `--coverage.reportsDirectory=${dir}`,
      '--coverage.experimentalAstAwareRemapping',
    ],
  };
  for (const [projectRoot, args] of Object.entries(own)) {
    const dir = join(scratch!, 'runner-own', projectRoot);
    runOk(shell, join(root, projectRoot), 'pnpm', args(dir));
    const compared = assertSameAsRunner(join(dir, 'coverage-final.json'), dataFile(projectRoot, 'coverage-final.json'), root);
    assert.equal(compared, PACKAGES[projectRoot]!.sources, projectRoot);
  }
});

test("Vitest 3.1's untested modules: their (empty-report) function and branch end at a negative column or start past line 1's end in Vitest's own JSON; monocov's data spans the file, the counts Vitest's", () => {
  requireWorkspace();
  const dir = join(scratch!, 'runner-own', 'packages/cli');
  runOk(shell, join(root, 'packages/cli'), 'pnpm', ['exec', 'vitest', 'run', '--coverage.enabled', '--coverage.reporter=json', `--coverage.reportsDirectory=${dir}`]);
  const own = readJson<Record<string, any>>(join(dir, 'coverage-final.json'));
  const main = own[join(root, 'packages/cli/src/main.ts')];
  assert.equal(main.fnMap['0'].name, '(empty-report)');
  assert.ok(main.fnMap['0'].loc.end.column < 0, `Vitest ${VITEST_3_1} still ends it at a negative column: ${JSON.stringify(main.fnMap['0'].loc)}`);
  const shout = own[join(root, 'packages/cli/src/shout.ts')];
  const firstLine = readFileSync(join(root, 'packages/cli/src/shout.ts'), 'utf8').split('\n')[0]!;
  assert.ok(shout.fnMap['0'].loc.start.column > firstLine.length, `Vitest ${VITEST_3_1} still starts it past line 1's end: ${JSON.stringify(shout.fnMap['0'].loc)}`);
  const opened = readJson(spanningEmptyReports(join(dir, 'coverage-final.json')));
  const monocov = readJson(dataFile('packages/cli', 'coverage-final.json'));
  for (const file of PACKAGES['packages/cli']!.sources) assert.equal(istanbulCounts(monocov[file]), istanbulCounts(opened[join(root, file)]), file);
  // 0 of its 7 lines, of 1 function and of 1 branch, as Vitest's text report and lcov.info count it.
  const counts = istanbulCounts(monocov['packages/cli/src/main.ts']);
  assert.equal([Object.keys(counts.s as object).length, counts.f, counts.b], [7, { '0': 0 }, { '0': [0] }]);
});

/**
 * A copy of a Vitest v8 report as monocov reads it: before Vitest 4, the made-up "(empty-report)" function of an
 * untested file and its branch have columns from Vite's transform, not the source; monocov makes them span the file
 * (column 0 to the end of the lines Vitest gave: runners/read-output.ts). Returns the copy's path.
 */
function spanningEmptyReports(runnerJson: string): string {
  const report = readJson<Record<string, any>>(runnerJson);
  for (const file of Object.values(report)) {
    if (file.fnMap['0']?.name !== '(empty-report)') continue;
    for (const range of [file.fnMap['0'].decl, file.fnMap['0'].loc, file.branchMap['0'].loc, ...file.branchMap['0'].locations]) {
      range.start.column = 0;
      range.end.column = null;
    }
  }
  const copy = `${runnerJson}.as-monocov-reads-it.json`;
  writeFileSync(copy, JSON.stringify(report));
  return copy;
}

/**
 * What istanbul counts in a file: each statement, function and branch where it starts, with its hits. Ends are left
 * out: remapped through the source map, some end at a column on one side and stay open (`column: null`) on the other.
 */
function countsByStart(fileCoverage: any): Record<string, unknown[]> {
  const at = (loc: { start: { line: number; column: number } }) => `${loc.start.line}:${loc.start.column}`;
  return {
    statements: Object.entries<any>(fileCoverage.statementMap).map(([id, loc]) => [at(loc), fileCoverage.s[id]]),
    functions: Object.entries<any>(fileCoverage.fnMap).map(([id, fn]) => [fn.name, at(fn.decl), fileCoverage.f[id]]),
    branches: Object.entries<any>(fileCoverage.branchMap).map(([id, branch]) => [branch.type, at(branch.loc), fileCoverage.b[id]]),
  };
}

test("Vitest 3.2's v8 provider under monocov counts as istanbul does: the same statements, functions and branches as Vitest 3.2's istanbul provider", () => {
  requireWorkspace();
  const dir = join(scratch!, 'istanbul-provider');
  const args = ['exec', 'vitest', 'run', '--coverage.enabled', '--coverage.provider=istanbul', '--coverage.reporter=json', `--coverage.reportsDirectory=${dir}`];
  runOk(shell, join(root, 'packages/units'), 'pnpm', args);
  const istanbul = readJson(join(dir, 'coverage-final.json'));
  const monocov = readJson(dataFile('packages/units', 'coverage-final.json'));
  for (const file of PACKAGES['packages/units']!.sources) assert.equal(countsByStart(monocov[file]), countsByStart(istanbul[join(root, file)]), file);
  // toKm: the if, the throw and the return, once each (v8-to-istanbul makes each of its 6 lines one).
  assert.equal(countsByStart(monocov['packages/units/src/units.ts']).statements, [
    ['2:2', 1],
    ['3:4', 0],
    ['5:2', 1],
  ]);
});

test('monocov run -- pnpm test in a package passes and writes the same bytes as the turbo run', () => {
  requireWorkspace();
  const output = runOk(shell, join(root, 'packages/slug'), 'pnpm', ['exec', 'monocov', 'run', '--', 'pnpm', 'test']);
  assert.match(output, /monocov: @repo\/slug: .*; data written to /);
  assert.equal(snapshotFiles(join(root, 'coverage')), firstRun);
});

test("a misspelt test command (exit 127): the package's run fails, its earlier data stays, and monocov merge --require-complete fails naming it", () => {
  requireWorkspace();
  const manifestPath = join(root, MISSPELT, 'package.json');
  writeFileSync(manifestPath, readFileSync(manifestPath, 'utf8').replace('"test": "vitest run"', '"test": "vitset run"'));
  const earlierData = readFileSync(dataFile(MISSPELT, 'coverage-final.json'), 'utf8');
  const failed = run(shell, root, 'pnpm', ['run', 'coverage']);
  assert.is.not(failed.status, 0, failed.output);
  assert.match(failed.output, /vitset: not found/);
  assert.match(
    failed.output,
    /monocov: the test command failed \(exit status \d+\) before any coverage of @repo\/colors's code was recorded: no data written, the earlier data in [^\n]*coverage\/projects\/packages\/colors is kept, recorded as failed/,
  );
  assert.equal(turboCached(failed.output), { cached: 5, total: 6 }, 'the other packages came from the cache');
  assert.is(readFileSync(dataFile(MISSPELT, 'coverage-final.json'), 'utf8'), earlierData, 'the earlier coverage-final.json, byte for byte');
  const meta = readJson(dataFile(MISSPELT, 'meta.json'));
  assert.ok(meta.laterRun && meta.laterRun.exitCode !== 0, `meta.json records the later run: ${JSON.stringify(meta.laterRun)}`);

  const merge = run(shell, root, 'pnpm', ['exec', 'monocov', 'merge', '--require-complete']);
  assert.is(merge.status, 4, merge.output);
  assert.match(merge.output, /packages\/colors \(@repo\/colors\): failed — its last run ran no test \(exit status \d+\); the data is from an earlier run/);
  for (const projectRoot of Object.keys(PACKAGES).filter((projectRoot) => projectRoot !== MISSPELT)) assert.not.match(merge.output, `monocov merge: ${projectRoot} (`);
  const merged = readJson(join(root, 'coverage/workspace/coverage-final.json'));
  assert.equal(
    merged['packages/colors/src/colors.ts'],
    readJson(dataFile(MISSPELT, 'coverage-final.json'))['packages/colors/src/colors.ts'],
    'the earlier data is still in the merged report',
  );
});

test("a command that turns AST-aware remapping off keeps it off: Vitest 3.2's line-based counts, one warning saying so", () => {
  requireWorkspace();
  const units = join(root, 'packages/units');
  const off = '--no-coverage.experimentalAstAwareRemapping';
  const output = runOk(shell, units, 'pnpm', ['exec', 'monocov', 'run', '--', 'pnpm', 'exec', 'vitest', 'run', off]);
  assert.is(output.split('v8-to-istanbul').length - 1, 1, output);
  assert.match(output, "warning: Vitest's v8 provider remapped this project's coverage with v8-to-istanbul");
  assert.equal(readJson(dataFile('packages/units', 'meta.json')).collector, 'vitest/v8');
  const dir = join(scratch!, 'runner-own-line-based');
  runOk(shell, units, 'pnpm', ['exec', 'vitest', 'run', '--coverage.enabled', '--coverage.reporter=json', `--coverage.reportsDirectory=${dir}`, off]);
  assert.equal(
    assertSameAsRunner(spanningEmptyReports(join(dir, 'coverage-final.json')), dataFile('packages/units', 'coverage-final.json'), root),
    PACKAGES['packages/units']!.sources,
  );
  assert.is(Object.keys(readJson(dataFile('packages/units', 'coverage-final.json'))['packages/units/src/units.ts'].statementMap).length, 6);
});

test.run();
