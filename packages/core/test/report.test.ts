import { execFileSync } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DataError, NoDataError } from '../src/errors';
import { checkWorkspace, mergeWorkspace, reportWorkspace } from '../src/workspace-report';
import { formatPercent, formatPercentShort, percent } from '../src/report/metrics';
import { groupByProject } from '../src/report/projects';
import { formatSummary, formatTable } from '../src/report/table';
import { sumTotals } from '../src/report/metrics';
import { hashContent } from '../src/store/format';
import { config, coverageOf, makeWorkspace, snapshot, source, writeFiles, writeProject } from './fixtures/merge/helpers';

const ALL = ['text', 'text-summary', 'lcov', 'json', 'json-summary', 'cobertura', 'html'] as const;

const roots: string[] = [];
test.after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function fixture() {
  const root = makeWorkspace({
    'packages/a/src/a.ts': source(6),
    'packages/b/src/b.ts': source(4),
    'libs/shared/src/s.ts': source(4),
    'libs/shared/src/empty.ts': '// types only\n',
  });
  roots.push(root);
  writeProject(root, {
    projectRoot: 'packages/a',
    coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 0, 2, 0], f: [1, 0], b: [[1, 0]] }, 'libs/shared/src/s.ts': { s: [1, 0, 0, 0], f: [1], b: [[0, 1]] } }),
  });
  writeProject(root, { projectRoot: 'packages/b', project: '@ws/b', coverage: coverageOf({ 'packages/b/src/b.ts': { s: [3, 3, 3, 3], f: [2], b: [[1, 1, 1]] } }) });
  writeProject(root, {
    projectRoot: 'libs/shared',
    project: 'shared',
    coverage: coverageOf({ 'libs/shared/src/s.ts': { s: [0, 5, 0, 0], f: [0], b: [[2, 0]] }, 'libs/shared/src/empty.ts': { s: [] } }),
  });
  return root;
}

test('every reporter writes its file into <dataDir>/workspace, with workspace-relative paths', () => {
  const root = fixture();
  const result = mergeWorkspace({ workspaceRoot: root, config: config({ reporters: [...ALL] }) });
  const out = join(root, 'coverage/workspace');
  assert.equal(
    result.written,
    ['coverage-final.json', 'lcov.info', 'coverage-summary.json', 'cobertura-coverage.xml', 'html/index.html'].map((file) => join(out, file)),
  );
  for (const file of result.written) assert.ok(existsSync(file), file);

  const lcov = readFileSync(join(out, 'lcov.info'), 'utf8');
  assert.equal(lcov.match(/^SF:.*$/gm), ['SF:libs/shared/src/empty.ts', 'SF:libs/shared/src/s.ts', 'SF:packages/a/src/a.ts', 'SF:packages/b/src/b.ts']);
  const cobertura = readFileSync(join(out, 'cobertura-coverage.xml'), 'utf8');
  assert.equal(cobertura.match(/filename="[^"]*"/g), [
    'filename="libs/shared/src/empty.ts"',
    'filename="libs/shared/src/s.ts"',
    'filename="packages/a/src/a.ts"',
    'filename="packages/b/src/b.ts"',
  ]);
  assert.match(cobertura, '<source>.</source>');
  assert.not.match(cobertura, root);
  const summary = JSON.parse(readFileSync(join(out, 'coverage-summary.json'), 'utf8'));
  assert.equal(Object.keys(summary).sort(), ['libs/shared/src/empty.ts', 'libs/shared/src/s.ts', 'packages/a/src/a.ts', 'packages/b/src/b.ts', 'total']);
  const merged = JSON.parse(readFileSync(join(out, 'coverage-final.json'), 'utf8'));
  assert.equal(Object.keys(merged), ['libs/shared/src/empty.ts', 'libs/shared/src/s.ts', 'packages/a/src/a.ts', 'packages/b/src/b.ts']);
  // The index lists the projects; each project's files are in its data script (report-html.test.ts).
  const index = readFileSync(join(out, 'html/index.html'), 'utf8');
  for (const root of ['packages/a', 'packages/b', 'libs/shared']) assert.ok(index.includes(`"root":"${root}"`), `index lists ${root}`);
  assert.ok(existsSync(join(out, 'html/packages/a/src/a.ts.html')));
  assert.match(readFileSync(join(out, 'html/packages/a/src/a.ts.html'), 'utf8'), 'export const v5 = 5;');
  // No staging folders left behind.
  assert.equal(
    readdirSync(out).filter((name) => name.startsWith('.')),
    [],
  );
  for (const text of [lcov, cobertura, JSON.stringify(summary), JSON.stringify(merged)]) assert.not.ok(text.includes(root), 'no absolute paths');
});

