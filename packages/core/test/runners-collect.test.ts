import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createCoverageMap, createFileCoverage, type FileCoverageData } from 'istanbul-lib-coverage';
import { createContext, type Context } from 'istanbul-lib-report';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../src/config';
import { readRunnerOutput, runnerFlags, runnerHookVariables } from '../src/runners';
import { placeOutsideSource } from '../src/collection/source-fit';

// The runner route without the Nx executors: the NODE_OPTIONS hook in front of stand-in runner
// CLIs, reading what runners write, and `monocov run` with istanbul JSON and with real Vitest.
const REPO_ROOT = join(__dirname, '..', '..', '..');
const BIN = join(__dirname, '..', 'bin', 'monocov.js');

const temps: string[] = [];
test.after(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'monocov-runners-')));
  temps.push(root);
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), contents);
  }
  return root;
}

// A stand-in CLI that records the arguments, title and Jest reporter's output folder it ran with.
const RECORDER = `require('node:fs').writeFileSync(process.env.RECORD_TO, JSON.stringify({ args: process.argv.slice(2), title: process.title, jestOutput: process.env.MONOCOV_JEST_OUTPUT_DIR }));\n`;

test('the hook gives the runner CLI its flags, with an output folder per process, and nothing to other processes', () => {
  const root = tree({
    'node_modules/jest/bin/jest.js': RECORDER,
    'node_modules/vitest/vitest.mjs': `import { createRequire } from 'node:module';\ncreateRequire(import.meta.url)('../../recorder.cjs');\n`,
    'recorder.cjs': RECORDER,
    'other.js': RECORDER,
  });
  mkdirSync(join(root, 'node_modules/.bin'));
  symlinkSync('../jest/bin/jest.js', join(root, 'node_modules/.bin/jest'));
  const outputDir = join(root, 'raw');
  const options = { workspaceRoot: root, projectRoot: '.', run: defaultConfig().run };
  const variables = runnerHookVariables([runnerFlags('jest', options), runnerFlags('vitest', options)], outputDir, { NODE_OPTIONS: '--title=under-test' });
  const record = (script: string, ...args: string[]) => {
    const recordTo = join(root, 'record.json');
    const result = spawnSync(process.execPath, [script, ...args], { cwd: root, env: { ...process.env, ...variables, RECORD_TO: recordTo }, encoding: 'utf8' });
    assert.is(result.status, 0, result.stderr);
    return JSON.parse(readFileSync(recordTo, 'utf8')) as { args: string[]; title: string; jestOutput?: string };
  };

  const jest = record('node_modules/.bin/jest', '--ci');
  assert.equal(jest.args.slice(0, 3), ['--ci', '--coverage', `--coverageReporters=${join(__dirname, '..', 'hooks', 'jest-coverage-reporter.cjs')}`]);
  assert.not.ok(
    jest.args.some((arg) => arg.startsWith('--coverageDirectory')),
    "Jest's own folder, which keys its transform cache, is left as it is",
  );
  assert.match(jest.jestOutput!, new RegExp(`^${outputDir}/jest-[\\w-]+$`));
  assert.is(jest.title, 'under-test', "the command's own NODE_OPTIONS still apply");

  const vitest = record('node_modules/vitest/vitest.mjs', 'run');
  assert.equal(vitest.args.slice(0, 3), ['run', '--coverage.enabled', '--coverage.reporter=json'], '`vitest run` is not given `--run` again');
  assert.match(vitest.args.at(-1)!, /^--coverage\.reportsDirectory=.*\/raw\/vitest-[\w-]+$/);

  assert.equal(record('other.js', 'x'), { args: ['x'], title: 'under-test' });
  assert.equal(
    readdirSync(outputDir)
      .map((name) => name.replace(/-.*$/, ''))
      .sort(),
    ['jest', 'vitest'],
  );
});

