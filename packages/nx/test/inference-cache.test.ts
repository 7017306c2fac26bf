import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createFixtureWorkspace, readJson, removeWorkspace, runNx, snapshotFiles } from './helpers/fixture-workspace';
import { pluginOnlyThreeProjectFiles } from './helpers/three-projects';

// Issue 4's acceptance: four projects, only the plugin registered, no coverage target written by
// hand. A shared cache folder lets a second clone at another path restore from the first.
const cacheDir = mkdtempSync(join(tmpdir(), 'monocov-nx-cache-'));
const env = { NX_CACHE_DIRECTORY: cacheDir };

function inferenceFiles(): Record<string, string> {
  const files = pluginOnlyThreeProjectFiles({ namedInputs: { default: ['{projectRoot}/**/*'], production: ['default', '!{projectRoot}/test/**/*'] } });
  // A fourth project that depends on ts-lib: a change to ts-lib affects it too.
  files['libs/report-lib/package.json'] = JSON.stringify(
    { name: 'report-lib', private: true, type: 'module', scripts: { test: 'node --test' }, dependencies: { 'ts-lib': '*' } },
    null,
    2,
  );
  files['libs/report-lib/src/format.js'] = `export function formatTotal(total) {\n  return total.toFixed(1);\n}\n`;
  files['libs/report-lib/test/format.test.js'] = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTotal } from '../src/format.js';

test('formats', () => assert.equal(formatTotal(2), '2.0'));
`;
  files['.gitignore'] = 'node_modules\ncoverage\n.nx\n';
  // A coverage provider the workspace installs, as npm locks it: its version is an input of every coverage task.
  files['package.json'] = JSON.stringify({ ...JSON.parse(files['package.json']!), devDependencies: { '@vitest/coverage-v8': PROVIDER_VERSION } }, null, 2);
  files['package-lock.json'] = providerLock(PROVIDER_VERSION);
  return files;
}

const PROVIDER_VERSION = '4.1.12';

/** An npm lockfile (v3) holding @vitest/coverage-v8 at `version`, with the tarball and integrity npm records for it. */
function providerLock(version: string): string {
  const provider = '@vitest/coverage-v8';
  return JSON.stringify(
    {
      name: 'fixture',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'fixture', workspaces: ['libs/*'], devDependencies: { [provider]: version } },
        [`node_modules/${provider}`]: {
          version,
          resolved: `https://registry.npmjs.org/${provider}/-/coverage-v8-${version}.tgz`,
          integrity: `sha512-${Buffer.from(`${provider}@${version}`).toString('base64')}`,
          dev: true,
        },
      },
    },
    null,
    2,
  );
}

const root = createFixtureWorkspace(inferenceFiles());
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
git('init', '-q', '-b', 'main');
git('-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '-A');
git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'fixture');
const coverageDir = join(root, 'coverage');
test.after(() => {
  removeWorkspace(root);
  rmSync(cacheDir, { recursive: true, force: true });
});