test('the same data merged twice, or from inputs listed in another order, gives byte-identical reports', () => {
  const root = fixture();
  const cfg = config({ reporters: [...ALL] });
  const inputs = ['coverage/projects/packages/a', 'coverage/projects/libs/shared', 'coverage/projects/packages/b'];
  mergeWorkspace({ workspaceRoot: root, config: cfg, inputs, outputDir: 'out1' });
  mergeWorkspace({ workspaceRoot: root, config: cfg, inputs: [...inputs].reverse(), outputDir: 'out2' });
  const first = snapshot(join(root, 'out1'));
  assert.equal(snapshot(join(root, 'out2')), first);
  mergeWorkspace({ workspaceRoot: root, config: cfg, inputs, outputDir: 'out1' });
  assert.equal(snapshot(join(root, 'out1')), first);
});

test('reports of stored data: report rewrites them from workspace/coverage-final.json; check writes nothing', () => {
  const root = fixture();
  const cfg = config({ reporters: [...ALL], report: { failUnder: 10 } });
  const merged = mergeWorkspace({ workspaceRoot: root, config: cfg });
  const out = join(root, 'coverage/workspace');
  const before = snapshot(out);
  // Project data gone: report and check still work from the stored merged data, projects included.
  rmSync(join(root, 'coverage/projects'), { recursive: true });
  rmSync(join(out, 'lcov.info'));
  const again = reportWorkspace({ workspaceRoot: root, config: cfg });
  assert.equal(snapshot(out), before);
  assert.is(again.summaryText, merged.summaryText);
  assert.equal(again.projects, merged.projects);
  const mtime = statSync(join(out, 'coverage-final.json')).mtimeMs;
  const check = checkWorkspace({ workspaceRoot: root, config: cfg });
  assert.equal(check.written, []);
  assert.is(check.outcome, 'ok');
  assert.is(check.checked, 4);
  assert.is(statSync(join(out, 'coverage-final.json')).mtimeMs, mtime);
});

test('folders left by a killed merge (its pid gone) are removed; those of a running one are kept', () => {
  const root = fixture();
  const out = join(root, 'coverage/workspace');
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  writeFiles(out, {
    [`.staging-${dead}-abc123/lcov.info`]: 'TN:\nSF:half',
    [`.html.old-${dead}-deadbeef/index.html`]: '<html>',
    [`.staging-${process.ppid}-live01/lcov.info`]: 'in progress',
  });
  mergeWorkspace({ workspaceRoot: root, config: config({ reporters: ['json'] }) });
  assert.equal(
    readdirSync(out).filter((name) => name.startsWith('.')),
    [`.staging-${process.ppid}-live01`],
  );
});

test('report without merged data merges <dataDir>/projects', () => {
  const root = fixture();
  const result = reportWorkspace({ workspaceRoot: root, config: config({ reporters: ['json'] }) });
  assert.is(result.inputs.length, 3);
  assert.ok(existsSync(join(root, 'coverage/workspace/coverage-final.json')));
});

test('no data at all is a NoDataError; only unreadable data is a DataError listing each file', () => {
  const root = makeWorkspace();
  roots.push(root);
  const noData = (pattern: RegExp) => (error: unknown) => error instanceof NoDataError && pattern.test((error as Error).message);
  assert.throws(() => mergeWorkspace({ workspaceRoot: root, config: config() }), noData(/^no coverage data: coverage\/projects does not exist; run the coverage target first/));
  assert.throws(() => checkWorkspace({ workspaceRoot: root, config: config() }), noData(/coverage\/projects does not exist/));
  writeFiles(root, { 'coverage/projects/x/notes.txt': 'no data here' });
  assert.throws(() => mergeWorkspace({ workspaceRoot: root, config: config() }), noData(/^no coverage data \(coverage-final\.json\) found in coverage\/projects;/));
  writeFiles(root, { 'coverage/projects/x/coverage-final.json': '{"trunc' });
  assert.throws(
    () => mergeWorkspace({ workspaceRoot: root, config: config() }),
    (error: unknown) => error instanceof DataError && (error as Error).message.includes(join(root, 'coverage/projects/x/coverage-final.json')),
  );
  assert.not.ok(existsSync(join(root, 'coverage/workspace')), 'nothing written over good reports');
});

