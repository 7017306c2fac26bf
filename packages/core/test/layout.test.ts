import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { normalizeProjectRoot, projectDataDir, projectDataIn, projectDataOutput, projectsDataPath, workspaceDataOutput, workspaceDataPath } from '../src/layout';

// Issue 18: one owner of where data lives. The folder a project's data is written to, the one
// Nx declares as its output (and caches and restores), and the one carry-forward and the merge
// look in are the same, for hidden folders and the root project too.

test('a project root is normalised one way: POSIX, no ./ prefix, no trailing slash; the workspace root is "."', () => {
  for (const [given, expected] of [
    ['packages/core', 'packages/core'],
    ['./packages/core/', 'packages/core'],
    ['packages\\core', 'packages/core'],
    ['.github/actions/x', '.github/actions/x'],
    ['./.github/actions/x', '.github/actions/x'],
    ['.hidden', '.hidden'],
    ['', '.'],
    ['.', '.'],
    ['./', '.'],
  ] as const) {
    assert.is(normalizeProjectRoot(given), expected, given);
  }
});

test('hidden folders keep their names in the data folder; the root project writes to projects/.root', () => {
  assert.is(projectDataDir('/ws', 'coverage', '.github/actions/x'), join('/ws', 'coverage', 'projects', '.github', 'actions', 'x'));
  assert.is(projectDataDir('/ws', 'coverage', './.github/actions/x/'), join('/ws', 'coverage', 'projects', '.github', 'actions', 'x'));
  assert.is(projectDataDir('/ws', 'coverage', 'packages/a'), join('/ws', 'coverage', 'projects', 'packages', 'a'));
  assert.is(projectDataDir('/ws', 'out/cov', '.'), join('/ws', 'out', 'cov', 'projects', '.root'));
  assert.is(projectDataDir('/ws', 'coverage', ''), join('/ws', 'coverage', 'projects', '.root'));
  assert.is(projectDataIn('/baseline/projects', '.github/actions/x'), join('/baseline/projects', '.github', 'actions', 'x'));
});

test('the Nx outputs name the same folders the data is written to', () => {
  assert.is(projectDataOutput('coverage', '.github/actions/x'), '{workspaceRoot}/coverage/projects/{projectRoot}');
  assert.is(projectDataOutput('./coverage/', 'packages/a'), '{workspaceRoot}/coverage/projects/{projectRoot}');
  assert.is(projectDataOutput('coverage', '.'), '{workspaceRoot}/coverage/projects/.root');
  assert.is(workspaceDataOutput('out\\cov'), '{workspaceRoot}/out/cov/workspace');
  assert.is(projectsDataPath('coverage'), 'coverage/projects');
  assert.is(workspaceDataPath('coverage'), 'coverage/workspace');
});

test.run();
