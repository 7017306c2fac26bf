import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import libCoverage from 'istanbul-lib-coverage';
import type { CoverageMapData } from 'istanbul-lib-coverage';
import { DataError } from '../src/errors';
import { combineCoverage } from '../src/combine';
import { mergeCoverageMaps } from '../src/merge';
import { sumTotals } from '../src/report/metrics';
import { stableStringify } from '../src/stable-json';
import { readCoverageFile } from '../src/store/read';
import { writeProjectData } from '../src/store/write';
import { coverageOf, fileCoverage, makeWorkspace, snapshot, source, writeFiles, writeProject } from './fixtures/merge/helpers';

function setup() {
  const root = makeWorkspace({
    'packages/a/src/a.ts': source(4),
    'packages/b/src/b.ts': source(4),
    'libs/shared/src/s.ts': source(4),
  });
  const a = coverageOf({
    'packages/a/src/a.ts': { s: [1, 0, 2, 0], f: [1, 0], b: [[1, 0]] },
    'libs/shared/src/s.ts': { s: [1, 0, 0, 0], f: [1], b: [[0, 1]] },
  });
  const b = coverageOf({
    'packages/b/src/b.ts': { s: [3, 3, 0, 0], f: [2], b: [[1, 1, 0]] },
    'libs/shared/src/s.ts': { s: [0, 5, 0, 0], f: [0], b: [[2, 0]] },
  });
  writeProject(root, { projectRoot: 'packages/a', coverage: a });
  writeProject(root, { projectRoot: 'packages/b', project: '@ws/b', coverage: b });
  return { root, a, b };
}

const roots: string[] = [];
test.after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));
function fresh() {
  const made = setup();
  roots.push(made.root);
  return made;
}

test('merged totals equal the sum of the per-project data; a shared file is summed, never double-listed', () => {
  const { root, a, b } = fresh();
  const result = combineCoverage({ workspaceRoot: root, inputs: ['coverage/projects'] });
  assert.equal(result.problems, []);
  assert.equal(Object.keys(result.coverage), ['libs/shared/src/s.ts', 'packages/a/src/a.ts', 'packages/b/src/b.ts']);
  const shared = result.coverage['libs/shared/src/s.ts']!;
  assert.equal(shared.s, { 0: 1, 1: 5, 2: 0, 3: 0 });
  assert.equal(shared.f, { 0: 1 });
  assert.equal(shared.b, { 0: [2, 1] });

  // Against istanbul-lib-coverage's own merge of the same data.
  const reference = libCoverage.createCoverageMap({});
  reference.merge(structuredClone(a));
  reference.merge(structuredClone(b));
  const ours = sumTotals(result.coverage);
  const theirs = reference.getCoverageSummary();
  for (const metric of ['statements', 'branches', 'functions', 'lines'] as const) {
    assert.equal(ours[metric], { covered: theirs[metric].covered, total: theirs[metric].total }, metric);
  }
  // Hit counts: total statement hits equal the sum over projects.
  const hits = (map: CoverageMapData) => Object.values(map).reduce((sum, file) => sum + Object.values(file.s).reduce((x, y) => x + y, 0), 0);
  assert.is(hits(result.coverage), hits(a) + hits(b));

  assert.equal(result.projects, [
    { projectRoot: 'packages/a', project: 'a', files: ['libs/shared/src/s.ts', 'packages/a/src/a.ts'] },
    { projectRoot: 'packages/b', project: '@ws/b', files: ['libs/shared/src/s.ts', 'packages/b/src/b.ts'] },
  ]);
  assert.equal(result.inputs, [join(root, 'coverage/projects/packages/a/coverage-final.json'), join(root, 'coverage/projects/packages/b/coverage-final.json')]);
});