test('skipped data fails the outcome unless ignoreErrors; the rest is reported', () => {
  const root = fixture();
  writeFiles(root, { 'coverage/projects/packages/bad/coverage-final.json': '{"trunc' });
  const strict = mergeWorkspace({ workspaceRoot: root, config: config({ reporters: ['json'] }) });
  assert.is(strict.outcome, 'data-error');
  assert.is(strict.problems.length, 1);
  assert.is(Object.keys(strict.coverage).length, 4);
  const lenient = mergeWorkspace({ workspaceRoot: root, config: config({ reporters: ['json'] }), ignoreErrors: true });
  assert.is(lenient.outcome, 'ok');
  assert.is(lenient.problems.length, 1);
});

test('a source deleted since the data was made: its entry is left out and named, the rest reported', () => {
  const root = fixture();
  rmSync(join(root, 'packages/a/src/a.ts'));
  const result = mergeWorkspace({ workspaceRoot: root, config: config({ reporters: ['html'] }) });
  assert.not.ok(existsSync(join(root, 'coverage/workspace/html/packages/a/src/a.ts.html')));
  assert.ok(
    result.problems.some((problem) => /entry "packages\/a\/src\/a\.ts" (names a file that is not in the workspace|was deleted)|a\.ts was deleted since/.test(problem.message)),
    result.problems.map((problem) => problem.message).join('\n'),
  );
  assert.ok(existsSync(join(root, 'coverage/workspace/html/index.html')));
});

test('the report time is never the clock or a file time: SOURCE_DATE_EPOCH, else the commit, else the epoch', () => {
  const root = fixture();
  // File times change on every cache restore; the reports must not.
  utimesSync(join(root, 'coverage/projects/packages/b/coverage-final.json'), new Date('2024-05-01T10:00:00Z'), new Date('2024-05-01T10:00:00Z'));
  const cobertura = () => readFileSync(join(root, 'coverage/workspace/cobertura-coverage.xml'), 'utf8');
  const html = () => readFileSync(join(root, 'coverage/workspace/html/index.html'), 'utf8');
  const cfg = config({ reporters: ['cobertura', 'html'] });

  mergeWorkspace({ workspaceRoot: root, config: cfg });
  assert.match(cobertura(), 'timestamp="0"', 'not a git checkout: the epoch');

  execFileSync('git', ['init', '-q'], { cwd: root });
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'x'], {
    cwd: root,
    env: { ...process.env, GIT_COMMITTER_DATE: '2024-06-01T12:00:00Z', GIT_AUTHOR_DATE: '2024-06-01T12:00:00Z' },
  });
  mergeWorkspace({ workspaceRoot: root, config: cfg });
  assert.match(cobertura(), `timestamp="${Date.parse('2024-06-01T12:00:00Z')}"`);
  assert.match(html(), '2024-06-01T12:00:00.000Z');

  process.env.SOURCE_DATE_EPOCH = '1700000000';
  try {
    mergeWorkspace({ workspaceRoot: root, config: cfg });
    assert.match(cobertura(), 'timestamp="1700000000000"');
  } finally {
    delete process.env.SOURCE_DATE_EPOCH;
  }
});

