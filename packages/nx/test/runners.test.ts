import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileCoverage, type FileCoverageData } from 'istanbul-lib-coverage';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig, mergeWorkspace } from '@monocov/core';
import { REPO_ROOT, STREAM_TASK_OUTPUT, createFixtureWorkspace, readJson, removeWorkspace, runNx, snapshotFiles } from './helpers/fixture-workspace';
import { JEST_CACHE_DIR, UNCOVERED_LINES, runnerProjectFiles } from './helpers/runner-projects';

// One workspace for the file: the real runner runs are the slow part, so each test builds on the first.
const root = createFixtureWorkspace(runnerProjectFiles());
const projectsDir = join(root, 'coverage', 'projects');
test.after(() => removeWorkspace(root));

/** Project → the `collector` its meta.json must name. */
const COLLECTORS: Record<string, string> = {
  'jest-lib': 'jest/babel',
  'jest-v8-lib': 'jest/v8',
  'vitest-lib': 'vitest/v8',
  'vitest-nx-lib': 'vitest/istanbul',
  'uvu-lib': 'v8',
};
const PROJECTS = Object.keys(COLLECTORS);
const FILES = Object.keys(UNCOVERED_LINES).sort();

function dataOf(project: string): Record<string, FileCoverageData> {
  return readJson(join(projectsDir, 'libs', project, 'coverage-final.json'));
}

function lineHits(file: FileCoverageData): Record<string, number> {
  return { ...createFileCoverage(file).getLineCoverage() }; // a plain object, to compare with one
}

function uncoveredLines(file: FileCoverageData): number[] {
  return Object.entries(lineHits(file))
    .filter(([, hits]) => hits === 0)
    .map(([line]) => Number(line));
}

test('run-many -t coverage: Jest and Vitest through their own coverage, uvu under V8, then the merge', () => {
  const result = runNx(root, ['run-many', '-t', 'coverage', '--parallel=2', '--skip-nx-cache']);
  assert.is(result.status, 0, result.output);
  for (const project of PROJECTS) {
    const meta = readJson(join(projectsDir, 'libs', project, 'meta.json'));
    assert.is(meta.collector, COLLECTORS[project], project);
    assert.equal(meta.tests, { status: 'passed', exitCode: 0, signal: null }, `${project}: the runner's own 100% threshold was not applied`);
    assert.equal(
      Object.keys(dataOf(project)),
      FILES.map((file) => `libs/${project}/${file}`),
      project,
    );
    assert.not.ok(readFileSync(join(projectsDir, 'libs', project, 'coverage-final.json'), 'utf8').includes(root), `${project}: no absolute path`);
    assert.not.ok(existsSync(join(root, 'libs', project, 'coverage')), `${project}: the runner wrote no report of its own`);
  }
  const merged = readJson(join(root, 'coverage', 'workspace', 'coverage-final.json'));
  assert.is(Object.keys(merged).length, PROJECTS.length * FILES.length);
});

test('uncovered lines are the same for every runner and provider that maps statements (V8 ranges mark whole blocks)', () => {
  for (const project of ['jest-lib', 'vitest-lib', 'vitest-nx-lib', 'uvu-lib']) {
    const data = dataOf(project);
    for (const file of FILES) assert.equal(uncoveredLines(data[`libs/${project}/${file}`]!), UNCOVERED_LINES[file], `${project} ${file}`);
  }
  // v8-to-istanbul (Jest's v8 provider) counts lines from V8's block ranges: the braces and
  // the declaration of an uncalled function are lines too.
  const jestV8 = dataOf('jest-v8-lib');
  assert.equal(uncoveredLines(jestV8['libs/jest-v8-lib/src/math.ts']!), [11, 12, 16, 17, 18]);
  assert.equal(uncoveredLines(jestV8['libs/jest-v8-lib/src/format.ts']!), [5, 6]);
  assert.equal(uncoveredLines(jestV8['libs/jest-v8-lib/src/unused.ts']!), UNCOVERED_LINES['src/unused.ts']);
});