test('byte-identical output whatever the input order, and when run twice; inputs are left untouched', () => {
  const { root } = fresh();
  const before = snapshot(join(root, 'coverage'));
  const fileA = 'coverage/projects/packages/a/coverage-final.json';
  const fileB = 'coverage/projects/packages/b/coverage-final.json';
  const forward = stableStringify(combineCoverage({ workspaceRoot: root, inputs: [fileA, fileB] }).coverage);
  const reverse = stableStringify(combineCoverage({ workspaceRoot: root, inputs: [fileB, fileA] }).coverage);
  const again = stableStringify(combineCoverage({ workspaceRoot: root, inputs: [fileA, fileB] }).coverage);
  assert.is(forward, reverse);
  assert.is(forward, again);
  assert.equal(snapshot(join(root, 'coverage')), before);
});

test('the same file given twice (directly and through its folder) is merged once', () => {
  const { root } = fresh();
  const once = combineCoverage({ workspaceRoot: root, inputs: ['coverage/projects'] });
  const twice = combineCoverage({ workspaceRoot: root, inputs: ['coverage/projects', 'coverage/projects/packages/a/coverage-final.json', 'coverage/projects'] });
  assert.is(stableStringify(twice.coverage), stableStringify(once.coverage));
  assert.is(twice.inputs.length, 2);
});

test('differing maps for one file merge by location, independent of order (and never mutate inputs)', () => {
  const one = coverageOf({ 'x.ts': { s: [1, 0, 4] } });
  const two = coverageOf({ 'x.ts': { s: [] } });
  // two: statements at lines 2, 3 and a new one at line 9, in another index order
  two['x.ts']!.statementMap = {
    0: { start: { line: 9, column: 0 }, end: { line: 9, column: 20 } },
    1: { start: { line: 2, column: 0 }, end: { line: 2, column: 20 } },
    2: { start: { line: 3, column: 0 }, end: { line: 3, column: 20 } },
  };
  two['x.ts']!.s = { 0: 7, 1: 2, 2: 1 };
  const frozenOne = stableStringify(one);
  const frozenTwo = stableStringify(two);
  const ab = mergeCoverageMaps([one, two]);
  const ba = mergeCoverageMaps([two, one]);
  assert.is(stableStringify(ab), stableStringify(ba));
  assert.equal(ab['x.ts']!.s, { 0: 1, 1: 2, 2: 5, 3: 7 });
  assert.equal(
    Object.values(ab['x.ts']!.statementMap).map((range) => range.start.line),
    [1, 2, 3, 9],
  );
  assert.is(stableStringify(one), frozenOne);
  assert.is(stableStringify(two), frozenTwo);
});

test("an item missing from one input takes the hits of that input's narrowest container (istanbul's rule)", () => {
  const outer = fileCoverage('y.ts', { s: [3] });
  outer.statementMap[0] = { start: { line: 1, column: 0 }, end: { line: 5, column: 0 } };
  const inner = fileCoverage('y.ts', { s: [0] });
  inner.statementMap[0] = { start: { line: 2, column: 0 }, end: { line: 3, column: 0 } };
  const merged = mergeCoverageMaps([{ 'y.ts': outer }, { 'y.ts': inner }])['y.ts']!;
  assert.equal(merged.s, { 0: 3, 1: 3 });
});

test('placeholder data (all: true) gives way to real data', () => {
  const placeholder = { ...fileCoverage('z.ts', { s: [0, 0] }), all: true };
  const real = fileCoverage('z.ts', { s: [1, 2] });
  const merged = mergeCoverageMaps([{ 'z.ts': placeholder }, { 'z.ts': real }])['z.ts']! as { s: object; all?: boolean };
  assert.equal(merged.s, { 0: 1, 1: 2 });
  assert.is(merged.all, undefined);
});

test('sums are capped at Number.MAX_SAFE_INTEGER', () => {
  const big = fileCoverage('q.ts', { s: [Number.MAX_SAFE_INTEGER - 1] });
  const merged = mergeCoverageMaps([{ 'q.ts': big }, { 'q.ts': big }]);
  assert.is(merged['q.ts']!.s[0], Number.MAX_SAFE_INTEGER);
});

