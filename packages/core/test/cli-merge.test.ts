import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stableStringify } from '../src/stable-json';
import { hashContent } from '../src/store/format';
import { coverageOf, makeWorkspace, snapshot, source, writeFiles, writeProject, runCli as monocov } from './fixtures/merge/helpers';

// `monocov merge | report | check` run in-process through main() with captured streams, and
// through the real bin (built by `npm test`) for the exit status a shell sees.
const BIN = join(__dirname, '..', 'bin', 'monocov.js');

const roots: string[] = [];
test.after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function fixture(rc: object = {}): string {
  const root = makeWorkspace({
    'nx.json': '{}',
    '.coveragerc.json': JSON.stringify(rc),
    'packages/a/src/a.ts': source(4),
    'packages/b/src/b.ts': source(4),
  });
  roots.push(root);
  writeProject(root, { projectRoot: 'packages/a', coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 0, 2, 0], f: [1, 0], b: [[1, 0]] } }) });
  writeProject(root, { projectRoot: 'packages/b', project: '@ws/b', coverage: coverageOf({ 'packages/b/src/b.ts': { s: [3, 3, 3, 0], f: [2], b: [[1, 1, 1]] } }) });
  return root;
}

test('merge: writes every configured report, prints the project table, exits 0', async () => {
  const root = fixture();
  const result = await monocov(join(root, 'packages/a'), ['merge']);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, /^All files\s+\|\s+62\.50 \|\s+80\.00 \|\s+66\.66 \|\s+62\.50$/m);
  assert.match(result.stdout, /^ packages\/a\s+\|/m);
  assert.match(result.stdout, /^ packages\/b \(@ws\/b\)\s+\|/m);
  assert.match(result.stderr, 'monocov merge: wrote ../../coverage/workspace/coverage-final.json, ../../coverage/workspace/lcov.info');
  for (const file of ['coverage-final.json', 'lcov.info', 'coverage-summary.json', 'cobertura-coverage.xml', 'html/index.html']) {
    assert.ok(existsSync(join(root, 'coverage/workspace', file)), file);
  }
});

test('merge: a missed threshold exits 2 with one line per miss', async () => {
  const root = fixture({ report: { failUnder: { branches: 90 }, perProject: { 'packages/a': { lines: 90 } } } });
  const result = await monocov(root, ['merge', '--reporter', 'json']);
  assert.is(result.status, 2);
  assert.equal(
    result.stderr.split('\n').filter((line) => line.includes('threshold missed')),
    ['monocov merge: threshold missed: branches 80% < 90% (workspace total)', 'monocov merge: threshold missed: lines 50% < 90% (project packages/a)'],
  );
  // Reports are still written: a red gate still shows why.
  assert.ok(existsSync(join(root, 'coverage/workspace/coverage-final.json')));
});

test('merge --fail-under overrides the config; --reporter replaces the reporters', async () => {
  const root = fixture({ report: { failUnder: 99 } });
  const result = await monocov(root, ['merge', '--fail-under', '10', '--reporter', 'lcov', '--reporter', 'text-summary']);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, 'Coverage summary');
  assert.not.match(result.stdout, 'Project / file');
  assert.equal(readdirSync(join(root, 'coverage/workspace')).sort(), ['coverage-final.json', 'lcov.info', 'meta.json']);
});

test('merge: unreadable data is named and exits 4; --ignore-errors merges the rest and exits 0', async () => {
  const root = fixture();
  writeFiles(root, { 'coverage/projects/packages/c/coverage-final.json': '{"packages/c/src/c.ts": {"path": "packages/c' });
  const bad = join(root, 'coverage/projects/packages/c/coverage-final.json');
  const strict = await monocov(root, ['merge', '--reporter', 'json']);
  assert.is(strict.status, 4);
  assert.match(strict.stderr, `monocov merge: error: ${bad}: is not valid JSON`);
  assert.match(strict.stderr, 'rerun with --ignore-errors');
  const lenient = await monocov(root, ['merge', '--reporter', 'json', '--ignore-errors']);
  assert.is(lenient.status, 0, lenient.stderr);
  assert.match(lenient.stderr, `monocov merge: ignored: ${bad}`);
  const merged = JSON.parse(readFileSync(join(root, 'coverage/workspace/coverage-final.json'), 'utf8'));
  assert.equal(Object.keys(merged), ['packages/a/src/a.ts', 'packages/b/src/b.ts']);
});