test("files no test loads are in the data at 0 (they were outside the runner's own coverage selection)", () => {
  for (const project of PROJECTS) {
    const unused = dataOf(project)[`libs/${project}/src/unused.ts`]!;
    assert.ok(Object.keys(unused.statementMap).length > 0, project);
    assert.ok(
      Object.values(unused.s).every((hits) => hits === 0),
      project,
    );
  }
});

/** line → hits of each file in an lcov report, keyed by file name. */
function readLcov(path: string): Record<string, Record<string, number>> {
  const files: Record<string, Record<string, number>> = {};
  let current: Record<string, number> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('SF:')) files[line.slice(3).split(/[\\/]/).at(-1)!] = current = {};
    const hit = /^DA:(\d+),(\d+)/.exec(line);
    if (hit) current[hit[1]!] = Number(hit[2]);
  }
  return files;
}

const OWN_RUNS: Record<string, string[]> = {
  'jest-lib': ['node_modules/jest/bin/jest.js', '--coverage'],
  'jest-v8-lib': ['node_modules/jest/bin/jest.js', '--coverage'],
  'vitest-lib': ['node_modules/vitest/vitest.mjs', 'run', '--coverage'],
  'vitest-nx-lib': ['node_modules/vitest/vitest.mjs', 'run', '--coverage'],
};

test("per-file line hits agree with the runner's own coverage report of the same tests", () => {
  for (const [project, [script, ...args]] of Object.entries(OWN_RUNS)) {
    // The runner as the user runs it, with its own config (lcov; its 100% threshold fails the run).
    spawnSync(process.execPath, [join(REPO_ROOT, script!), ...args], { cwd: join(root, 'libs', project), encoding: 'utf8' });
    const own = readLcov(join(root, 'libs', project, 'coverage', 'lcov.info'));
    const data = dataOf(project);
    for (const file of ['src/math.ts', 'src/format.ts']) {
      const name = file.split('/').at(-1)!;
      assert.ok(own[name], `${project}: its own report has ${file}`);
      assert.equal(lineHits(data[`libs/${project}/${file}`]!), own[name], `${project} ${file}`);
    }
  }
});

test('the same tests give the same bytes', () => {
  const before = snapshotFiles(projectsDir);
  const result = runNx(root, ['run-many', '-t', 'coverage', '--projects=jest-lib,vitest-lib', '--parallel=2', '--skip-nx-cache']);
  assert.is(result.status, 0, result.output);
  assert.equal(snapshotFiles(projectsDir), before);
});

test("a second run of the Jest projects takes every file from Jest's transform cache (@nx/jest's executor and a `jest` script)", () => {
  // Jest writes a file into its cache for each transform it could not find there.
  const transforms = () =>
    readdirSync(join(root, JEST_CACHE_DIR), { recursive: true, encoding: 'utf8' })
      .filter((path) => path.startsWith('jest-transform-cache-'))
      .sort();
  const before = transforms();
  assert.ok(
    before.some((path) => path.endsWith('math.ts') || /math_[\da-f]+$/.test(path)),
    before.join('\n'),
  );
  const result = runNx(root, ['run-many', '-t', 'coverage', '--projects=jest-lib,jest-v8-lib', '--parallel=2', '--skip-nx-cache']);
  assert.is(result.status, 0, result.output);
  assert.equal(transforms(), before);
});