// ---------------------------------------------------------------------------------------------
// Bad inputs: named, skipped whole, the rest merged

const good = stableStringify(coverageOf({ 'packages/a/src/a.ts': { s: [1, 1, 1, 1] } }));
function withBadData(name: string, contents: string, meta?: object) {
  const made = fresh();
  const dir = join(made.root, 'coverage/projects/packages', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'coverage-final.json'), contents);
  if (meta) writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
  return { ...made, bad: join(dir, 'coverage-final.json') };
}
const entry = (mutate: (file: Record<string, any>) => void): string => {
  const data = JSON.parse(good);
  mutate(data['packages/a/src/a.ts']);
  return JSON.stringify(data);
};

const badCases: Array<[string, string, RegExp, object?]> = [
  ['truncated JSON', good.slice(0, good.length / 2), /is not valid JSON .*truncated/],
  ['an empty file', '', /is not valid JSON/],
  ['binary bytes', '\u0000\u0001\u00ff\u0010', /is not valid JSON/],
  ['an array, not coverage', '[1,2,3]', /is not istanbul coverage data/],
  ['a file that is not coverage data', JSON.stringify({ name: 'pkg', version: '1.0.0' }), /is not istanbul file coverage/],
  [
    'a wrong format version in meta.json',
    good,
    /data format version 0 \(written by monocov 9\.9\.9\) is not the version this monocov reads \(1\).*the data beside it was skipped/,
    { formatVersion: 0, tool: { version: '9.9.9' } },
  ],
  ['a newer format version in meta.json', good, /data format version 7 is not the version this monocov reads/, { formatVersion: 7 }],
  ['a __proto__ key in a hit map', entry((file) => Object.defineProperty(file.s, '__proto__', { value: 1, enumerable: true })), /s key "__proto__" has no entry in "statementMap"/],
  ['a __proto__ file key', `{"__proto__":${JSON.stringify(JSON.parse(good)['packages/a/src/a.ts'])}}`, /entry "__proto__" is not a usable file path/],
  ['an absolute path outside the workspace', good.replace('"packages/a/src/a.ts"', '"/etc/passwd"'), /entry "\/etc\/passwd" is an absolute path outside this workspace/],
  ['a .. path escaping the workspace', good.replace('"packages/a/src/a.ts"', '"../../secret.ts"'), /entry "\.\.\/\.\.\/secret\.ts" reaches outside this workspace/],
  ['a negative count', entry((file) => (file.s[0] = -1)), /s\["0"\] is -1, not a hit count/],
  ['an enormous count', good.replace('"s":{"0":1', '"s":{"0":1e308'), /s\["0"\] is 1e\+308, not a hit count/],
  ['a fractional count', entry((file) => (file.s[1] = 0.5)), /s\["1"\] is 0\.5, not a hit count/],
  [
    'a branch count list of the wrong length',
    entry((file) => ((file.branchMap = { 0: { loc: file.statementMap[0], type: 'if', locations: [file.statementMap[0], file.statementMap[0]] } }), (file.b = { 0: [1] }))),
    /b\["0"\] is \[1\], not 2 hit count\(s\)/,
  ],
  ['a statement without a range', entry((file) => (file.statementMap[2] = { start: { line: 'x' } })), /statementMap\["2"\] is .*not a source range/],
  [
    'a function whose range ends at a negative column (as Vitest 3.1 wrote for an untested file)',
    entry(
      (file) => (
        (file.fnMap = { 0: { name: '(empty-report)', decl: file.statementMap[0], loc: { start: { line: 1, column: 0 }, end: { line: 2, column: -124 } }, line: 1 } }),
        (file.f = { 0: 0 })
      ),
    ),
    /fnMap\["0"\] has loc\.end\.column -124, not a whole number from 0/,
  ],
];