test('runner output: provider told by its marks, extras dropped, runs of one provider summed, two providers never, keys under the workspace name', () => {
  const real = tree({ 'src/a.ts': 'export const a = 1;\n' });
  const linked = join(tmpdir(), `monocov-link-${process.pid}`);
  symlinkSync(real, linked);
  temps.push(linked);
  const file = (extra: Record<string, unknown>, hits: number) => ({
    path: join(real, 'src/a.ts'),
    statementMap: { '0': { start: { line: 1, column: 0 }, end: { line: 1, column: 20 } } },
    s: { '0': hits },
    fnMap: {},
    f: {},
    branchMap: {},
    b: {},
    ...extra,
  });
  const raw = join(real, 'raw');
  const write = (folder: string, data: unknown) => {
    mkdirSync(join(raw, folder), { recursive: true });
    writeFileSync(join(raw, folder, 'coverage-final.json'), JSON.stringify(data));
  };
  write('jest-1', { [join(real, 'src/a.ts')]: file({ all: false }, 2) });
  write('jest-2', { [join(real, 'src/a.ts')]: file({ all: false }, 3) });
  write('vitest-1', { [join(real, 'src/a.ts')]: file({ hash: 'h', _coverageSchema: 'x' }, 1) });

  // Two jest/v8 runs add up; the vitest/istanbul run measured the same file with other maps: left out, said so.
  const output = readRunnerOutput(raw, { workspaceRoot: linked, projectRoot: '.' });
  assert.equal(output.collectors, ['jest/v8']);
  const key = join(linked, 'src/a.ts');
  assert.equal(Object.keys(output.coverage), [key]);
  assert.equal(output.coverage[key]!.s, { '0': 5 });
  assert.equal(Object.keys(output.coverage[key]!).sort(), ['b', 'branchMap', 'f', 'fnMap', 'path', 's', 'statementMap']);
  assert.equal(output.warnings, [
    'warning: runs of this target used two coverage providers; the vitest/istanbul data of 1 file(s) also measured by jest/v8 was left out, never summed with it: set the same provider in every config the target runs',
  ]);
  // The provider the project's config names wins over the first run's.
  const preferred = readRunnerOutput(raw, { workspaceRoot: linked, projectRoot: '.' }, ['vitest/istanbul']);
  assert.equal(preferred.collectors, ['vitest/istanbul']);
  assert.equal(preferred.coverage[key]!.s, { '0': 1 });

  // Vitest 4's v8 provider marks each file with `meta`, Vitest 3's with `all` (v8-to-istanbul, as Jest's).
  const vitestRaw = join(real, 'vitest-raw');
  for (const [folder, extra] of [
    ['vitest-4', { meta: {} }],
    ['vitest-3', { all: false }],
  ] as const) {
    mkdirSync(join(vitestRaw, folder), { recursive: true });
    writeFileSync(join(vitestRaw, folder, 'coverage-final.json'), JSON.stringify({ [join(real, 'src/a.ts')]: file(extra, 1) }));
    assert.equal(readRunnerOutput(join(vitestRaw), { workspaceRoot: real, projectRoot: '.' }).collectors, ['vitest/v8'], folder);
    rmSync(join(vitestRaw, folder), { recursive: true });
  }
});

// What Vitest 3.1.4's v8 provider wrote for this untested module (no exports, two imports): its made-up
// "(empty-report)" function and branch end at column -88 (v8-to-istanbul applied the source's length to
// Vite's longer transformed code). Captured from a real run of vitest@3.1.4 with @vitest/coverage-v8@3.1.4.
const VITEST_3_1_MAIN =
  "import { add } from './used';\nimport { readFileSync } from 'node:fs';\n\nconst value = add(1, 2);\nif (value > 2) {\n  console.log(readFileSync('x', 'utf8'));\n}\nconsole.log(value);\n";
const vitest31UntestedEntry = (path: string) => ({
  path,
  all: true,
  statementMap: {
    '0': { start: { line: 1, column: 0 }, end: { line: 1, column: 29 } },
    '1': { start: { line: 2, column: 0 }, end: { line: 2, column: 39 } },
    '3': { start: { line: 4, column: 0 }, end: { line: 4, column: 24 } },
    '4': { start: { line: 5, column: 0 }, end: { line: 5, column: 16 } },
    '5': { start: { line: 6, column: 0 }, end: { line: 6, column: 41 } },
    '6': { start: { line: 7, column: 0 }, end: { line: 7, column: 1 } },
    '7': { start: { line: 8, column: 0 }, end: { line: 8, column: 19 } },
  },
  s: { '0': 0, '1': 0, '3': 0, '4': 0, '5': 0, '6': 0, '7': 0 },
  branchMap: {
    '0': {
      type: 'branch',
      line: 1,
      loc: { start: { line: 1, column: 0 }, end: { line: 8, column: -88 } },
      locations: [{ start: { line: 1, column: 0 }, end: { line: 8, column: -88 } }],
    },
  },
  b: { '0': [0] },
  fnMap: {
    '0': {
      name: '(empty-report)',
      decl: { start: { line: 1, column: 0 }, end: { line: 8, column: -88 } },
      loc: { start: { line: 1, column: 0 }, end: { line: 8, column: -88 } },
      line: 1,
    },
  },
  f: { '0': 0 },
});

