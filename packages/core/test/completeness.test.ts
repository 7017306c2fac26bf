import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCompleteness, describeCompleteness, findExpectedProjects } from '../src/completeness';
import { loadConfig } from '../src/config';
import { combineCoverage } from '../src/combine';
import { mergeWorkspace } from '../src/workspace-report';
import { writeProjectData } from '../src/store/write';
import { NO_TEST_FILES } from '../src/test-files';
import { coverageOf, makeWorkspace, source, writeFiles, runCli as monocov } from './fixtures/merge/helpers';

// Graph-aware completeness (issue 11): which expected projects have no data or stale data, and
// identical data files counted once.

const roots: string[] = [];
test.after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** Three tested packages (a, b, c), each with a test file and data written as the collector writes it, and one without tests (docs). */
function workspace(): string {
  const root = makeWorkspace({
    'nx.json': '{}',
    '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] } }),
    'packages/a/package.json': JSON.stringify({ name: 'a', scripts: { test: 'node --test' } }),
    'packages/a/src/a.ts': source(2),
    'packages/a/test/a.test.js': '',
    'packages/b/package.json': JSON.stringify({ name: '@ws/b', scripts: { test: 'node --test' } }),
    'packages/b/src/b.ts': source(2),
    'packages/b/test/b.test.js': '',
    'packages/c/package.json': JSON.stringify({ name: 'c', scripts: { test: 'node --test' } }),
    'packages/c/src/c.ts': source(2),
    'packages/c/test/c.test.js': '',
    'packages/docs/package.json': JSON.stringify({ name: 'docs', scripts: { test: 'echo "Error: no test specified" && exit 1' } }),
  });
  roots.push(root);
  for (const name of ['a', 'b', 'c']) collect(root, name);
  return root;
}

function collect(root: string, name: string, run: Record<string, unknown> = {}, alsoRan: Record<string, { s: number[] }> = {}): string {
  const loaded = loadConfig({ workspaceRoot: root, overrides: { run } });
  return writeProjectData({
    workspaceRoot: root,
    dataDir: 'coverage',
    projectRoot: `packages/${name}`,
    coverage: coverageOf({ [`packages/${name}/src/${name}.ts`]: { s: [1, 0] }, ...alsoRan }),
    meta: {
      tool: { name: '@monocov/core', version: '0.1.0' },
      project: name,
      projectRoot: `packages/${name}`,
      target: 'coverage',
      node: 'v20',
      configHash: loaded.hash,
      collector: 'v8',
      tests: { exitCode: 0, signal: null },
    },
  });
}

function states(root: string) {
  const { config } = loadConfig({ workspaceRoot: root });
  const merged = combineCoverage({ workspaceRoot: root, inputs: ['coverage/projects'] });
  const expected = findExpectedProjects(root, ['packages/*'], 'coverage');
  const completeness = checkCompleteness({ workspaceRoot: root, expected, merged, run: config.run });
  return {
    completeness,
    lines: describeCompleteness(completeness, { verbose: true }),
    summed: describeCompleteness(completeness),
    byRoot: Object.fromEntries(completeness.projects.map((entry) => [entry.projectRoot, entry.state])),
  };
}

test('every project current: nothing listed but the project without tests', () => {
  const root = workspace();
  const { byRoot, lines, summed } = states(root);
  assert.equal(byRoot, { 'packages/a': 'current', 'packages/b': 'current', 'packages/c': 'current', 'packages/docs': 'untested' });
  assert.equal(lines, ['packages/docs: not measured — no test script or target']);
  assert.equal(summed, ['not measured: 1 project(s) without a coverage target (packages/docs); --verbose lists each reason']);
});

test('a package whose test run would find no test file is not measured ("no test files") unless it has data: data wins over the rule', () => {
  const root = workspace();
  rmSync(join(root, 'packages/b/test'), { recursive: true });
  rmSync(join(root, 'packages/c/test'), { recursive: true });
  rmSync(join(root, 'coverage/projects/packages/c'), { recursive: true });
  const { completeness, byRoot } = states(root);
  assert.equal(byRoot, { 'packages/a': 'current', 'packages/b': 'current', 'packages/c': 'untested', 'packages/docs': 'untested' });
  assert.equal(completeness.projects.find((entry) => entry.projectRoot === 'packages/c')!.reasons, [NO_TEST_FILES]);
  const { config } = loadConfig({ workspaceRoot: root });
  const expected = findExpectedProjects(root, ['packages/*'], 'coverage');
  assert.is(mergeWorkspace({ workspaceRoot: root, config: { ...config, reporters: [] }, expected, requireComplete: true }).outcome, 'ok');
});