// Two targets of one runner in one coverage task (`unit` and `integration`, both @nx/jest:jest or
// @nx/vitest:test): both runs wrote into one folder, so the second's data replaced the first's.
// And @nx/vitest, an async generator, returns its result rather than yielding it: failing tests passed.
function twoTargetProject(runner: 'jest' | 'vitest'): Record<string, string> {
  const dir = `libs/${runner}-two`;
  const configFile = (kind: string) => `${dir}/${kind}.config.${runner === 'jest' ? 'js' : 'mjs'}`;
  const configText = (kind: string) =>
    runner === 'jest'
      ? `module.exports = { testEnvironment: 'node', testMatch: ['<rootDir>/test/${kind}.test.js'] };\n`
      : `export default { test: { include: ['test/${kind}.test.js'] } };\n`;
  const files: Record<string, string> = {
    [`${dir}/project.json`]: JSON.stringify({
      name: `${runner}-two`,
      targets: {
        ...Object.fromEntries(
          ['unit', 'integration'].map((kind) => [
            kind,
            runner === 'jest'
              ? { executor: '@nx/jest:jest', options: { jestConfig: configFile(kind) } }
              : { executor: '@nx/vitest:test', options: { configFile: configFile(kind) } },
          ]),
        ),
        coverage: { executor: '@monocov/nx:coverage', options: { testTarget: ['unit', 'integration'] } },
      },
    }),
    [`${dir}/tsconfig.json`]: '{}', // @nx/vitest reads it
  };
  for (const [kind, name] of [
    ['unit', 'first'],
    ['integration', 'second'],
  ] as const) {
    files[configFile(kind)] = configText(kind);
    files[`${dir}/src/${name}.js`] = `exports.${name} = (n) => {\n  if (n % 2) return 0;\n  return n / 2;\n};\n`;
    files[`${dir}/test/${kind}.test.js`] = twoTargetTest(runner, name, 2);
  }
  return files;
}

function twoTargetTest(runner: 'jest' | 'vitest', name: string, expected: number): string {
  const imports = runner === 'jest' ? `const { ${name} } = require('../src/${name}.js');` : `import { expect, test } from 'vitest';\nimport { ${name} } from '../src/${name}.js';`;
  return `${imports}\ntest('${name}', () => expect(${name}(4)).toBe(${expected}));\n`;
}

test('one coverage task running two test targets of one runner through its Nx executor counts the files each tests; a failing test fails the task', () => {
  const workspace = createFixtureWorkspace({
    'package.json': JSON.stringify({ name: 'two-targets', private: true }),
    'nx.json': '{}',
    '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] } }),
    ...twoTargetProject('jest'),
    ...twoTargetProject('vitest'),
  });
  try {
    for (const runner of ['jest', 'vitest'] as const) {
      const task = `${runner}-two:coverage`;
      const passing = runNx(workspace, ['run', task, '--skip-nx-cache']);
      assert.is(passing.status, 0, passing.output);
      const data: Record<string, FileCoverageData> = readJson(join(workspace, 'coverage/projects/libs', `${runner}-two`, 'coverage-final.json'));
      for (const name of ['first', 'second']) assert.equal(lineHits(data[`libs/${runner}-two/src/${name}.js`]!), { '1': 1, '2': 1, '3': 1 }, `${runner}: ${name}.js`);

      writeFileSync(join(workspace, `libs/${runner}-two/test/integration.test.js`), twoTargetTest(runner, 'second', 3));
      const failing = runNx(workspace, ['run', task, '--skip-nx-cache', STREAM_TASK_OUTPUT]);
      assert.is.not(failing.status, 0, failing.output);
      // Failed, not "killed by SIGTERM": the runner ends its own worker processes.
      assert.ok(failing.output.includes(`${runner}-two:integration failed (exit status 1)`), failing.output);
    }
  } finally {
    removeWorkspace(workspace);
  }
});

test('mergeWorkspace: one report of the five projects, each file as its project measured it', () => {
  const report = mergeWorkspace({ workspaceRoot: root, config: loadConfig({ workspaceRoot: root }).config });
  assert.is(report.outcome, 'ok');
  assert.equal(report.projects.map((project) => project.project).sort(), [...PROJECTS].sort());
  for (const project of PROJECTS) {
    const data = dataOf(project);
    for (const [path, file] of Object.entries(data)) assert.equal(lineHits(report.coverage[path]!), lineHits(file), path);
  }
});

test('collector v8 forced on the Jest project fails before the tests run, saying why and what to use', () => {
  const result = runNx(root, ['run', 'jest-lib:coverage', '--collector=v8', '--skip-nx-cache']);
  assert.is.not(result.status, 0);
  assert.match(result.output, /`run\.collector` "v8" cannot measure jest-lib:test: it runs Jest \(executor "@nx\/jest:jest"\)/);
  assert.match(result.output, /Use collector "jest" \(or "auto"\)/);
  assert.not.match(result.output, /PASS/, 'the tests did not run');
});

test.run();