// And for this untested module with an export: the transform's first lines have no mapping, so the
// made-up function and branch start past the end of line 1 (column 96 of 51). Same real run.
const VITEST_3_1_UNTESTED = 'export function mul(a: number, b: number): number {\n  if (a > b) return a * b;\n  return b * a;\n}\n';
const vitest31UntestedWithExport = (path: string) => ({
  path,
  all: true,
  statementMap: {
    '0': { start: { line: 1, column: 0 }, end: { line: 1, column: 51 } },
    '1': { start: { line: 2, column: 0 }, end: { line: 2, column: 26 } },
    '2': { start: { line: 3, column: 0 }, end: { line: 3, column: 15 } },
    '3': { start: { line: 4, column: 0 }, end: { line: 4, column: 1 } },
  },
  s: { '0': 0, '1': 0, '2': 0, '3': 0 },
  branchMap: {
    '0': {
      type: 'branch',
      line: 1,
      loc: { start: { line: 1, column: 96 }, end: { line: 4, column: 1 } },
      locations: [{ start: { line: 1, column: 96 }, end: { line: 4, column: 1 } }],
    },
  },
  b: { '0': [0] },
  fnMap: {
    '0': {
      name: '(empty-report)',
      decl: { start: { line: 1, column: 96 }, end: { line: 4, column: 1 } },
      loc: { start: { line: 1, column: 96 }, end: { line: 4, column: 1 } },
      line: 1,
    },
  },
  f: { '0': 0 },
});

test("runner output: Vitest 3.1's untested module with an export, its made-up function starting past line 1's end, spans the file and fits its source", () => {
  const root = tree({ 'src/untested.ts': VITEST_3_1_UNTESTED });
  const path = join(root, 'src/untested.ts');
  mkdirSync(join(root, 'raw', 'vitest-1'), { recursive: true });
  writeFileSync(join(root, 'raw', 'vitest-1', 'coverage-final.json'), JSON.stringify({ [path]: vitest31UntestedWithExport(path) }));
  const output = readRunnerOutput(join(root, 'raw'), { workspaceRoot: root, projectRoot: '.' });
  const whole = { start: { line: 1, column: 0 }, end: { line: 4, column: null } };
  assert.equal(output.coverage[path]!.fnMap, { '0': { name: '(empty-report)', decl: whole, loc: whole, line: 1 } });
  assert.equal(output.coverage[path]!.branchMap, { '0': { type: 'branch', line: 1, loc: whole, locations: [whole] } });
  assert.equal(output.coverage[path]!.s, { '0': 0, '1': 0, '2': 0, '3': 0 });
  // What the collection checks before it writes (source-fit): without the change, "line 1 column 96, beyond the 51 character(s)".
  assert.is(placeOutsideSource(output.coverage[path]!, VITEST_3_1_UNTESTED), undefined);
  assert.is(placeOutsideSource(vitest31UntestedWithExport(path) as FileCoverageData, VITEST_3_1_UNTESTED), 'line 1 column 96, beyond the 51 character(s) of that line');
});