test('deleted data: the project is named as missing', () => {
  const root = workspace();
  rmSync(join(root, 'coverage/projects/packages/b'), { recursive: true });
  const { byRoot, lines } = states(root);
  assert.is(byRoot['packages/b'], 'missing');
  assert.ok(
    lines.includes("packages/b (@ws/b): no data — its coverage did not run, failed before writing, or its data was deleted or not restored by a cache (check the task's outputs)"),
    lines.join('\n'),
  );
});

test('stale data: other run options, an edited source, a source added since', () => {
  const root = workspace();
  collect(root, 'a', { all: false });
  writeFiles(root, { 'packages/b/src/b.ts': source(3), 'packages/c/src/new.ts': source(1) });
  const { completeness } = states(root);
  const reasons = Object.fromEntries(completeness.projects.map((entry) => [entry.projectRoot, entry.reasons]));
  assert.equal(reasons['packages/a'], ['collected with other `run` options than the project has now (.coveragerc.json or its coverage target changed)']);
  assert.equal(reasons['packages/b'], ['1 source file(s) changed or deleted since: packages/b/src/b.ts']);
  assert.equal(reasons['packages/c'], ['1 source file(s) added since: packages/c/src/new.ts']);
  assert.ok(completeness.projects.filter((entry) => entry.state === 'stale').length === 3);
});