for (const [name, contents, message, meta] of badCases) {
  test(`bad data is named and skipped, the rest merged: ${name}`, () => {
    const { root, bad } = withBadData('bad', contents, meta);
    const before = readFileSync(bad);
    const result = combineCoverage({ workspaceRoot: root, inputs: ['coverage/projects'] });
    assert.is(result.problems.length, 1, result.problems.map((p) => p.message).join('\n'));
    const problem = result.problems[0]!;
    assert.instance(problem, DataError);
    assert.is(problem.path, bad);
    assert.ok(problem.message.startsWith(bad) || problem.message.startsWith(join(dirname(bad), 'meta.json')), problem.message);
    assert.match(problem.message, message, problem.message);
    // The good projects still merged, and nothing of the bad file leaked in.
    assert.equal(Object.keys(result.coverage), ['libs/shared/src/s.ts', 'packages/a/src/a.ts', 'packages/b/src/b.ts']);
    assert.is(result.coverage['packages/a/src/a.ts']!.s[0], 1);
    assert.is(result.inputs.length, 2);
    assert.ok(readFileSync(bad).equals(before), 'the bad file is left as it was');
  });
}

test('one shape check for every reader: runner output read alone is refused for the reason a merge gives', () => {
  const { root, bad } = withBadData(
    'negative',
    entry((file) => (file.s[0] = -1)),
  );
  const merged = combineCoverage({ workspaceRoot: root, inputs: ['coverage/projects'] });
  assert.throws(
    () => readCoverageFile(bad),
    (error: unknown) => error instanceof DataError && error.message === `${bad}: entry "packages/a/src/a.ts": s["0"] is -1, not a hit count (a whole number from 0 to 2^53-1)`,
  );
  assert.equal(
    merged.problems.map((problem) => problem.message),
    [`${bad}: entry "packages/a/src/a.ts": s["0"] is -1, not a hit count (a whole number from 0 to 2^53-1); the file was skipped`],
  );
});

test('a missing input is a problem naming it', () => {
  const { root } = fresh();
  const result = combineCoverage({ workspaceRoot: root, inputs: ['coverage/projects', 'nowhere'] });
  assert.equal(
    result.problems.map((problem) => problem.message),
    [`${join(root, 'nowhere')}: no such file or folder`],
  );
  assert.is(result.inputs.length, 2);
});

test('folders: node_modules and excluded folders (the merged output) are not searched', () => {
  const { root } = fresh();
  writeFiles(root, {
    'coverage/node_modules/x/coverage-final.json': good,
    'coverage/workspace/coverage-final.json': good,
  });
  const result = combineCoverage({ workspaceRoot: root, inputs: ['coverage'], exclude: ['coverage/workspace'] });
  assert.is(result.inputs.length, 2);
  assert.equal(result.problems, []);
});