test("runner output: Vitest 3.1's untested-file entry ending at a negative column is kept with that end open, its counts Vitest's; another unusable entry leaves its file out of every run, named", () => {
  const root = tree({ 'src/main.ts': VITEST_3_1_MAIN, 'src/used.ts': 'export const add = (a: number, b: number) => a + b;\n' });
  const main = join(root, 'src/main.ts');
  const used = join(root, 'src/used.ts');
  const usedEntry = (hits: number, endColumn: number) => ({
    path: used,
    all: false,
    statementMap: { '0': { start: { line: 1, column: 0 }, end: { line: 1, column: endColumn } } },
    s: { '0': hits },
    fnMap: {},
    f: {},
    branchMap: {},
    b: {},
  });
  const write = (raw: string, folder: string, data: unknown) => {
    mkdirSync(join(raw, folder), { recursive: true });
    writeFileSync(join(raw, folder, 'coverage-final.json'), JSON.stringify(data));
  };
  const raw = join(root, 'raw');
  write(raw, 'vitest-1', { [main]: vitest31UntestedEntry(main), [used]: usedEntry(1, 51) });
  const output = readRunnerOutput(raw, { workspaceRoot: root, projectRoot: '.' });
  assert.equal(output.unusable, []);
  const open = { start: { line: 1, column: 0 }, end: { line: 8, column: null } };
  const { path: _, all: __, ...vitests } = vitest31UntestedEntry(main);
  assert.equal(output.coverage[main], {
    ...vitests,
    path: main,
    all: true,
    fnMap: { '0': { name: '(empty-report)', decl: open, loc: open, line: 1 } },
    branchMap: { '0': { type: 'branch', line: 1, loc: open, locations: [open] } },
  });
  assert.equal(output.coverage[used]!.s, { '0': 1 });

  // Only Vitest's made-up function is put right: the same entry from Jest is refused, and so is a negative column elsewhere.
  const jestRaw = join(root, 'jest-raw');
  write(jestRaw, 'jest-1', { [main]: vitest31UntestedEntry(main), [used]: usedEntry(1, 51) });
  const fromJest = readRunnerOutput(jestRaw, { workspaceRoot: root, projectRoot: '.' });
  assert.equal(fromJest.unusable, [{ path: main, reason: 'fnMap["0"] has loc.end.column -88, not a whole number from 0' }]);
  assert.equal(Object.keys(fromJest.coverage), [used]);

  // A file one run wrote unusable data for is out of every run: the other run's hits alone are not its numbers.
  const twoRuns = join(root, 'two-runs');
  write(twoRuns, 'vitest-1', { [used]: usedEntry(2, 51) });
  write(twoRuns, 'vitest-2', { [used]: usedEntry(1, -3), [main]: vitest31UntestedEntry(main) });
  const split = readRunnerOutput(twoRuns, { workspaceRoot: root, projectRoot: '.' });
  assert.equal(
    split.unusable.map((entry) => entry.path),
    [used],
  );
  assert.match(split.unusable[0]!.reason, /^statementMap\["0"\] is .*, not a source range/);
  assert.equal(Object.keys(split.coverage), [main]);
});

function monocov(cwd: string, args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

// A custom harness that writes istanbul JSON itself, as Karma or Playwright do.
const HARNESS = `const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
require('./lib/used.js').used();
const path = join(__dirname, 'lib/used.js');
mkdirSync('out', { recursive: true });
writeFileSync('out/coverage-final.json', JSON.stringify({ [path]: {
  path, hash: 'from-the-harness',
  statementMap: { '0': { start: { line: 1, column: 0 }, end: { line: 1, column: 23 } }, '1': { start: { line: 1, column: 21 }, end: { line: 1, column: 22 } } }, s: { '0': 1, '1': 1 },
  fnMap: { '0': { name: 'used', decl: { start: { line: 1, column: 15 }, end: { line: 1, column: 22 } }, loc: { start: { line: 1, column: 15 }, end: { line: 1, column: 22 } }, line: 1 } }, f: { '0': 1 },
  branchMap: {}, b: {},
} }));
`;

test('collector istanbul-json: what the tests write is the data, untested files at 0, stale JSON refused', () => {
  const root = tree({
    'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }),
    '.coveragerc.json': JSON.stringify({ run: { include: ['lib/**'], collector: 'istanbul-json', istanbulJsonPath: 'out' } }),
    'packages/karma-like/package.json': JSON.stringify({ name: 'karma-like' }),
    'packages/karma-like/harness.js': HARNESS,
    'packages/karma-like/lib/used.js': 'exports.used = () => 1;\n',
    'packages/karma-like/lib/untested.js': 'exports.untested = () => 2;\n',
  });
  const pkg = join(root, 'packages/karma-like');
  const result = monocov(pkg, ['run', '--', process.execPath, 'harness.js']);
  assert.is(result.status, 0, result.stderr);
  const dataDir = join(root, 'coverage/projects/packages/karma-like');
  const data = JSON.parse(readFileSync(join(dataDir, 'coverage-final.json'), 'utf8'));
  assert.equal(Object.keys(data), ['packages/karma-like/lib/untested.js', 'packages/karma-like/lib/used.js']);
  assert.equal(data['packages/karma-like/lib/used.js'].f, { '0': 1 });
  assert.is(data['packages/karma-like/lib/used.js'].hash, undefined, 'runner extras are dropped');
  assert.is(data['packages/karma-like/lib/untested.js'].all, true, 'a placeholder for a file no test loaded');
  assert.is(JSON.parse(readFileSync(join(dataDir, 'meta.json'), 'utf8')).collector, 'istanbul-json');

  // The JSON left from that run is older than the next one, which writes none.
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(pkg, 'out/coverage-final.json'), old, old);
  const stale = monocov(pkg, ['run', '--', process.execPath, '-e', '0']);
  assert.is(stale.status, 4, stale.stderr);
  assert.match(stale.stderr, /the tests passed but wrote no istanbul JSON there during this run/);
});