test('reports of stored data still notice a source edited since the merge', () => {
  const root = fixture();
  const cfg = config({ reporters: ['json'] });
  // Give the stored merged data real content hashes, as the store writes them.
  writeFiles(root, {
    'coverage/projects/packages/b/meta.json': readFileSync(join(root, 'coverage/projects/packages/b/meta.json'), 'utf8').replace(
      '"sources": {}',
      `"sources": { "packages/b/src/b.ts": "${hashContent(readFileSync(join(root, 'packages/b/src/b.ts')))}" }`,
    ),
  });
  assert.is(mergeWorkspace({ workspaceRoot: root, config: cfg }).outcome, 'ok');
  writeFiles(root, { 'packages/b/src/b.ts': source(9) });
  const result = reportWorkspace({ workspaceRoot: root, config: cfg });
  assert.is(result.outcome, 'data-error');
  assert.match(result.problems[0]!.message, `${join(root, 'coverage/workspace/coverage-final.json')}: packages/b/src/b.ts changed since this data was collected`);
  assert.not.ok('packages/b/src/b.ts' in result.coverage);
});

// ---------------------------------------------------------------------------------------------
// The text table

const tableCoverage = coverageOf({
  'packages/a/src/a.ts': { s: [1, 0, 2, 0, 0, 1], f: [1, 0], b: [[1, 0]] },
  'packages/a/src/full.ts': { s: [1, 1], f: [1] },
  'packages/a/src/types.ts': { s: [] },
  'packages/b/src/b.ts': { s: [3, 0, 3], f: [2], b: [[1, 1, 0]] },
  'tools/x.ts': { s: [0] },
});
const tableProjects = [
  { projectRoot: 'packages/a', project: 'a' },
  { projectRoot: 'packages/b', project: '@ws/b' },
];
const defaults = { skipCovered: false, skipEmpty: false, showMissing: true, precision: 2, sort: 'name' as const };

test('table: one row per project, a total row, and files unowned by any project last', () => {
  const text = formatTable(tableCoverage, groupByProject(tableCoverage, tableProjects), defaults);
  assert.fixture(
    text,
    [
      '-----------------------------|---------|----------|---------|--------',
      'Project / file               | % Stmts | % Branch | % Funcs | % Lines',
      '-----------------------------|---------|----------|---------|--------',
      'All files                    |   58.33 |    60.00 |   75.00 |   58.33',
      ' (files outside any project) |    0.00 |   100.00 |  100.00 |    0.00',
      ' packages/a                  |   62.50 |    50.00 |   66.66 |   62.50',
      ' packages/b (@ws/b)          |   66.66 |    66.66 |  100.00 |   66.66',
      '-----------------------------|---------|----------|---------|--------',
      '',
    ].join('\n'),
  );
});

test('groupByProject: the deepest root holding a file owns it, folder by folder; `.` takes the rest; names of one root are one group', () => {
  const coverage = coverageOf({
    'apps/web/src/main.ts': { s: [1] },
    'apps/web/e2e/src/flow.ts': { s: [1] },
    'apps/web-e2e/src/spec.ts': { s: [1] },
    'apps/webx.ts': { s: [1] },
    'libs/ui/button/src/b.ts': { s: [1] },
    'libs/ui/src/index.ts': { s: [1] },
    'scripts/build.ts': { s: [1] },
  });
  const projects = [
    { projectRoot: './apps/web/', project: 'web' },
    { projectRoot: 'apps/web/e2e', project: 'web-inner-e2e' },
    { projectRoot: 'apps/web-e2e', project: 'web-e2e' },
    { projectRoot: 'libs/ui', project: 'ui' },
    { projectRoot: 'libs/ui/button', project: 'button' },
    { projectRoot: 'libs/ui', project: 'ui-renamed' },
  ];
  const byRoot = (groups: ReturnType<typeof groupByProject>) => groups.map((group) => [group.projectRoot, group.project, group.files]);
  assert.equal(byRoot(groupByProject(coverage, projects)), [
    ['apps/web', 'web', ['apps/web/src/main.ts']],
    ['apps/web-e2e', 'web-e2e', ['apps/web-e2e/src/spec.ts']],
    ['apps/web/e2e', 'web-inner-e2e', ['apps/web/e2e/src/flow.ts']],
    ['libs/ui', 'ui', ['libs/ui/src/index.ts']],
    ['libs/ui/button', 'button', ['libs/ui/button/src/b.ts']],
    [undefined, undefined, ['apps/webx.ts', 'scripts/build.ts']],
  ]);
  assert.equal(byRoot(groupByProject(coverage, [...projects, { projectRoot: '.', project: 'root' }])).at(0), ['.', 'root', ['apps/webx.ts', 'scripts/build.ts']]);
});