function ran(output: string): string[] {
  // Tasks Nx actually ran print "> nx run x:coverage" without a cache mark.
  return [...output.matchAll(/> nx run ([\w-]+:coverage)(?!\s+\[)/g)].map((match) => match[1]!).sort();
}

let firstRun: Record<string, string>;

test('with only the plugin registered, run-many -t coverage writes every project and the merged report', () => {
  const result = runNx(root, ['run-many', '-t', 'coverage'], env);
  assert.is(result.status, 0, result.output);
  firstRun = snapshotFiles(coverageDir);
  for (const project of ['apps/cli-app', 'libs/js-lib', 'libs/report-lib', 'libs/ts-lib']) {
    assert.ok(firstRun[`projects/${project}/coverage-final.json`], `${project} has data`);
  }
  for (const report of ['coverage-final.json', 'lcov.info', 'coverage-summary.json', 'cobertura-coverage.xml', 'html/index.html']) {
    assert.ok(firstRun[`workspace/${report}`], `workspace/${report} is written`);
  }
  const merged = readJson(join(coverageDir, 'workspace/coverage-final.json'));
  assert.equal(Object.keys(merged), [
    'apps/cli-app/src/cli.js',
    'apps/cli-app/src/greet.js',
    'libs/js-lib/src/strings.js',
    'libs/report-lib/src/format.js',
    'libs/ts-lib/src/math.ts',
    'libs/ts-lib/src/unused.ts',
  ]);
});

test('a second run is all cache hits and leaves byte-identical data and reports', () => {
  const result = runNx(root, ['run-many', '-t', 'coverage'], env);
  assert.is(result.status, 0, result.output);
  assert.equal(ran(result.output), []);
  assert.match(result.output, /from the cache instead of running the command for 5 out of 5 tasks/);
  assert.equal(snapshotFiles(coverageDir), firstRun);
});

test('a clone at another absolute path restores the same bytes from the shared cache', () => {
  const clone = mkdtempSync(join(tmpdir(), 'monocov-clone-'));
  try {
    // Nx 22 only restores artifacts its cache database knows, and keeps that database in
    // .nx/workspace-data: the clone takes it along, as a CI cache step restoring .nx would.
    cpSync(root, clone, { recursive: true, verbatimSymlinks: true, filter: (path) => !/\/coverage$/.test(path) });
    const result = runNx(clone, ['run-many', '-t', 'coverage'], env);
    assert.is(result.status, 0, result.output);
    assert.equal(ran(result.output), []);
    assert.equal(snapshotFiles(join(clone, 'coverage')), firstRun);
  } finally {
    rmSync(clone, { recursive: true, force: true });
  }
});

test("a project's source change re-runs that project and its dependents only; the report stays complete", () => {
  const source = join(root, 'libs/ts-lib/src/math.ts');
  const original = readFileSync(source, 'utf8');
  writeFileSync(source, original.replace("return 'never';", "return 'never!';"));
  try {
    const result = runNx(root, ['affected', '-t', 'coverage', '--files=libs/ts-lib/src/math.ts'], env);
    assert.is(result.status, 0, result.output);
    assert.equal(ran(result.output), ['fixture:coverage', 'report-lib:coverage', 'ts-lib:coverage']);
    const summary = readJson(join(coverageDir, 'workspace/coverage-summary.json'));
    for (const file of ['apps/cli-app/src/cli.js', 'libs/js-lib/src/strings.js', 'libs/ts-lib/src/math.ts']) {
      assert.ok(summary[file], `${file} is still in the merged report`);
    }
  } finally {
    writeFileSync(source, original);
  }
});

test('editing report.failUnder reruns only the merge: thresholds do not change project data', () => {
  const rc = join(root, '.coveragerc.json');
  const original = readFileSync(rc, 'utf8');
  writeFileSync(rc, JSON.stringify({ ...JSON.parse(original), report: { failUnder: 1 }, reporters: ['json', 'json-summary', 'text'] }));
  try {
    const result = runNx(root, ['run-many', '-t', 'coverage'], env);
    assert.is(result.status, 0, result.output);
    assert.equal(ran(result.output), ['fixture:coverage']);
  } finally {
    writeFileSync(rc, original);
  }
});

test("a missed threshold: every project's task passes, the merge writes this run's complete report, names each miss and fails the run (exit 1)", () => {
  const rc = join(root, '.coveragerc.json');
  const original = readFileSync(rc, 'utf8');
  // js-lib's whisper() is never called: functions 50%.
  writeFileSync(rc, JSON.stringify({ ...JSON.parse(original), report: { failUnder: { lines: 99 }, perProject: { 'libs/js-lib': { functions: 100 } } } }));
  rmSync(join(coverageDir, 'workspace'), { recursive: true, force: true });
  try {
    const result = runNx(root, ['run-many', '-t', 'coverage'], env);
    assert.is(result.status, 1, result.output);
    assert.equal(ran(result.output), ['fixture:coverage']); // the projects' data came from the cache: same `run` options
    assert.match(result.output, 'monocov merge: threshold missed: functions 50% < 100% (project libs/js-lib)');
    assert.match(result.output, /monocov merge: threshold missed: lines [\d.]+% < 99% \(workspace total\)/);
    assert.match(result.output, 'Running target coverage for 5 projects failed');
    const merged = readJson(join(coverageDir, 'workspace/coverage-final.json'));
    assert.equal(Object.keys(merged).length, 6, 'every project is in the report');
    for (const report of ['lcov.info', 'coverage-summary.json', 'cobertura-coverage.xml', 'html/index.html']) {
      assert.ok(existsSync(join(coverageDir, 'workspace', report)), `${report} written by this run`);
    }
    const states = readJson(join(coverageDir, 'workspace/meta.json')).completeness.map((entry: { state: string }) => entry.state);
    assert.ok(
      states.every((state: string) => state === 'current'),
      states.join(', '),
    );
  } finally {
    writeFileSync(rc, original);
  }
});

test('editing run.omit reruns every project: the `run` options shape the data', () => {
  const rc = join(root, '.coveragerc.json');
  const original = readFileSync(rc, 'utf8');
  writeFileSync(rc, JSON.stringify({ run: { include: ['src/**'], omit: ['**/unused.ts'] } }));
  try {
    const result = runNx(root, ['run-many', '-t', 'coverage'], env);
    assert.is(result.status, 0, result.output);
    assert.equal(ran(result.output), ['cli-app:coverage', 'fixture:coverage', 'js-lib:coverage', 'report-lib:coverage', 'ts-lib:coverage']);
    assert.not.ok(readJson(join(coverageDir, 'workspace/coverage-final.json'))['libs/ts-lib/src/unused.ts']);
  } finally {
    writeFileSync(rc, original);
  }
});

test('upgrading the coverage provider (@vitest/coverage-v8 in the lockfile) reruns every coverage task and the merge', () => {
  const lock = join(root, 'package-lock.json');
  const original = readFileSync(lock, 'utf8');
  writeFileSync(lock, providerLock('4.1.13'));
  try {
    const result = runNx(root, ['run-many', '-t', 'coverage'], env);
    assert.is(result.status, 0, result.output);
    assert.equal(ran(result.output), ['cli-app:coverage', 'fixture:coverage', 'js-lib:coverage', 'report-lib:coverage', 'ts-lib:coverage']);
  } finally {
    writeFileSync(lock, original);
  }
  // Back at the locked version, every task's hash is the earlier one again.
  const back = runNx(root, ['run-many', '-t', 'coverage'], env);
  assert.is(back.status, 0, back.output);
  assert.equal(ran(back.output), []);
});

test.run();