/**
 * A karma-like package whose istanbul-json harness also writes an entry without hits for lib/untested.js with
 * `statementMap` (its text), run by `monocov run`.
 */
function runHarnessWithUntestedEntry(statementMap: string): { root: string; result: ReturnType<typeof monocov> } {
  const harness = HARNESS.replace(
    '  branchMap: {}, b: {},\n} }));',
    `  branchMap: {}, b: {},\n}, [join(__dirname, 'lib/untested.js')]: { path: join(__dirname, 'lib/untested.js'), statementMap: ${statementMap}, s: { '0': 0 }, fnMap: {}, f: {}, branchMap: {}, b: {} } }));`,
  );
  assert.is.not(harness, HARNESS);
  const root = tree({
    'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }),
    '.coveragerc.json': JSON.stringify({ run: { include: ['lib/**'], collector: 'istanbul-json', istanbulJsonPath: 'out' } }),
    'packages/karma-like/package.json': JSON.stringify({ name: 'karma-like' }),
    'packages/karma-like/harness.js': harness,
    'packages/karma-like/lib/used.js': 'exports.used = () => 1;\n',
    'packages/karma-like/lib/untested.js': 'exports.untested = () => 2;\n',
  });
  return { root, result: monocov(join(root, 'packages/karma-like'), ['run', '--', process.execPath, 'harness.js']) };
}

test("collector istanbul-json: an entry without hits that names places its file lacks gets monocov's own zeros, not a refusal", () => {
  // As Vitest 4.1.4 writes for an untested file holding non-ASCII text (create-email's src/tree.js in
  // resend/react-email): no hit, and a statement at line 1 column 90 of a 28-character line.
  const { root, result } = runHarnessWithUntestedEntry("{ '0': { start: { line: 1, column: 60 }, end: { line: 1, column: 90 } } }");
  assert.is(result.status, 0, result.stderr);
  const data = JSON.parse(readFileSync(join(root, 'coverage/projects/packages/karma-like/coverage-final.json'), 'utf8'));
  const untested = data['packages/karma-like/lib/untested.js'];
  assert.is(untested.all, true, "monocov's placeholder for a file no test loaded");
  assert.equal(untested.statementMap['0'], { start: { line: 1, column: 0 }, end: { line: 1, column: 27 } });
  assert.equal(untested.s, { '0': 0, '1': 0 });
  assert.equal(data['packages/karma-like/lib/used.js'].f, { '0': 1 });
});

test('collector istanbul-json: an entry monocov cannot use leaves that one file out, named in a warning and in meta.json, never refilled with zeros', () => {
  // The harness's entry for untested.js ends its statement at column -3: no known quirk, so not put right.
  const { root, result } = runHarnessWithUntestedEntry("{ '0': { start: { line: 1, column: 0 }, end: { line: 1, column: -3 } } }");
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stderr, 'warning: istanbul-json wrote an entry for packages/karma-like/lib/untested.js that monocov cannot use (statementMap["0"] is {"start"');
  assert.match(result.stderr, "that file was left out (listed in meta.json `dropped`), the project's other files are kept");
  const dataDir = join(root, 'coverage/projects/packages/karma-like');
  const data = JSON.parse(readFileSync(join(dataDir, 'coverage-final.json'), 'utf8'));
  assert.equal(Object.keys(data), ['packages/karma-like/lib/used.js'], 'not at 0 either: its data is unknown');
  assert.equal(JSON.parse(readFileSync(join(dataDir, 'meta.json'), 'utf8')).dropped, { processes: 0, sources: ['packages/karma-like/lib/untested.js'] });
});

test('collector jest on a command that never starts Jest: an error after passing tests, not an empty report', () => {
  const root = tree({ 'package.json': JSON.stringify({ name: 'plain' }), 'lib/a.js': 'exports.a = 1;\n' });
  const result = monocov(root, ['run', '--collector', 'jest', '--', process.execPath, '-e', 'require("./lib/a.js")']);
  assert.is(result.status, 4, result.stderr);
  assert.match(result.stderr, /the tests passed but Jest wrote no coverage for monocov/);
});

// One real runner through the CLI: detection from the command, the hook, Vitest's own coverage.
const VITEST_TEST = `import { expect, test } from 'vitest';
import { half } from '../src/half';

test('half', () => expect(half(4)).toBe(2));
`;
const HALF_TS = `type N = number;

export function half(n: N): N {
  if (n % 2) {
    throw new Error('odd');
  }
  return n / 2;
}
`;