test('a threshold or reporter change does not make data stale (only `run` options shape it)', () => {
  const root = workspace();
  writeFiles(root, { '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] }, report: { failUnder: 90 }, reporters: ['lcov'] }) });
  assert.is(states(root).byRoot['packages/a'], 'current');
});

test('data of a project the workspace no longer has is unexpected', () => {
  const root = workspace();
  cpSync(join(root, 'coverage/projects/packages/c'), join(root, 'coverage/projects/packages/old'), { recursive: true });
  writeFiles(root, { 'coverage/projects/packages/old/meta.json': JSON.stringify({ formatVersion: 1, project: 'old', projectRoot: 'packages/old', configHash: 'x', sources: {} }) });
  const { byRoot, lines } = states(root);
  assert.is(byRoot['packages/old'], 'unexpected');
  assert.ok(lines.includes('packages/old: unexpected data — not a project of the workspace now (removed or moved?)'), lines.join('\n'));
});

test('mergeWorkspace: incomplete data is listed; requireComplete makes it the outcome', () => {
  const root = workspace();
  rmSync(join(root, 'coverage/projects/packages/b'), { recursive: true });
  const { config } = loadConfig({ workspaceRoot: root });
  const expected = findExpectedProjects(root, ['packages/*'], 'coverage');
  const listed = mergeWorkspace({ workspaceRoot: root, config: { ...config, reporters: [] }, expected });
  assert.is(listed.outcome, 'ok');
  assert.is(listed.completeness!.projects.find((entry) => entry.projectRoot === 'packages/b')!.state, 'missing');
  const required = mergeWorkspace({ workspaceRoot: root, config: { ...config, reporters: [] }, expected, requireComplete: true });
  assert.is(required.outcome, 'incomplete');
});

test('monocov merge --expect names the missing project; --require-complete fails with exit 4', async () => {
  const root = workspace();
  rmSync(join(root, 'coverage/projects/packages/b'), { recursive: true });
  const listed = await monocov(root, ['merge', '--reporter', 'json', '--expect', 'packages/*']);
  assert.is(listed.status, 0, listed.stderr);
  assert.match(listed.stderr, 'monocov merge: packages/b (@ws/b): no data');
  assert.match(listed.stderr, 'monocov merge: 1 project(s) without current data; pass --require-complete to fail on this');

  const failed = await monocov(root, ['merge', '--reporter', 'json', '--expect', 'packages/a', '--expect', 'packages/b', '--require-complete']);
  assert.is(failed.status, 4, failed.stderr);
  assert.match(failed.stderr, 'monocov merge: packages/b (@ws/b): no data');
  assert.match(failed.stderr, 'the merge fails (--require-complete)');
  // packages/c was not expected here, so its data is named too.
  assert.match(failed.stderr, 'monocov merge: packages/c: unexpected data');
});

test('monocov merge --require-complete alone expects the package.json workspaces', async () => {
  const root = workspace();
  rmSync(join(root, 'coverage/projects/packages/c'), { recursive: true });
  const result = await monocov(root, ['merge', '--reporter', 'json', '--require-complete']);
  assert.is(result.status, 4, result.stderr);
  assert.match(result.stderr, 'monocov merge: packages/c: no data');
  // The line names the file that holds each reason, as the user's path to it: summary.md (not written by default) names the projects only.
  assert.match(
    result.stderr,
    'monocov merge: not measured: 1 project(s) without a coverage target (packages/docs); --verbose lists each reason, as does "completeness" in coverage/workspace/meta.json\n',
  );
  const docs = JSON.parse(readFileSync(join(root, 'coverage/workspace/meta.json'), 'utf8')).completeness.find(
    (entry: { projectRoot: string }) => entry.projectRoot === 'packages/docs',
  );
  assert.equal(docs.reasons, ['no test script or target']);
  const verbose = await monocov(root, ['merge', '--reporter', 'json', '--require-complete', '--verbose']);
  assert.match(verbose.stderr, 'monocov merge: packages/docs: not measured — no test script or target');
});

test('without --expect, monocov merge names a workspace package with no data; pnpm-workspace.yaml (with a negation) and test:* scripts are read', async () => {
  const root = workspace();
  // A pnpm workspace: no `workspaces` in package.json; packages/c is excluded, packages/docs runs its tests as test:lib.
  writeFiles(root, {
    'package.json': JSON.stringify({ name: 'ws', private: true }),
    'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  - '!packages/c'\n",
    'packages/docs/package.json': JSON.stringify({ name: 'docs', scripts: { 'test:lib': 'vitest run', 'test:types': 'tsc --noEmit' } }),
    'packages/docs/src/docs.test.ts': '',
  });
  rmSync(join(root, 'coverage/projects/packages/c'), { recursive: true });
  const listed = await monocov(root, ['merge', '--reporter', 'json']);
  assert.is(listed.status, 0, listed.stderr);
  assert.match(listed.stderr, 'monocov merge: packages/docs: no data');
  assert.not.match(listed.stderr, 'packages/c');
  assert.match(listed.stderr, 'pass --require-complete to fail on this');
  const required = await monocov(root, ['merge', '--reporter', 'json', '--require-complete']);
  assert.is(required.status, 4, required.stderr);
});

test('a package without tests whose code the tests of another ran (run.source "workspace") gets its own row, not "files outside any project"', async () => {
  // Seen in libp2p/js-libp2p-daemon: the protocol package has no test script; the client's tests load it through node_modules.
  const root = workspace();
  writeFiles(root, {
    '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'], source: 'workspace' } }),
    'packages/docs/src/docs.ts': source(2),
    'src/x.ts': source(1),
  });
  for (const name of ['b', 'c']) collect(root, name);
  collect(root, 'a', {}, { 'packages/docs/src/docs.ts': { s: [1, 1] }, 'src/x.ts': { s: [0] } });
  const result = await monocov(root, ['merge', '--reporter', 'text', '--reporter', 'markdown', '--reporter', 'html']);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, / packages\/docs +\| +100\.00 \|/);
  // A file under no workspace package still goes to the last row.
  assert.match(result.stdout, / \(files outside any project\) +\| +0\.00 \|/, result.stdout);
  assert.match(result.stderr, 'not measured: 1 project(s) without a coverage target (packages/docs)');
  const summary = readFileSync(join(root, 'coverage/workspace/summary.md'), 'utf8');
  assert.match(summary, '| `packages/docs` | 100.00% |');
  const html = readFileSync(join(root, 'coverage/workspace/html/index.html'), 'utf8');
  assert.match(html, '"root":"packages/docs","name":"docs","state":"untested","reasons":["no test script or target"],"files":1');
});

