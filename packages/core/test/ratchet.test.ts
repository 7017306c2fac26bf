import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addMember, applyEdits, parseJsonTree } from '../src/config/json-edit';
import { coverageOf, makeWorkspace, source, writeFiles, writeProject, runCli as monocov } from './fixtures/merge/helpers';

// `monocov ratchet` (issue 11): raises only the thresholds below the measurement, never lowers
// one, keeps the file's layout and key order, and a second run changes nothing.

const roots: string[] = [];
test.after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/**
 * Measured: packages/a statements 75, branches 50, functions 100, lines 75;
 * packages/b statements 1/3 (33.33…), branches 100, functions 0, lines 33.33…;
 * workspace statements 4/7 (57.14…), branches 5/6 (83.33…), functions 50, lines 57.14….
 */
function workspace(rc: string): string {
  const root = makeWorkspace({ 'nx.json': '{}', '.coveragerc.json': rc, 'packages/a/src/a.ts': source(4), 'packages/b/src/b.ts': source(3) });
  roots.push(root);
  writeProject(root, { projectRoot: 'packages/a', coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 1, 1, 0], f: [2], b: [[1, 0]] } }) });
  writeProject(root, { projectRoot: 'packages/b', project: '@ws/b', coverage: coverageOf({ 'packages/b/src/b.ts': { s: [1, 0, 0], f: [0], b: [[1, 1, 1, 1]] } }) });
  return root;
}

const rcText = (root: string) => readFileSync(join(root, '.coveragerc.json'), 'utf8');

// Four-space indentation, keys in an unusual order, a threshold already above the measurement,
// one per-project entry by name and one as a single number.
const RC = `{
    "reporters": ["json"],
    "report": {
        "precision": 2,
        "failUnder": { "lines": 50, "statements": 60, "branches": 10 },
        "perProject": {
            "@ws/b":   { "functions": 0, "lines": 20 },
            "packages/a": 70
        },
        "showMissing": true
    },
    "run": { "include": ["src/**"] }
}
`;

test('raises only the numbers below the measurement, rounded down; layout and order kept; a second run changes nothing', async () => {
  const root = workspace(RC);
  assert.is((await monocov(root, ['merge'])).status, 2); // statements 60 and packages/a's 70 are above the measurement
  const first = await monocov(root, ['ratchet']);
  assert.is(first.status, 0, first.stderr);
  assert.is(first.stdout, ['report.failUnder.lines: 50 → 57.14', 'report.failUnder.branches: 10 → 83.33', 'report.perProject["@ws/b"].lines: 20 → 33.33', ''].join('\n'));
  // statements 60 is above 57.14 and packages/a's 70 above its lowest metric (branches 50): both stay.
  assert.fixture(
    rcText(root),
    RC.replace('"lines": 50, "statements": 60, "branches": 10', '"lines": 57.14, "statements": 60, "branches": 83.33').replace(
      '{ "functions": 0, "lines": 20 }',
      '{ "functions": 0, "lines": 33.33 }',
    ),
  );
  // The raised thresholds pass on the data they came from: only the two above it still miss.
  const check = await monocov(root, ['check']);
  assert.equal(
    check.stderr.split('\n').filter((line) => line.includes('threshold missed')),
    ['monocov check: threshold missed: statements 57.14% < 60% (workspace total)', 'monocov check: threshold missed: branches 50% < 70% (project packages/a)'],
  );

  const second = await monocov(root, ['ratchet']);
  assert.is(second.status, 0);
  assert.is(second.stdout, 'nothing to raise: every threshold is at or above the measurement\n');
  const before = rcText(root);
  await monocov(root, ['ratchet']);
  assert.is(rcText(root), before);
});

test('a single-number threshold keeps its shape and rises to the lowest metric', async () => {
  const root = workspace('{"reporters":["json"],"report":{"failUnder":10,"perProject":{"packages/a":5}}}');
  await monocov(root, ['merge']);
  const result = await monocov(root, ['ratchet']);
  assert.is(result.status, 0, result.stderr);
  assert.is(rcText(root), '{"reporters":["json"],"report":{"failUnder":50,"perProject":{"packages/a":50}}}');
});