test("monocov run -- vitest run: collected through Vitest, Vitest's type tests and benchmarks not counted as sources, forced v8 refused", () => {
  const root = tree({
    'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }),
    '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] } }),
    'packages/vt/package.json': JSON.stringify({ name: 'vt', type: 'module', scripts: { test: 'vitest run' } }),
    'packages/vt/src/half.ts': HALF_TS,
    'packages/vt/src/idle.ts': 'export const idle = (): number => 0;\n',
    // `vitest run` runs neither: counted as sources, they showed at 0 % (vuejs/core: 20 type tests, 6 benchmarks).
    'packages/vt/src/half.test-d.ts': `import { expectTypeOf, test } from 'vitest';\nimport { half } from './half';\n\ntest('types', () => expectTypeOf(half).returns.toBeNumber());\n`,
    'packages/vt/src/half.bench.ts': `import { bench } from 'vitest';\nimport { half } from './half';\n\nbench('half', () => {\n  half(4);\n});\n`,
    'packages/vt/test/half.test.ts': VITEST_TEST,
  });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  const pkg = join(root, 'packages/vt');
  const result = monocov(pkg, ['run', '--verbose', '--', 'npm', 'test']);
  assert.is(result.status, 0, result.stderr + result.stdout);
  assert.match(result.stdout, /packages\/vt\/src\/half\.ts\s.*\| 5\s*$/m);
  const dataDir = join(root, 'coverage/projects/packages/vt');
  assert.is(JSON.parse(readFileSync(join(dataDir, 'meta.json'), 'utf8')).collector, 'vitest/v8');
  const data = JSON.parse(readFileSync(join(dataDir, 'coverage-final.json'), 'utf8'));
  assert.equal(Object.keys(data), ['packages/vt/src/half.ts', 'packages/vt/src/idle.ts']);
  assert.equal(readdirSync(pkg).sort(), ['node_modules', 'package.json', 'src', 'test'], 'no report of its own left in the package');

  const forced = monocov(pkg, ['run', '--collector', 'v8', '--', 'npm', 'test']);
  assert.is(forced.status, 3);
  assert.match(forced.stderr, /`run\.collector` "v8" cannot measure the test command: it runs Vitest \(package\.json script "test" \("vitest run"\)\)/);
});

/** A workspace whose packages each hold the Vitest fixture, their `test` scripts as given; node_modules of this repository. */
function vitestWorkspace(scripts: Record<string, string>, extra: Record<string, string> = {}): string {
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }),
    '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] } }),
    ...extra,
  };
  for (const [name, script] of Object.entries(scripts)) {
    files[`packages/${name}/package.json`] = JSON.stringify({ name, type: 'module', scripts: { test: script } });
    files[`packages/${name}/src/half.ts`] = HALF_TS;
    files[`packages/${name}/test/half.test.ts`] = VITEST_TEST;
  }
  const root = tree(files);
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

function halfLines(root: string, name: string): Record<string, number> {
  const data = JSON.parse(readFileSync(join(root, 'coverage/projects/packages', name, 'coverage-final.json'), 'utf8'));
  return { ...createFileCoverage(data[`packages/${name}/src/half.ts`]).getLineCoverage() };
}

test('real Vitest: --run, run --coverage.enabled=false and a reporter of its own in the command are merged, not repeated', () => {
  const root = vitestWorkspace({ dashrun: 'vitest --run', disabled: 'vitest run --coverage.enabled=false --coverage.reporter=text', plain: 'vitest' });
  const expected = { '4': 1, '5': 0, '7': 1 };
  for (const name of ['dashrun', 'disabled', 'plain']) {
    const result = monocov(join(root, 'packages', name), ['run', '--', 'npm', 'test']);
    assert.is(result.status, 0, name + result.stderr + result.stdout);
    assert.not.match(result.stderr, /Expected a single value/);
    assert.equal(halfLines(root, name), expected, name);
  }
  const direct = monocov(join(root, 'packages/dashrun'), ['run', '--', 'npx', 'vitest', '--run', '--coverage.enabled=false', '--coverage.reportsDirectory', 'own']);
  assert.is(direct.status, 0, direct.stderr + direct.stdout);
  assert.equal(halfLines(root, 'dashrun'), expected);
});

