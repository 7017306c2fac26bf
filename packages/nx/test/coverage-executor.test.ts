import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createFixtureWorkspace, readJson, removeWorkspace, runNx, snapshotFiles } from './helpers/fixture-workspace';
import { threeProjectFiles } from './helpers/three-projects';

// One workspace for the whole file: real nx runs are the slow part, so each test builds on the last.
const root = createFixtureWorkspace(threeProjectFiles());
const projectsDir = join(root, 'coverage', 'projects');

function dataOf(projectRoot: string): Record<string, any> {
  return readJson(join(projectsDir, projectRoot, 'coverage-final.json'));
}

function functionHits(file: any, name: string): number {
  const entry = Object.entries(file.fnMap).find(([, fn]: [string, any]) => fn.name === name);
  assert.ok(entry, `function ${name} is in the fnMap of ${file.path}`);
  return file.f[entry![0]];
}

test.after(() => removeWorkspace(root));

let firstRun: Record<string, string>;

test('run-many -t coverage writes portable data for every project', () => {
  const result = runNx(root, ['run-many', '-t', 'coverage', '--parallel=1', '--skip-nx-cache']);
  assert.is(result.status, 0, result.output);
  firstRun = snapshotFiles(projectsDir);
  assert.equal(Object.keys(firstRun), [
    'apps/cli-app/coverage-final.json',
    'apps/cli-app/meta.json',
    'libs/js-lib/coverage-final.json',
    'libs/js-lib/meta.json',
    'libs/ts-lib/coverage-final.json',
    'libs/ts-lib/meta.json',
  ]);
  for (const [path, contents] of Object.entries(firstRun)) {
    assert.not.ok(contents.includes(root), `${path} holds no absolute workspace path`);
  }
  const meta = readJson(join(projectsDir, 'libs/ts-lib/meta.json'));
  assert.is(meta.project, 'ts-lib');
  assert.is(meta.projectRoot, 'libs/ts-lib');
  assert.is(meta.formatVersion, 1);
  assert.equal(meta.tests, { status: 'passed', exitCode: 0, signal: null });
});

test('a TypeScript library tested by uvu through tsx: exact hits on the .ts source', () => {
  const data = dataOf('libs/ts-lib');
  assert.equal(Object.keys(data), ['libs/ts-lib/src/math.ts', 'libs/ts-lib/src/unused.ts']);
  const math = data['libs/ts-lib/src/math.ts'];
  assert.is(math.path, 'libs/ts-lib/src/math.ts');
  assert.is(functionHits(math, 'add'), 2);
  assert.is(functionHits(math, 'classify'), 1);
  assert.is(functionHits(math, 'neverCalled'), 0);
  // if (n < 0) was never true; the ternary took "positive" once.
  const branchHits = Object.values(math.b) as number[][];
  assert.equal(branchHits, [
    [0, 1],
    [0, 1],
  ]);
});

test('a never-imported source file is in the data with every count at 0', () => {
  const unused = dataOf('libs/ts-lib')['libs/ts-lib/src/unused.ts'];
  assert.ok(Object.keys(unused.statementMap).length > 0, 'statements are mapped');
  assert.is(Object.keys(unused.fnMap).length, 1);
  assert.ok(Object.values(unused.s).every((hits) => hits === 0));
  assert.ok(Object.values(unused.f).every((hits) => hits === 0));
  assert.ok((Object.values(unused.b) as number[][]).flat().every((hits) => hits === 0));
});

test('a JavaScript library tested by node --test', () => {
  const data = dataOf('libs/js-lib');
  assert.equal(Object.keys(data), ['libs/js-lib/src/strings.js']);
  const strings = data['libs/js-lib/src/strings.js'];
  assert.is(functionHits(strings, 'shout'), 3);
  assert.is(functionHits(strings, 'whisper'), 0);
});

test('a system test that spawns the CLI: the child process is counted', () => {
  const data = dataOf('apps/cli-app');
  assert.equal(Object.keys(data), ['apps/cli-app/src/cli.js', 'apps/cli-app/src/greet.js']);
  assert.is(functionHits(data['apps/cli-app/src/greet.js'], 'greet'), 1);
  const cli = data['apps/cli-app/src/cli.js'];
  assert.equal(Object.values(cli.b), [[1, 0]]);
});

test('--parallel=3 writes the same bytes as --parallel=1', () => {
  const result = runNx(root, ['run-many', '-t', 'coverage', '--parallel=3', '--skip-nx-cache']);
  assert.is(result.status, 0, result.output);
  assert.equal(snapshotFiles(projectsDir), firstRun);
});

test('a cache hit restores the same data', () => {
  assert.is(runNx(root, ['run-many', '-t', 'coverage']).status, 0, 'a run that fills the cache');
  rmSync(projectsDir, { recursive: true });
  const result = runNx(root, ['run-many', '-t', 'coverage']);
  assert.is(result.status, 0, result.output);
  assert.match(result.output, /from the cache instead of running the command for 3 out of 3 tasks/);
  assert.equal(snapshotFiles(projectsDir), firstRun);
});

test('a failing test fails the task, and its data is still written', () => {
  const testFile = join(root, 'libs/js-lib/test/strings.test.js');
  const original = readFileSync(testFile, 'utf8');
  writeFileSync(testFile, original.replace("'HI!'", "'WRONG'"));
  try {
    const result = runNx(root, ['run', 'js-lib:coverage', '--skip-nx-cache']);
    assert.is.not(result.status, 0, 'the coverage task fails with the tests');
    const meta = readJson(join(projectsDir, 'libs/js-lib/meta.json'));
    assert.is.not(meta.tests.exitCode, 0);
    assert.is(meta.tests.status, 'failed');
    assert.match(result.output, /monocov: js-lib:test failed \(exit status \d+\): js-lib: .* in \d+ files?; data written to coverage\/projects\/libs\/js-lib, recorded as failed/);
    // shout ran once before the failing assertion stopped the test.
    assert.is(functionHits(dataOf('libs/js-lib')['libs/js-lib/src/strings.js'], 'shout'), 1);
  } finally {
    writeFileSync(testFile, original);
  }
});

test('a coverage target pointed at a missing test target fails with a message, not a stack trace', () => {
  const projectFile = join(root, 'apps/cli-app/project.json');
  const original = readFileSync(projectFile, 'utf8');
  const project = JSON.parse(original);
  project.targets.coverage.options = { testTarget: 'unit' };
  writeFileSync(projectFile, JSON.stringify(project));
  try {
    const result = runNx(root, ['run', 'cli-app:coverage', '--skip-nx-cache']);
    assert.is.not(result.status, 0);
    assert.match(result.output, 'monocov: project "cli-app" has no "unit" target to measure; set the coverage target\'s testTarget option');
    assert.not.match(result.output, /\n\s+at .*coverage\.impl/);
  } finally {
    writeFileSync(projectFile, original);
  }
});

test.run();
