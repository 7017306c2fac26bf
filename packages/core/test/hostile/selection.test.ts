import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config';
import { stableStringify } from '../../src/stable-json';
import { mergeWorkspace } from '../../src/workspace-report';
import { coverageOf, makeWorkspace, source, writeProject } from '../fixtures/merge/helpers';
import { assertOutcome, cleanLater, cleanUp, monocov, tree } from './helpers';

// Issue 17, item 2 (selection): a data entry becomes report content only when its project's
// include/omit select it, re-applied at the merge (and by report and check) after `paths`
// remapping, anchored at the project root as `monocov run` anchors them. Data from a shard or a
// cache cannot bring a test file, a config file or an omitted folder into the reports; what it
// held is named and listed in the workspace meta.json `dropped`, and never read.

test.after(cleanUp);

const SECRET = 'token-SECRET-0017';

function outputsHold(root: string, text: string): string[] {
  return Object.entries(tree(join(root, 'coverage/workspace')))
    .filter(([, bytes]) => bytes.includes(text))
    .map(([name]) => name);
}

function merged(root: string): string[] {
  return Object.keys(JSON.parse(readFileSync(join(root, 'coverage/workspace/coverage-final.json'), 'utf8')));
}

function workspaceMeta(root: string): { dropped?: { unselected: string[] }; projects: Array<{ files: string[] }> } {
  return JSON.parse(readFileSync(join(root, 'coverage/workspace/meta.json'), 'utf8'));
}

const WARNING =
  /monocov merge: left out (\d+) file\(s\) the data holds that run\.include\/run\.omit do not select: ([^\n]*) \(listed in meta\.json `dropped`\); only what the rc file selects is reported/;

// Guards: combine/select.ts createSelection, combine/index.ts (selection before any file is read).
test('data naming a test file, a config file, .env, an omitted folder and another project: left out by name, never read, exit 0', () => {
  const root = makeWorkspace({
    '.coveragerc.json': JSON.stringify({ run: { omit: ['src/legacy/**'] } }),
    'packages/a/src/a.ts': source(2),
    // Anchored at the project root: a `test` or `legacy` folder deeper down holds sources.
    'packages/a/src/executors/test/run.ts': source(1),
    'packages/a/lib/src/legacy/kept.ts': source(1),
    'packages/a/src/legacy/old.ts': `// ${SECRET}\n`,
    'packages/a/src/a.test.ts': `// ${SECRET}\n`,
    'packages/a/test/helper.ts': `// ${SECRET}\n`,
    'packages/a/jest.config.ts': `// ${SECRET}\n`,
    'packages/a/src/notes.md': `${SECRET}\n`,
    'packages/b/src/b.ts': `// ${SECRET}\n`,
    '.env': `TOKEN=${SECRET}\n`,
  });
  cleanLater(root);
  const dropped = [
    '.env',
    'packages/a/jest.config.ts',
    'packages/a/src/a.test.ts',
    'packages/a/src/legacy/old.ts',
    'packages/a/src/notes.md',
    'packages/a/test/helper.ts',
    'packages/b/src/b.ts',
  ];
  const kept = ['packages/a/lib/src/legacy/kept.ts', 'packages/a/src/a.ts', 'packages/a/src/executors/test/run.ts'];
  writeProject(root, { projectRoot: 'packages/a', coverage: coverageOf(Object.fromEntries([...dropped, ...kept].map((path) => [path, { s: [1] }]))) });
  const result = monocov(root, ['merge']);
  assert.is(result.status, 0, result.stderr);
  const warning = WARNING.exec(result.stderr);
  assert.ok(warning, result.stderr);
  assert.is(warning![1], String(dropped.length));
  assert.is(warning![2], dropped.join(', '));
  assert.equal(merged(root), kept);
  assert.equal(workspaceMeta(root).dropped, { unselected: dropped });
  assert.equal(workspaceMeta(root).projects[0]!.files, kept);
  assert.equal(outputsHold(root, SECRET), []);
});

// Guards: combine/index.ts mapStoredData (keys and project roots mapped first), then the selection.
test('paths remapping comes first: data made on a CI agent is judged under its workspace paths', () => {
  const root = makeWorkspace({
    '.coveragerc.json': JSON.stringify({ paths: { source: ['packages/', '/ci/agent-*/work/packages/'] } }),
    'packages/a/src/a.ts': source(2),
    'packages/a/src/a.spec.ts': `// ${SECRET}\n`,
  });
  cleanLater(root);
  const agent = '/ci/agent-7/work/packages/a';
  writeProject(root, { projectRoot: agent, project: 'a', coverage: coverageOf({ [`${agent}/src/a.ts`]: { s: [1, 0] }, [`${agent}/src/a.spec.ts`]: { s: [1] } }) });
  const result = monocov(root, ['merge']);
  assert.is(result.status, 0, result.stderr);
  assert.is(WARNING.exec(result.stderr)?.[2], 'packages/a/src/a.spec.ts');
  assert.equal(merged(root), ['packages/a/src/a.ts']);
  assert.equal(outputsHold(root, SECRET), []);
});