test('real Vitest: watch mode is refused before any test runs, and the data already there is kept', () => {
  const root = vitestWorkspace({ watching: 'vitest watch' });
  const pkg = join(root, 'packages/watching');
  const first = monocov(pkg, ['run', '--', 'npx', 'vitest', 'run']);
  assert.is(first.status, 0, first.stderr);
  const meta = readFileSync(join(root, 'coverage/projects/packages/watching/meta.json'), 'utf8');
  const result = monocov(pkg, ['run', '--', 'npm', 'test']);
  assert.is(result.status, 3, result.stderr);
  assert.match(result.stderr, /monocov run: the test command runs Vitest in watch mode \(`watch`\), which never ends.*run `vitest run`/);
  assert.not.match(result.stderr + result.stdout, /Test Files/);
  assert.is(readFileSync(join(root, 'coverage/projects/packages/watching/meta.json'), 'utf8'), meta);
});

test('real Vitest with test.projects at the root: `vitest --run` there is merged once for every project', () => {
  const root = vitestWorkspace(
    { one: 'vitest run', two: 'vitest run' },
    {
      '.coveragerc.json': JSON.stringify({ run: { include: ['packages/*/src/**'] } }),
      'vitest.config.ts': `import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { projects: ['packages/*'] } });\n`,
    },
  );
  const result = monocov(root, ['run', '--', 'npx', 'vitest', '--run']);
  assert.is(result.status, 0, result.stderr + result.stdout);
  const data = JSON.parse(readFileSync(join(root, 'coverage/projects/.root/coverage-final.json'), 'utf8'));
  assert.equal(Object.keys(data), ['packages/one/src/half.ts', 'packages/two/src/half.ts']);
  for (const file of Object.values(data)) assert.equal({ ...createFileCoverage(file as FileCoverageData).getLineCoverage() }, { '4': 1, '5': 0, '7': 1 });
});

const JEST_HALF = `exports.half = (n) => {
  if (n % 2) {
    throw new Error('odd');
  }
  return n / 2;
};
`;

test('real Jest: `jest --ci --coverage` and a reporter of its own are merged, not repeated; its own `--coverageDirectory` gets nothing', () => {
  const root = tree({
    'package.json': JSON.stringify({ name: 'jt', scripts: { test: 'jest --ci --coverage --coverageDirectory=own --coverageReporters text' } }),
    '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] } }),
    'src/half.js': JEST_HALF,
    'test/half.test.js': `const { half } = require('../src/half');\ntest('half', () => expect(half(4)).toBe(2));\n`,
  });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  const result = monocov(root, ['run', '--', 'npm', 'test']);
  assert.is(result.status, 0, result.stderr + result.stdout);
  const data = JSON.parse(readFileSync(join(root, 'coverage/projects/.root/coverage-final.json'), 'utf8'));
  assert.equal({ ...createFileCoverage(data['src/half.js']).getLineCoverage() }, { '1': 1, '2': 1, '3': 0, '5': 1 });
  assert.equal(readdirSync(root).sort(), ['.coveragerc.json', 'coverage', 'node_modules', 'package.json', 'src', 'test'], 'no report of its own');
});

test("monocov's Jest reporter writes the whole map, called as Jest 25 and later call it (execute) and as Jest 24 does (a visitor of its tree)", () => {
  const Reporter = require('../hooks/jest-coverage-reporter.cjs') as new () => { execute(context: unknown): void };
  const file = (path: string, hits: number): FileCoverageData => ({
    path,
    statementMap: { '0': { start: { line: 1, column: 0 }, end: { line: 1, column: 9 } } },
    fnMap: {},
    branchMap: {},
    s: { '0': hits },
    f: {},
    b: {},
  });
  const map = createCoverageMap({ '/ws/src/a.js': file('/ws/src/a.js', 1), '/ws/lib/b.js': file('/ws/lib/b.js', 0) });
  const root = tree({});
  for (const [kind, report] of [
    ['execute', (context: Context) => new Reporter().execute(context)],
    ['visitor', (context: Context) => context.getTree('pkg').visit(new Reporter() as never, context)],
  ] as const) {
    const outputDir = join(root, kind);
    process.env.MONOCOV_JEST_OUTPUT_DIR = outputDir;
    try {
      report(createContext({ coverageMap: map, dir: join(root, 'unused') }));
    } finally {
      delete process.env.MONOCOV_JEST_OUTPUT_DIR;
    }
    assert.equal(JSON.parse(readFileSync(join(outputDir, 'coverage-final.json'), 'utf8')), JSON.parse(JSON.stringify(map)), kind);
    assert.equal(readdirSync(outputDir), ['coverage-final.json'], `${kind}: no partial file left`);
  }
});

