import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createFixtureWorkspace, readJson, removeWorkspace, runNx, snapshotFiles } from './helpers/fixture-workspace';

// Issue 18: a project in a hidden folder (`.github/actions/x`, a GitHub Action kept in the
// workspace) keeps its folder's name in the data layout, `coverage/projects/.github/actions/x`,
// which is what the inferred target declares as its output. When the data went to
// `projects/github/actions/x` instead, Nx cached an empty output, and a cache restore (a CI run
// that hits the cache) brought back no data for the project.

const cacheDir = mkdtempSync(join(tmpdir(), 'monocov-nx-cache-'));
const env = { NX_CACHE_DIRECTORY: cacheDir };
const root = createFixtureWorkspace({
  'package.json': JSON.stringify({ name: 'fixture', private: true }, null, 2),
  'nx.json': JSON.stringify({ namedInputs: { default: ['{projectRoot}/**/*'] }, plugins: ['@monocov/nx'] }, null, 2),
  '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] } }, null, 2),
  '.github/actions/x/project.json': JSON.stringify({ name: 'action-x', targets: { test: { command: 'node --test test/', options: { cwd: '.github/actions/x' } } } }, null, 2),
  '.github/actions/x/src/label.js': `exports.label = (n) => (n > 0 ? 'positive' : 'other');\n`,
  '.github/actions/x/test/label.test.js': `const { test } = require('node:test');
const assert = require('node:assert');
const { label } = require('../src/label.js');
test('labels', () => assert.equal(label(1), 'positive'));
`,
  '.gitignore': 'node_modules\ncoverage\n.nx\n',
});
const coverageDir = join(root, 'coverage');
test.after(() => {
  removeWorkspace(root);
  rmSync(cacheDir, { recursive: true, force: true });
});

let firstRun: Record<string, string>;

test('a project in .github/actions/x writes its data to coverage/projects/.github/actions/x, the folder its target declares', () => {
  const shown = runNx(root, ['show', 'project', 'action-x', '--json']);
  assert.is(shown.status, 0, shown.output);
  const targets = JSON.parse(shown.output.slice(shown.output.indexOf('{'))).targets;
  assert.equal(targets.coverage.outputs, ['{workspaceRoot}/coverage/projects/{projectRoot}']);

  const result = runNx(root, ['run-many', '-t', 'coverage'], env);
  assert.is(result.status, 0, result.output);
  firstRun = snapshotFiles(coverageDir);
  assert.ok(firstRun['projects/.github/actions/x/coverage-final.json'], Object.keys(firstRun).join('\n'));
  assert.ok(firstRun['projects/.github/actions/x/meta.json']);
  assert.not.ok(existsSync(join(coverageDir, 'projects/github')), 'no folder without the dot');
  assert.equal(Object.keys(readJson(join(coverageDir, 'workspace/coverage-final.json'))), ['.github/actions/x/src/label.js']);
});

test("a cache restore brings the project's data back, and the merge finds it", () => {
  rmSync(coverageDir, { recursive: true, force: true });
  const result = runNx(root, ['run-many', '-t', 'coverage'], env);
  assert.is(result.status, 0, result.output);
  assert.match(result.output, /from the cache instead of running the command for 2 out of 2 tasks/);
  assert.equal(snapshotFiles(coverageDir), firstRun);
});

test.run();