// Guards: combine/select.ts (data of no project: globs anchored at each file's package folder).
test('bare istanbul data (no meta.json): judged at each file’s package folder', () => {
  const root = makeWorkspace({
    'packages/a/package.json': '{"name":"a"}',
    'packages/a/src/a.ts': source(2),
    'packages/a/test/a.ts': `// ${SECRET}\n`,
    'packages/a/src/test/fixture.ts': source(1),
  });
  cleanLater(root);
  const shard = join(root, 'shard/coverage-final.json');
  mkdirSync(join(root, 'shard'));
  writeFileSync(shard, stableStringify(coverageOf({ 'packages/a/src/a.ts': { s: [1, 1] }, 'packages/a/test/a.ts': { s: [1] }, 'packages/a/src/test/fixture.ts': { s: [1] } })));
  const result = monocov(root, ['merge', 'shard']);
  assert.is(result.status, 0, result.stderr);
  assert.is(WARNING.exec(result.stderr)?.[2], 'packages/a/test/a.ts');
  assert.equal(merged(root), ['packages/a/src/a.ts', 'packages/a/src/test/fixture.ts']);
});

// Guards: workspace-report/index.ts mergeWorkspace (an expected project's own run options select its data).
test("a project's own run options (its Nx coverage target's include) select its data", () => {
  const root = makeWorkspace({ 'packages/a/lib/a.ts': source(1), 'packages/a/src/a.ts': source(1) });
  cleanLater(root);
  writeProject(root, { projectRoot: 'packages/a', coverage: coverageOf({ 'packages/a/lib/a.ts': { s: [1] }, 'packages/a/src/a.ts': { s: [1] } }) });
  const config = { ...defaultConfig(), reporters: [] };
  const own = { ...config.run, include: ['lib/**'] };
  const report = mergeWorkspace({ workspaceRoot: root, config, expected: [{ project: 'a', projectRoot: 'packages/a', run: own }] });
  assert.equal(Object.keys(report.coverage), ['packages/a/lib/a.ts']);
  assert.equal(report.unselected, ['packages/a/src/a.ts']);
  const byRc = mergeWorkspace({ workspaceRoot: root, config, expected: [{ project: 'a', projectRoot: 'packages/a' }] });
  assert.equal(Object.keys(byRc.coverage), ['packages/a/lib/a.ts', 'packages/a/src/a.ts']);
});

// Guards: workspace-report/index.ts loadStoredData (report and check select what they read too).
test('report and check: stored merged data holding a file the rc file now omits leaves it out of their numbers, named', () => {
  const root = makeWorkspace({ 'packages/a/src/a.ts': source(2), 'packages/a/src/legacy/old.ts': source(4) });
  cleanLater(root);
  writeProject(root, { projectRoot: 'packages/a', coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 1] }, 'packages/a/src/legacy/old.ts': { s: [0, 0, 0, 0] } }) });
  const first = monocov(root, ['merge', '--reporter', 'json', '--reporter', 'json-summary']);
  assert.is(first.status, 0, first.stderr);
  const stored = tree(join(root, 'coverage/workspace'));
  writeFileSync(join(root, '.coveragerc.json'), JSON.stringify({ run: { omit: ['src/legacy/**'] } }));
  const report = monocov(root, ['report', '--reporter', 'json-summary']);
  assert.is(report.status, 0, report.stderr);
  assert.match(
    report.stderr,
    'monocov report: left out 1 file(s) the data holds that run.include/run.omit do not select: packages/a/src/legacy/old.ts; only what the rc file selects',
  );
  const summary = JSON.parse(readFileSync(join(root, 'coverage/workspace/coverage-summary.json'), 'utf8'));
  assert.equal(Object.keys(summary).sort(), ['packages/a/src/a.ts', 'total']);
  assert.is(tree(join(root, 'coverage/workspace'))['coverage-final.json'], stored['coverage-final.json'], 'report never rewrites the stored data');
  const check = monocov(root, ['check']);
  assertOutcome(check, 0, 'monocov check: left out 1 file(s)');
  assert.match(check.stdout, 'Total of 1 file(s)');
  assert.match(check.stdout, 'statements 100%');
});

test.run();
