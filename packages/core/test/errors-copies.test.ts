import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

// A workspace can hold two copies of @monocov/core (an @monocov/nx that resolves another copy than
// the root's): an error one copy throws must be a known error to the other, printed as its message
// (CLI, Nx executors) and not as a bug with a stack trace. Both copies are the real build, loaded
// side by side in one process: the repository's dist, and a copy of it in a temp folder.
type Core = typeof import('../src/index');

const REPO_ROOT = join(__dirname, '..', '..', '..');
const temp = realpathSync(mkdtempSync(join(tmpdir(), 'monocov-two-copies-')));
test.after(() => rmSync(temp, { recursive: true, force: true }));

cpSync(join(REPO_ROOT, 'packages/core/dist'), join(temp, 'core/dist'), { recursive: true });
cpSync(join(REPO_ROOT, 'packages/core/package.json'), join(temp, 'core/package.json'));
// The copy's dependencies resolve from the repository's node_modules, as a hoisted install gives them.
symlinkSync(join(REPO_ROOT, 'node_modules'), join(temp, 'node_modules'), 'dir');
const here = require(join(REPO_ROOT, 'packages/core/dist/index.js')) as Core;
const other = require(join(temp, 'core/dist/index.js')) as Core;

/** What `loadConfig` of `core` throws for an rc file with a misspelt key. */
function configErrorFrom(core: Core): unknown {
  const workspace = join(temp, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, '.coveragerc.json'), '{"report": {"fail_under": 80}}');
  try {
    core.loadConfig({ workspaceRoot: workspace });
  } catch (error) {
    return error;
  }
  throw new Error('loadConfig accepted a misspelt key');
}

/** What `mergeWorkspace` of `core` throws for a workspace without data. */
function noDataErrorFrom(core: Core): unknown {
  const workspace = join(temp, 'empty');
  mkdirSync(workspace, { recursive: true });
  try {
    core.mergeWorkspace({ workspaceRoot: workspace, config: core.loadConfig({ workspaceRoot: workspace }).config });
  } catch (error) {
    return error;
  }
  throw new Error('mergeWorkspace found data in an empty workspace');
}

test('two copies are loaded: their classes differ, so instanceof cannot tell', () => {
  assert.is.not(here.MonocovError, other.MonocovError);
  assert.not.ok(configErrorFrom(other) instanceof here.MonocovError);
});

test('an error of the other copy is a known error to this one, as it is, in both directions', () => {
  for (const [thrower, judge] of [
    [other, here],
    [here, other],
  ] as const) {
    for (const [error, code] of [
      [configErrorFrom(thrower), 'CONFIG'],
      [noDataErrorFrom(thrower), 'NO_DATA'],
    ] as const) {
      assert.ok(judge.isMonocovError(error), String(error));
      const known = judge.asMonocovError(error);
      assert.is(known, error, 'returned as it is, not wrapped or lost');
      assert.is(known!.code, code);
    }
  }
  assert.match((configErrorFrom(other) as Error).message, '`report.fail_under` is not a known key; did you mean `report.failUnder`?');
});

test('a look-alike is not a monocov error: the mark is a shared symbol, not a name or code', () => {
  const lookAlike = Object.assign(new Error('not ours'), { name: 'ConfigError', code: 'CONFIG' });
  assert.not.ok(here.isMonocovError(lookAlike));
  assert.is(here.asMonocovError(lookAlike), undefined);
  assert.not.ok(here.isMonocovError(null));
  assert.not.ok(here.isMonocovError('CONFIG'));
});

test.run();