test('table --files: per-file rows with uncovered line ranges; skipCovered and skipEmpty count what they hide', () => {
  const text = formatTable(tableCoverage, groupByProject(tableCoverage, tableProjects), { ...defaults, perFile: true, skipCovered: true, skipEmpty: true });
  assert.fixture(
    text,
    [
      '-----------------------------|---------|----------|---------|---------|----------------',
      'Project / file               | % Stmts | % Branch | % Funcs | % Lines | Uncovered lines',
      '-----------------------------|---------|----------|---------|---------|----------------',
      'All files                    |   58.33 |    60.00 |   75.00 |   58.33 |',
      ' (files outside any project) |    0.00 |   100.00 |  100.00 |    0.00 |',
      '  tools/x.ts                 |    0.00 |   100.00 |  100.00 |    0.00 | 1',
      ' packages/a                  |   62.50 |    50.00 |   66.66 |   62.50 |',
      '  packages/a/src/a.ts        |   50.00 |    50.00 |   50.00 |   50.00 | 2, 4-5',
      ' packages/b (@ws/b)          |   66.66 |    66.66 |  100.00 |   66.66 |',
      '  packages/b/src/b.ts        |   66.66 |    66.66 |  100.00 |   66.66 | 2',
      '-----------------------------|---------|----------|---------|---------|----------------',
      '1 fully covered file not shown.',
      '1 empty file not shown.',
      '',
    ].join('\n'),
  );
});

test('table: sort by a metric (lowest first), precision, and no Missing column without showMissing', () => {
  const text = formatTable(tableCoverage, groupByProject(tableCoverage, tableProjects), { ...defaults, perFile: true, showMissing: false, precision: 0, sort: 'statements' });
  const labels = text
    .split('\n')
    .slice(3, -2)
    .map((line) => line.split('|')[0]!.trimEnd());
  assert.equal(labels, [
    'All files',
    ' (files outside any project)',
    '  tools/x.ts',
    ' packages/a',
    '  packages/a/src/a.ts',
    '  packages/a/src/full.ts',
    '  packages/a/src/types.ts',
    ' packages/b (@ws/b)',
    '  packages/b/src/b.ts',
  ]);
  assert.match(text, /^All files\s+\|\s+58 \|\s+60 \|\s+75 \|\s+58$/m);
  assert.not.match(text, 'Uncovered');
});

test('text-summary block', () => {
  assert.fixture(
    formatSummary(sumTotals(tableCoverage), 2),
    [
      '=============================== Coverage summary ===============================',
      'Statements   : 58.33% ( 7/12 )',
      'Branches     : 60.00% ( 3/5 )',
      'Functions    : 75.00% ( 3/4 )',
      'Lines        : 58.33% ( 7/12 )',
      '================================================================================',
      '',
    ].join('\n'),
  );
});

test("a percentage is istanbul's number: truncated, the same digits at every precision", () => {
  // istanbul-lib-coverage's own rule, which its HTML, json-summary and cobertura reports show.
  const istanbulPercent = createRequire(__filename)('istanbul-lib-coverage/lib/percent.js') as (covered: number, total: number) => number;
  for (const total of [3, 7, 997, 6602]) {
    for (let covered = 0; covered <= total; covered++) {
      const shown = percent({ covered, total });
      assert.is(shown, istanbulPercent(covered, total), `${covered}/${total}`);
      assert.ok(formatPercent({ covered, total }, 2).startsWith(formatPercent({ covered, total }, 1)), `${covered}/${total}: 1 place is a prefix of 2`);
    }
  }
  assert.is(percent({ covered: 2, total: 3 }), 66.66); // rounding would say 66.67
  assert.is(percent({ covered: 99999, total: 100000 }), 99.99);
  assert.is(percent({ covered: 0, total: 0 }), 100);
  assert.is(formatPercentShort({ covered: 1, total: 2 }, 2), '50');
  assert.is(formatPercent({ covered: 2, total: 3 }, 0), '66');
});

test.run();