test('a package with its own coverage script (vitest run --coverage) is not measured, as monocov init says, rather than "no data"; its data, when there is some, is merged as expected', async () => {
  const root = workspace();
  // Seen in open-circle/valibot: `library` keeps "coverage": "vitest run --coverage --isolate", which the root `pnpm -r run coverage` runs too.
  writeFiles(root, {
    'package.json': JSON.stringify({ name: 'ws', private: true }),
    'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n",
    'packages/c/package.json': JSON.stringify({ name: 'c', scripts: { test: 'vitest', coverage: 'vitest run --coverage --isolate' } }),
  });
  rmSync(join(root, 'coverage/projects/packages/c'), { recursive: true });
  const merged = await monocov(root, ['merge', '--reporter', 'json', '--require-complete', '--verbose']);
  assert.is(merged.status, 0, merged.stderr);
  assert.not.match(merged.stderr, 'packages/c: no data');
  assert.match(
    merged.stderr,
    'monocov merge: packages/c: not measured — has its own `coverage` script ("vitest run --coverage --isolate"); make it `monocov run -- <test command>` to measure it',
  );
  collect(root, 'c');
  const measured = await monocov(root, ['merge', '--reporter', 'json', '--require-complete', '--verbose']);
  assert.is(measured.status, 0, measured.stderr);
  assert.not.match(measured.stderr, 'packages/c');
});

test('--require-complete outside a workspace, without --expect, is a configuration error naming both ways to expect projects', async () => {
  const root = workspace();
  writeFiles(root, { 'package.json': JSON.stringify({ name: 'single' }) });
  const result = await monocov(root, ['merge', '--reporter', 'json', '--require-complete']);
  assert.is(result.status, 3, result.stderr);
  assert.match(
    result.stderr,
    '--require-complete needs the projects to expect: --expect <project folder or glob>, repeatable (or workspace packages: package.json `workspaces`, pnpm-workspace.yaml)',
  );
});

test('identical data files (an artifact downloaded twice) are counted once and named', async () => {
  const root = workspace();
  cpSync(join(root, 'coverage/projects'), join(root, 'shard-1'), { recursive: true });
  cpSync(join(root, 'coverage/projects'), join(root, 'shard-2'), { recursive: true });
  const merged = combineCoverage({ workspaceRoot: root, inputs: ['shard-1', 'shard-2'] });
  assert.equal(merged.coverage['packages/a/src/a.ts']!.s, { 0: 1, 1: 0 });
  assert.is(merged.inputs.length, 3);
  assert.equal(
    merged.duplicates.map(({ input, sameAs }) => [input.slice(root.length + 1), sameAs.slice(root.length + 1)]),
    [
      ['shard-2/packages/a/coverage-final.json', 'shard-1/packages/a/coverage-final.json'],
      ['shard-2/packages/b/coverage-final.json', 'shard-1/packages/b/coverage-final.json'],
      ['shard-2/packages/c/coverage-final.json', 'shard-1/packages/c/coverage-final.json'],
    ],
  );
  const cli = await monocov(root, ['merge', '--reporter', 'json', 'shard-1', 'shard-2']);
  assert.is(cli.status, 0, cli.stderr);
  assert.match(cli.stderr, 'monocov merge: skipped shard-2/packages/a/coverage-final.json: the same data as shard-1/packages/a/coverage-final.json, counted once');
});

test('data with the same coverage but another project meta.json is not a duplicate', () => {
  const root = workspace();
  cpSync(join(root, 'coverage/projects/packages/a'), join(root, 'other/a'), { recursive: true });
  writeFiles(root, { 'other/a/meta.json': JSON.stringify({ formatVersion: 1, project: 'a-e2e', projectRoot: 'packages/a', configHash: 'x', sources: {} }) });
  const merged = combineCoverage({ workspaceRoot: root, inputs: ['coverage/projects/packages/a', 'other/a'] });
  assert.equal(merged.duplicates, []);
  assert.equal(merged.coverage['packages/a/src/a.ts']!.s, { 0: 2, 1: 0 });
});

test.run();