test("--projects adds an entry for each project without one, creating perProject (and report) in the file's layout", async () => {
  const root = workspace('{\n\t"reporters": ["json"],\n\t"report": {\n\t\t"perProject": {\n\t\t\t"packages/a": { "lines": 10 }\n\t\t}\n\t}\n}\n');
  await monocov(root, ['merge']);
  const result = await monocov(root, ['ratchet', '--projects']);
  assert.is(result.status, 0, result.stderr);
  assert.is(
    result.stdout,
    'report.perProject["packages/a"].lines: 10 → 75\nreport.perProject["packages/b"]: added {"statements":33.33,"branches":100,"functions":0,"lines":33.33}\n',
  );
  assert.fixture(
    rcText(root),
    '{\n\t"reporters": ["json"],\n\t"report": {\n\t\t"perProject": {\n\t\t\t"packages/a": { "lines": 75 },\n\t\t\t"packages/b": { "statements": 33.33, "branches": 100, "functions": 0, "lines": 33.33 }\n\t\t}\n\t}\n}\n',
  );
  assert.is((await monocov(root, ['ratchet', '--projects'])).stdout, 'nothing to raise: every threshold is at or above the measurement\n');

  const bare = workspace('{\r\n  "reporters": ["json"]\r\n}\r\n');
  await monocov(bare, ['merge']);
  assert.is((await monocov(bare, ['ratchet', '--projects'])).status, 0);
  assert.fixture(
    rcText(bare),
    '{\r\n  "reporters": ["json"],\r\n  "report": {\r\n    "perProject": {\r\n      "packages/a": { "statements": 75, "branches": 50, "functions": 100, "lines": 75 },\r\n      "packages/b": { "statements": 33.33, "branches": 100, "functions": 0, "lines": 33.33 }\r\n    }\r\n  }\r\n}\r\n',
  );
});

test('--dry-run prints the changes and leaves the file alone', async () => {
  const root = workspace(RC);
  await monocov(root, ['merge']);
  const result = await monocov(root, ['ratchet', '--dry-run']);
  assert.match(result.stdout, 'report.failUnder.lines: 50 → 57.14');
  assert.match(result.stdout, '(dry run: .coveragerc.json left unchanged)');
  assert.is(rcText(root), RC);
});

test('stale or unreadable data raises nothing (exit 4); no rc file is a configuration error', async () => {
  const root = workspace(RC);
  writeFiles(root, { 'coverage/projects/packages/b/coverage-final.json': '{ truncated' });
  const result = await monocov(root, ['ratchet']);
  assert.is(result.status, 4, result.stderr);
  assert.match(result.stderr, 'nothing raised: the measurement is not the whole workspace');
  assert.is(rcText(root), RC);

  const none = makeWorkspace({ 'nx.json': '{}' });
  roots.push(none);
  const missing = await monocov(none, ['ratchet']);
  assert.is(missing.status, 3);
  assert.match(missing.stderr, 'ratchet edits .coveragerc.json, and there is none');
});

test('data the last merge found incomplete raises nothing; report and check still name the project', async () => {
  const root = workspace(RC);
  await monocov(root, ['merge', '--expect', 'packages/a', '--expect', 'packages/b', '--expect', 'packages/c']);
  const check = await monocov(root, ['check']);
  assert.match(check.stderr, 'monocov check: packages/c: no data');
  // The fixture's meta.json records a made-up config hash: a and b count as stale as well.
  assert.match(check.stderr, 'monocov check: 3 project(s) without current data; as the last merge found');
  const result = await monocov(root, ['ratchet']);
  assert.is(result.status, 4);
  assert.match(result.stderr, 'monocov ratchet: packages/c: no data');
  assert.is(rcText(root), RC);
  assert.is((await monocov(root, ['ratchet', '--ignore-errors'])).status, 0);
  assert.is.not(rcText(root), RC);
});

test('json-edit: members join inline objects inline and multi-line objects on their own line', () => {
  const text = '{ "a": { "x": 1 },\n  "b": {\n    "y": 2\n  },\n  "c": {} }';
  const tree = parseJsonTree(text);
  const object = (key: string) =>
    (tree.kind === 'object' ? tree.members.find((member) => member.key === key)!.value : undefined) as Extract<ReturnType<typeof parseJsonTree>, { kind: 'object' }>;
  assert.is(applyEdits(text, [addMember(text, object('a'), 'z', 3)]), '{ "a": { "x": 1, "z": 3 },\n  "b": {\n    "y": 2\n  },\n  "c": {} }');
  assert.is(applyEdits(text, [addMember(text, object('b'), 'z', [1, 2])]), '{ "a": { "x": 1 },\n  "b": {\n    "y": 2,\n    "z": [1, 2]\n  },\n  "c": {} }');
  assert.is(applyEdits(text, [addMember(text, object('c'), 'z', true)]), '{ "a": { "x": 1 },\n  "b": {\n    "y": 2\n  },\n  "c": {\n    "z": true\n  } }');
});

test.run();
