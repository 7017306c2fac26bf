import { rmSync } from 'node:fs';
import { join, win32 } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../src/errors';
import { createPathMapper } from '../src/paths';
import { toPosix, workspaceRelative } from '../src/workspace-path';
import { makeWorkspace, source } from './fixtures/merge/helpers';

const root = makeWorkspace({
  'packages/core/src/a.ts': source(3),
  'packages/web/src/b.ts': source(3),
  'libs/ui/src/c.ts': source(3),
});
test.after(() => rmSync(root, { recursive: true, force: true }));

const paths = {
  source: ['packages/', '/ci/agent-*/work/packages/', '../other-clone/packages/', 'C:\\build\\ws\\packages\\'],
  libs: ['libs', '/home/*/src/**/libs'],
};
const map = createPathMapper({ workspaceRoot: root, paths });

const cases: Array<[string, string, string]> = [
  ['a workspace-relative key stays', 'packages/core/src/a.ts', 'packages/core/src/a.ts'],
  ['./ and duplicate slashes are normalised', './packages//core/src/a.ts', 'packages/core/src/a.ts'],
  ['an absolute key inside this workspace becomes relative', join(root, 'packages/web/src/b.ts'), 'packages/web/src/b.ts'],
  ['another machine, wildcard segment', '/ci/agent-3/work/packages/core/src/a.ts', 'packages/core/src/a.ts'],
  ['another clone beside this one (relative root)', '../other-clone/packages/web/src/b.ts', 'packages/web/src/b.ts'],
  ['a Windows path with backslashes', 'C:\\build\\ws\\packages\\core\\src\\a.ts', 'packages/core/src/a.ts'],
  ['a ** pattern spans folders; canonical without trailing slash', '/home/ann/src/x/y/libs/ui/src/c.ts', 'libs/ui/src/c.ts'],
  ['a deleted file keeps its mapped name', '/ci/agent-1/work/packages/core/src/gone.ts', 'packages/core/src/gone.ts'],
];
for (const [name, key, expected] of cases) {
  test(`maps: ${name}`, () => {
    const result = map(key);
    assert.ok(result.ok, JSON.stringify(result));
    if (result.ok) assert.is(result.path, expected);
  });
}

test('a pattern matches whole segments only (coverage.py appends the separator)', () => {
  const result = createPathMapper({ workspaceRoot: root, paths: { source: ['packages/', '/ci/pack'] } })('/ci/packages/core/src/a.ts');
  assert.not.ok(result.ok);
});

test('a later rule whose result exists wins over an earlier one whose result does not', () => {
  const mapper = createPathMapper({ workspaceRoot: root, paths: { one: ['packages/core/', '/ci/w/'], two: ['libs/ui/', '/ci/w/'] } });
  const result = mapper('/ci/w/src/c.ts');
  assert.equal(result, { ok: true, path: 'libs/ui/src/c.ts', rule: 'paths.two: "/ci/w/"' });
});

test('an unknown absolute root whose tail is a workspace file: the message names the file and the fix', () => {
  const result = createPathMapper({ workspaceRoot: root })('/ci/agent-9/work/packages/core/src/a.ts');
  assert.equal(result, {
    ok: false,
    reason:
      'entry "/ci/agent-9/work/packages/core/src/a.ts" is an absolute path outside this workspace; its tail matches this workspace\'s packages/core/src/a.ts, so the data was probably written in a clone at /ci/agent-9/work/ — map it with .coveragerc.json "paths":{"source":["./","/ci/agent-9/work/"]}',
  });
});

test('a suggested mapping works when applied', () => {
  const mapper = createPathMapper({ workspaceRoot: root, paths: { source: ['./', '/ci/agent-9/work/'] } });
  assert.equal(mapper('/ci/agent-9/work/packages/core/src/a.ts'), { ok: true, path: 'packages/core/src/a.ts', rule: 'paths.source: "/ci/agent-9/work/"' });
});

test('keys escaping the workspace with nothing to map them are refused', () => {
  const mapper = createPathMapper({ workspaceRoot: root });
  const outside = mapper('../elsewhere/x.ts');
  assert.equal(outside, { ok: false, reason: 'entry "../elsewhere/x.ts" reaches outside this workspace and no .coveragerc.json `paths` entry maps it onto a workspace file' });
  const sneaky = mapper('packages/../../etc/passwd');
  assert.not.ok(sneaky.ok);
  const absolute = mapper('/usr/lib/node_modules/x/index.js');
  assert.equal(absolute, {
    ok: false,
    reason: 'entry "/usr/lib/node_modules/x/index.js" is an absolute path outside this workspace and no .coveragerc.json `paths` entry maps it onto a workspace file',
  });
});