test("real Jest: a second run finds every file in Jest's transform cache", () => {
  // A transform that logs each file it is asked for: Jest calls it only on a cache miss.
  const root = tree({
    'package.json': JSON.stringify({ name: 'jc', scripts: { test: 'jest' } }),
    'jest.config.js': `module.exports = { testEnvironment: 'node', cacheDirectory: '<rootDir>/.jest-cache', transform: { '\\\\.js$': '<rootDir>/logging-transform.cjs' } };\n`,
    'logging-transform.cjs': `module.exports = { process(code, file) { require('node:fs').appendFileSync(__dirname + '/transformed.log', file + '\\n'); return { code }; } };\n`,
    '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] } }),
    'src/half.js': JEST_HALF,
    'test/half.test.js': `const { half } = require('../src/half');\ntest('half', () => expect(half(4)).toBe(2));\n`,
  });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  const transformed = () => readFileSync(join(root, 'transformed.log'), 'utf8').trim().split('\n').sort();
  const dataFile = join(root, 'coverage/projects/.root/coverage-final.json');
  const first = monocov(root, ['run', '--', 'npm', 'test']);
  assert.is(first.status, 0, first.stderr + first.stdout);
  assert.equal(transformed(), [join(root, 'src/half.js'), join(root, 'test/half.test.js')]);
  const data = readFileSync(dataFile, 'utf8');
  rmSync(dataFile);
  const second = monocov(root, ['run', '--', 'npm', 'test']);
  assert.is(second.status, 0, second.stderr + second.stdout);
  assert.is(transformed().length, 2, 'nothing transformed again');
  assert.is(readFileSync(dataFile, 'utf8'), data, 'the same data');
  assert.equal({ ...createFileCoverage(JSON.parse(data)['src/half.js']).getLineCoverage() }, { '1': 1, '2': 1, '3': 0, '5': 1 });
});

test('real Jest with ts-jest: data of the compiled JavaScript (tsconfig "sourceMap": false) is refused with its fix, the earlier data kept', () => {
  // As in nrwl/nx-console, whose tsconfig.base.json turns source maps off: ts-jest follows it, and
  // Jest's own report then counts the compiled lines against the TypeScript file.
  const tsconfig = (sourceMap: boolean) => JSON.stringify({ compilerOptions: { module: 'commonjs', target: 'es2022', strict: true, types: ['jest'], sourceMap } });
  const root = tree({
    'package.json': JSON.stringify({ name: 'tj', scripts: { test: 'jest' } }),
    'jest.config.js': `module.exports = { testEnvironment: 'node', transform: { '^.+\\\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }] } };\n`,
    'tsconfig.spec.json': tsconfig(true),
    '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] } }),
    'src/half.ts': HALF_TS,
    'test/half.test.ts': `import { half } from '../src/half';\ntest('half', () => expect(half(4)).toBe(2));\n`,
  });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  const mapped = monocov(root, ['run', '--', 'npm', 'test']);
  assert.is(mapped.status, 0, mapped.stderr + mapped.stdout);
  const dataFile = join(root, 'coverage/projects/.root/coverage-final.json');
  const written = readFileSync(dataFile, 'utf8');
  // The same numbers as Jest's own report of the same run.
  const own = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/jest/bin/jest.js'), '--coverage', '--coverageReporters=json', '--coverageDirectory=own'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.is(own.status, 0, own.stderr);
  const reference = JSON.parse(readFileSync(join(root, 'own/coverage-final.json'), 'utf8'))[join(root, 'src/half.ts')];
  const data = JSON.parse(written)['src/half.ts'];
  for (const key of ['statementMap', 's', 'fnMap', 'f', 'branchMap', 'b']) assert.equal(data[key], reference[key], key);

  writeFileSync(join(root, 'tsconfig.spec.json'), tsconfig(false));
  const compiled = monocov(root, ['run', '--', 'npm', 'test']);
  assert.is(compiled.status, 4, compiled.stderr + compiled.stdout);
  assert.match(compiled.stderr, 'jest/babel coverage names places its sources do not have: src/half.ts (line 2 column 62, beyond the 0 character(s) of that line).');
  assert.match(compiled.stderr, 'set "sourceMap": true in the tsconfig ts-jest uses');
  assert.is(readFileSync(dataFile, 'utf8'), written, 'the earlier data is kept');
});

test.run();