test('merge <files and folders>: data from another machine mapped with paths', async () => {
  const root = fixture({ paths: { source: ['packages/', '/ci/agent-*/work/packages/'] } });
  writeFiles(root, { 'artifacts/run-7/coverage-final.json': stableStringify(coverageOf({ '/ci/agent-7/work/packages/a/src/a.ts': { s: [0, 1, 0, 1], f: [0, 1], b: [[0, 1]] } })) });
  const result = await monocov(join(root, 'artifacts'), ['merge', '--reporter', 'json', 'run-7', '../coverage/projects']);
  assert.is(result.status, 0, result.stderr);
  const merged = JSON.parse(readFileSync(join(root, 'coverage/workspace/coverage-final.json'), 'utf8'));
  assert.equal(merged['packages/a/src/a.ts'].s, { 0: 1, 1: 1, 2: 2, 3: 1 });
});

test('report --files: per-file rows from the stored merged data, without the project data', async () => {
  const root = fixture();
  assert.is((await monocov(root, ['merge', '--reporter', 'json'])).status, 0);
  rmSync(join(root, 'coverage/projects'), { recursive: true });
  const result = await monocov(root, ['report', '--files', '--reporter', 'text', '--reporter', 'lcov']);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, /^ packages\/b \(@ws\/b\)\s+\|/m);
  assert.match(result.stdout, /^ {2}packages\/a\/src\/a\.ts\s+\|\s+50\.00 \|\s+50\.00 \|\s+50\.00 \|\s+50\.00 \| 2, 4$/m);
  assert.ok(existsSync(join(root, 'coverage/workspace/lcov.info')));
  assert.is((await monocov(root, ['report', 'some-file'])).status, 64);
});

test('report and check only read: a source edited since the merge is flagged and left out of their numbers, never out of the stored merged data', async () => {
  const root = fixture({ reporters: ['text', 'json', 'lcov'] });
  // Real content hashes in b's meta.json, as the store writes them, so an edit makes its data stale.
  const metaPath = join(root, 'coverage/projects/packages/b/meta.json');
  const hash = hashContent(readFileSync(join(root, 'packages/b/src/b.ts')));
  writeFileSync(metaPath, readFileSync(metaPath, 'utf8').replace('"sources": {}', `"sources": { "packages/b/src/b.ts": "${hash}" }`));
  assert.is((await monocov(root, ['merge'])).status, 0);
  const stored = snapshot(join(root, 'coverage/workspace'));
  const before = await monocov(root, ['check']);
  assert.match(before.stdout, 'Total of 2 file(s): statements 62.5%');

  const original = readFileSync(join(root, 'packages/b/src/b.ts'), 'utf8');
  writeFileSync(join(root, 'packages/b/src/b.ts'), source(9));
  const report = await monocov(root, ['report', '--ignore-errors']);
  assert.is(report.status, 0, report.stderr);
  assert.match(
    report.stderr,
    "monocov report: these numbers leave out 1 file(s) changed since their data was collected (packages/b/src/b.ts); the stored merged data still holds it — rerun their projects' coverage, then merge",
  );
  const after = snapshot(join(root, 'coverage/workspace'));
  for (const file of ['coverage-final.json', 'meta.json']) assert.is(after[file], stored[file], `${file} is not rewritten`);
  assert.not.match(after['lcov.info']!, 'SF:packages/b/src/b.ts', 'the redrawn reports say what they cover');
  const check = await monocov(root, ['check']);
  assert.is(check.status, 4, 'stale data is an error unless --ignore-errors');
  assert.match(check.stdout, 'Total of 1 file(s); 1 left out, changed since their data was collected: statements 50%');

  // Reverted: the stored data was kept whole, so the numbers are the merge's again.
  writeFileSync(join(root, 'packages/b/src/b.ts'), original);
  const reverted = await monocov(root, ['check']);
  assert.is(reverted.status, 0, reverted.stderr);
  assert.is(reverted.stdout, before.stdout);
});

