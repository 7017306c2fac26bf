/**
 * The e2e fixture, the same three projects the Nx plugin's integration tests use (a TypeScript
 * library tested by uvu through tsx, a JavaScript library tested by `node --test`, an app whose
 * system test spawns its CLI), as a team has them before adopting monocov: no coverage targets,
 * no rc file. Also the numbers a correct run gives, and checks of the data and reports.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { threeProjectFiles, withoutCoverageTargets } from '../../packages/nx/test/helpers/three-projects';
import { filesContaining, readJson } from './lib';

/** Source and test files of the three projects, with their own manifests minus any coverage target. */
export function threeProjectSources(): Record<string, string> {
  const files = withoutCoverageTargets(threeProjectFiles());
  // The scenario writes the workspace-level files itself; monocov's init writes the rc file.
  for (const path of ['package.json', 'nx.json', '.coveragerc.json']) delete files[path];
  return files;
}

export const PROJECT_ROOTS = ['apps/cli-app', 'libs/js-lib', 'libs/ts-lib'];

export const SOURCE_FILES: Record<string, string[]> = {
  'apps/cli-app': ['apps/cli-app/src/cli.js', 'apps/cli-app/src/greet.js'],
  'libs/js-lib': ['libs/js-lib/src/strings.js'],
  'libs/ts-lib': ['libs/ts-lib/src/math.ts', 'libs/ts-lib/src/unused.ts'],
};

/** How often the tests call each function: add twice, shout three times, greet once in a child process. */
export const FUNCTION_HITS: Record<string, Record<string, number>> = {
  'apps/cli-app/src/greet.js': { greet: 1 },
  'libs/js-lib/src/strings.js': { shout: 3, whisper: 0 },
  'libs/ts-lib/src/math.ts': { add: 2, classify: 1, neverCalled: 0 },
  'libs/ts-lib/src/unused.ts': { describe: 0 },
};

const ALL_FILES = Object.values(SOURCE_FILES).flat().sort();
const FUNCTIONS = Object.values(FUNCTION_HITS).flatMap((hits) => Object.values(hits));
const FUNCTION_TOTALS = { total: FUNCTIONS.length, covered: FUNCTIONS.filter((hits) => hits > 0).length };

export function functionHits(fileCoverage: any, name: string): number | undefined {
  const entry = Object.entries(fileCoverage.fnMap).find(([, fn]: [string, any]) => fn.name === name);
  return entry === undefined ? undefined : fileCoverage.f[entry[0]];
}

function assertKnownHits(data: Record<string, any>, files: string[], where: string): void {
  for (const file of files) {
    for (const [name, hits] of Object.entries(FUNCTION_HITS[file] ?? {})) {
      assert.is(functionHits(data[file], name), hits, `${where}: ${name}() in ${file}`);
    }
  }
}

/**
 * Per-project data: coverage-final.json keyed by workspace-relative paths with the known hits,
 * and meta.json naming the project; no absolute path anywhere (`forbidden` are the local paths).
 */
export function checkProjectData(workspace: string, forbidden: string[], dataDir = 'coverage'): void {
  const projectsDir = join(workspace, dataDir, 'projects');
  for (const projectRoot of PROJECT_ROOTS) {
    const dir = join(projectsDir, projectRoot);
    const data = readJson(join(dir, 'coverage-final.json'));
    assert.equal(Object.keys(data).sort(), SOURCE_FILES[projectRoot], `files measured in ${projectRoot}`);
    for (const file of SOURCE_FILES[projectRoot]) assert.is(data[file].path, file);
    assertKnownHits(data, SOURCE_FILES[projectRoot], `${projectRoot} data`);
    const meta = readJson(join(dir, 'meta.json'));
    assert.is(meta.projectRoot, projectRoot);
    assert.equal(meta.tests, { status: 'passed', exitCode: 0, signal: null });
  }
  assert.equal(filesContaining(projectsDir, forbidden), [], 'per-project data holding an absolute path');
}

/** The merged outputs in <dataDir>/workspace: every reporter's file, with relative paths and the known numbers. */
export function checkWorkspaceReports(workspace: string, forbidden: string[], dataDir = 'coverage'): void {
  const dir = join(workspace, dataDir, 'workspace');

  const merged = readJson(join(dir, 'coverage-final.json'));
  assert.equal(Object.keys(merged).sort(), ALL_FILES, 'files in the merged coverage-final.json');
  assertKnownHits(merged, ALL_FILES, 'merged coverage-final.json');

  const lcov = parseLcov(readFileSync(join(dir, 'lcov.info'), 'utf8'));
  assert.equal([...lcov.keys()].sort(), ALL_FILES, 'SF: records of lcov.info');
  for (const [file, hits] of Object.entries(FUNCTION_HITS)) {
    for (const [name, count] of Object.entries(hits)) assert.is(lcov.get(file)?.get(name), count, `lcov.info FNDA for ${name}() in ${file}`);
  }

  const summary = readJson(join(dir, 'coverage-summary.json'));
  assert.equal(
    Object.keys(summary)
      .filter((key) => key !== 'total')
      .sort(),
    ALL_FILES,
    'files in coverage-summary.json',
  );
  assert.is(summary.total.functions.total, FUNCTION_TOTALS.total);
  assert.is(summary.total.functions.covered, FUNCTION_TOTALS.covered);
  assert.is(summary['libs/js-lib/src/strings.js'].functions.pct, 50);

  const cobertura = readFileSync(join(dir, 'cobertura-coverage.xml'), 'utf8');
  assert.match(cobertura, /^<\?xml/);
  for (const file of ALL_FILES) assert.ok(cobertura.includes(`filename="${file}"`), `cobertura class for ${file}`);
  assert.match(cobertura, /<method name="add" hits="2"/);
  assert.match(cobertura, /<method name="shout" hits="3"/);

  const html = join(dir, 'html');
  const index = readFileSync(join(html, 'index.html'), 'utf8');
  // The projects page embeds its numbers as data (statements, branches, functions, lines: covered, total, pct).
  const pageData = JSON.parse(/<script type="application\/json" id="monocov-data">([\s\S]*?)<\/script>/.exec(index)![1]!);
  assert.equal(pageData.total.metrics[2].slice(0, 2), [FUNCTION_TOTALS.covered, FUNCTION_TOTALS.total], 'function totals on the HTML index');
  for (const file of ALL_FILES) assert.ok(existsSync(join(html, `${file}.html`)), `HTML page for ${file}`);

  assert.equal(filesContaining(dir, forbidden), [], 'workspace reports holding an absolute path');
}

/** lcov.info as file → function name → hits (its SF: and FNDA: lines). */
function parseLcov(text: string): Map<string, Map<string, number>> {
  const records = new Map<string, Map<string, number>>();
  let current: Map<string, number> | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('SF:')) records.set(line.slice(3), (current = new Map()));
    const fnda = /^FNDA:(\d+),(.*)$/.exec(line);
    if (fnda && current) current.set(fnda[2], Number(fnda[1]));
  }
  return records;
}