test('data with absolute keys from another machine lands on this workspace through paths', () => {
  const { root } = fresh();
  const foreign = coverageOf({ '/ci/agent-3/work/packages/a/src/a.ts': { s: [0, 1, 0, 1], f: [0, 1], b: [[0, 1]] } });
  writeFiles(root, { 'artifacts/ci-3/coverage-final.json': stableStringify(foreign) });
  const withoutPaths = combineCoverage({ workspaceRoot: root, inputs: ['coverage/projects', 'artifacts'] });
  assert.is(withoutPaths.problems.length, 1);
  assert.match(withoutPaths.problems[0]!.message, /its tail matches this workspace's packages\/a\/src\/a\.ts/);

  const result = combineCoverage({ workspaceRoot: root, inputs: ['coverage/projects', 'artifacts'], paths: { source: ['packages/', '/ci/agent-*/work/packages/'] } });
  assert.equal(result.problems, []);
  const file = result.coverage['packages/a/src/a.ts']!;
  assert.is(file.path, 'packages/a/src/a.ts');
  assert.equal(file.s, { 0: 1, 1: 1, 2: 2, 3: 1 });
  assert.equal(file.b, { 0: [1, 1] });
});

test('data from a clone in another folder (relative keys reaching out) lands on this workspace through paths', () => {
  const { root } = fresh();
  writeFiles(root, { 'artifacts/clone/coverage-final.json': stableStringify(coverageOf({ '../other-clone/packages/b/src/b.ts': { s: [1, 1, 1, 1], f: [0], b: [[0, 0, 1]] } })) });
  const result = combineCoverage({ workspaceRoot: root, inputs: ['coverage/projects', 'artifacts'], paths: { source: ['packages/', '../other-clone/packages/'] } });
  assert.equal(result.problems, []);
  assert.equal(result.coverage['packages/b/src/b.ts']!.s, { 0: 4, 1: 4, 2: 1, 3: 1 });
  assert.equal(Object.keys(result.coverage).length, 3);
});

test('merged output with its workspace meta.json can be merged again (CI shards), keeping projects', () => {
  const { root } = fresh();
  const first = combineCoverage({ workspaceRoot: root, inputs: ['coverage/projects'] });
  writeFiles(root, {
    'shard1/coverage-final.json': stableStringify(first.coverage),
    'shard1/meta.json': stableStringify({ formatVersion: 1, tool: { name: '@monocov/core', version: '0.1.0' }, kind: 'workspace', projects: first.projects }),
  });
  const again = combineCoverage({ workspaceRoot: root, inputs: ['shard1'] });
  assert.equal(again.problems, []);
  assert.is(stableStringify(again.coverage), stableStringify(first.coverage));
  assert.equal(again.projects, first.projects);
});

test('a source edited or deleted since its data was collected is left out and named; line endings do not count', () => {
  const root = makeWorkspace({
    'packages/s/src/edit.ts': source(2),
    'packages/s/src/crlf.ts': source(2),
    'packages/s/src/gone.ts': source(2),
    'packages/s/src/same.ts': source(2),
  });
  roots.push(root);
  const dir = writeProjectData({
    workspaceRoot: root,
    dataDir: 'coverage',
    projectRoot: 'packages/s',
    coverage: coverageOf(Object.fromEntries(['edit', 'crlf', 'gone', 'same'].map((name) => [`packages/s/src/${name}.ts`, { s: [1, 1] }]))),
    meta: {
      tool: { name: '@monocov/core', version: '0.1.0' },
      project: 's',
      projectRoot: 'packages/s',
      target: 'coverage',
      node: 'v20',
      configHash: 'x',
      collector: 'v8',
      tests: { exitCode: 0, signal: null },
    },
  });
  writeFiles(root, { 'packages/s/src/edit.ts': source(3), 'packages/s/src/crlf.ts': source(2).replace(/\n/g, '\r\n') });
  rmSync(join(root, 'packages/s/src/gone.ts'));
  const data = join(dir, 'coverage-final.json');
  const result = combineCoverage({ workspaceRoot: root, inputs: ['coverage/projects'] });
  assert.equal(
    result.problems.map((problem) => problem.message),
    [
      `${data}: packages/s/src/edit.ts changed since this data was collected, so its lines no longer match; its data was left out — rerun this project's coverage`,
      `${data}: packages/s/src/gone.ts was deleted since this data was collected, so its lines no longer match; its data was left out — rerun this project's coverage`,
    ],
  );
  assert.equal(Object.keys(result.coverage), ['packages/s/src/crlf.ts', 'packages/s/src/same.ts']);
  assert.equal(Object.keys(result.sources), ['packages/s/src/crlf.ts', 'packages/s/src/same.ts']);
  assert.equal(result.projects[0]!.files, ['packages/s/src/crlf.ts', 'packages/s/src/same.ts']);
  const unchecked = combineCoverage({ workspaceRoot: root, inputs: ['coverage/projects'], checkSources: false });
  assert.equal(unchecked.problems, []);
  assert.is(Object.keys(unchecked.coverage).length, 4);
});

test.run();