test('hostile or empty keys are refused', () => {
  const mapper = createPathMapper({ workspaceRoot: root });
  assert.not.ok(mapper('__proto__').ok);
  assert.not.ok(mapper('packages/__proto__/x.ts').ok);
  assert.not.ok(mapper('').ok);
  assert.not.ok(mapper('a\0b').ok);
});

test('a canonical entry with a wildcard or outside the workspace is a ConfigError naming the key', () => {
  assert.throws(
    () => createPathMapper({ workspaceRoot: root, paths: { source: ['packages/*/', '/x/'] } }),
    (error: unknown) => error instanceof ConfigError && error.message.includes('`paths.source[0]`') && error.message.includes('"packages/*/"'),
  );
  assert.throws(
    () => createPathMapper({ workspaceRoot: root, paths: { source: ['../up/', '/x/'] } }),
    (error: unknown) => error instanceof ConfigError && error.message.includes('must be a folder inside the workspace'),
  );
});

// Windows by construction: the same helpers with path.win32, as they run on a Windows host (drive letters,
// backslashes, case-insensitive roots), checked on this one. Existence is answered from a list.
const windowsRoot = 'C:\\Users\\ann\\ws';
const windowsFiles = new Set(['packages/core/src/a.ts', 'packages/web/src/b.ts']);
const windowsMap = createPathMapper({
  workspaceRoot: windowsRoot,
  paths: { source: ['packages\\', 'D:\\agent\\*\\packages\\', '/ci/agent-*/work/packages/'] },
  exists: (path) => windowsFiles.has(path),
  pathFlavor: win32,
});
const windowsCases: Array<[string, string, string]> = [
  ['a workspace-relative key', 'packages/core/src/a.ts', 'packages/core/src/a.ts'],
  ['an absolute key inside the workspace, backslashes', 'C:\\Users\\ann\\ws\\packages\\web\\src\\b.ts', 'packages/web/src/b.ts'],
  ['an absolute key inside the workspace, forward slashes and another drive-letter case', 'c:/Users/ann/ws/packages/core/src/a.ts', 'packages/core/src/a.ts'],
  ['another Windows agent through a wildcard rule', 'D:\\agent\\7\\packages\\core\\src\\a.ts', 'packages/core/src/a.ts'],
  ['a Linux agent', '/ci/agent-2/work/packages/web/src/b.ts', 'packages/web/src/b.ts'],
];
for (const [name, key, expected] of windowsCases) {
  test(`maps on Windows (path.win32): ${name}`, () => {
    const result = windowsMap(key);
    assert.ok(result.ok, JSON.stringify(result));
    if (result.ok) assert.is(result.path, expected);
  });
}

test('on Windows (path.win32), a key on another drive or outside the workspace is refused', () => {
  for (const key of ['E:\\elsewhere\\a.ts', 'C:\\Users\\ann\\other\\a.ts', '..\\outside\\a.ts']) {
    const result = windowsMap(key);
    assert.not.ok(result.ok, `${key}: ${JSON.stringify(result)}`);
  }
});

test('workspace-relative keys with path.win32 are POSIX, and undefined outside the workspace', () => {
  assert.is(workspaceRelative(windowsRoot, 'C:\\Users\\ann\\ws\\packages\\core\\src\\a.ts', win32), 'packages/core/src/a.ts');
  assert.is(workspaceRelative(windowsRoot, 'c:\\users\\ann\\ws\\lib\\x.ts', win32), 'lib/x.ts');
  assert.is(workspaceRelative(windowsRoot, 'D:\\ws\\lib\\x.ts', win32), undefined);
  assert.is(workspaceRelative(windowsRoot, 'C:\\Users\\ann\\wsx\\a.ts', win32), undefined);
  assert.is(workspaceRelative(windowsRoot, windowsRoot, win32), undefined);
  assert.is(toPosix('packages\\core\\src\\a.ts', win32), 'packages/core/src/a.ts');
});

test.run();