test('check: exit 0 with a verdict, 2 on a miss, and writes nothing', async () => {
  const root = fixture({ report: { failUnder: 50 } });
  const ok = await monocov(root, ['check']);
  assert.is(ok.status, 0, ok.stderr);
  assert.is(ok.stdout, 'Total of 2 file(s): statements 62.5%, branches 80%, functions 66.66%, lines 62.5%\nall 4 threshold(s) met\n');
  assert.not.ok(existsSync(join(root, 'coverage/workspace')));
  const miss = await monocov(root, ['check', '--fail-under', '65']);
  assert.is(miss.status, 2);
  assert.match(miss.stdout, '2 of 4 threshold(s) missed');
  assert.match(miss.stderr, 'monocov check: threshold missed: statements 62.5% < 65% (workspace total)\n');
});

test('usage and configuration errors', async () => {
  const root = fixture();
  const precision = await monocov(root, ['report', '--precision', 'two']);
  assert.is(precision.status, 3);
  assert.match(precision.stderr, 'monocov report: --precision must be a whole number from 0 to 10, got "two"');
  const reporter = await monocov(root, ['merge', '--reporter', 'xml']);
  assert.is(reporter.status, 3);
  assert.match(reporter.stderr, '--reporter "xml" is not a reporter; choose from text');
  const sort = await monocov(root, ['merge', '--sort', 'size']);
  assert.is(sort.status, 3);
  const unknown = await monocov(root, ['merge', '--no-such-flag']);
  assert.is(unknown.status, 64);
  const help = await monocov(root, ['check', '--help']);
  assert.is(help.status, 0);
  assert.match(help.stdout, 'Usage: monocov check');
});

test('no data: exit 5 with the next step', async () => {
  const root = makeWorkspace({ 'nx.json': '{}' });
  roots.push(root);
  const result = await monocov(root, ['merge']);
  assert.is(result.status, 5);
  assert.match(result.stderr, 'no coverage data: coverage/projects does not exist; run the coverage target first');
});

test('the real bin: exit statuses a shell sees', () => {
  const root = fixture({ report: { failUnder: 90 } });
  const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: root, encoding: 'utf8' });
  const merge = run(['merge', '--reporter', 'text']);
  assert.is(merge.status, 2, merge.stderr);
  assert.match(merge.stdout, 'All files');
  assert.is(run(['check', '--fail-under', '0']).status, 0);
  writeFileSync(join(root, 'coverage/workspace/coverage-final.json'), '{"broken');
  const check = run(['check']);
  assert.is(check.status, 4);
  assert.match(check.stderr, 'no usable coverage data');
});

test('concurrent merges of the same data leave complete, byte-identical reports', async () => {
  const root = fixture();
  const sequential = spawnSync(process.execPath, [BIN, 'merge', '--output-dir', 'expected'], { cwd: root, encoding: 'utf8' });
  assert.is(sequential.status, 0, sequential.stderr);
  // Ten at once, each failure's stderr kept: the race this guards (a merge comparing its reports with the old ones while
  // another sets the old folder aside, exit 70) shows only now and then, not on every run.
  const runs = Array.from(
    { length: 10 },
    () =>
      new Promise<string>((done) => {
        const child = spawn(process.execPath, [BIN, 'merge'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('close', (status) => done(status === 0 ? 'ok' : `exit ${status}: ${stderr}`));
      }),
  );
  assert.equal(await Promise.all(runs), Array(10).fill('ok'));
  const expected = snapshot(join(root, 'expected'));
  assert.equal(snapshot(join(root, 'coverage/workspace')), expected);
  assert.equal(
    readdirSync(join(root, 'coverage/workspace')).filter((name) => name.startsWith('.')),
    [],
    'no staging or aside folders left',
  );
});

test.run();
