import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { marked } from 'marked';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatChange, formatMarkdownSummary } from '../src/report/markdown';
import { coverageOf, makeWorkspace, source, writeProject, runCli as monocov } from './fixtures/merge/helpers';

// The markdown reporter (issue 11): summary.md, a per-project table with totals and, against a
// baseline, the change per project; rendered by a Markdown renderer to prove it is a table.

const roots: string[] = [];
test.after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** Projects a, b (named @ws/b) and c; `hits` gives each project's statement hits (4 statements each). */
function workspace(hits: Record<string, number[]>): string {
  const root = makeWorkspace({
    'nx.json': '{}',
    '.coveragerc.json': JSON.stringify({ reporters: ['json', 'markdown'] }),
    'packages/a/src/a.ts': source(4),
    'packages/b/src/b.ts': source(4),
    'packages/c/src/c.ts': source(4),
    'packages/d/src/d.ts': source(4),
  });
  roots.push(root);
  writeData(root, hits);
  return root;
}

function writeData(root: string, hits: Record<string, number[]>): void {
  rmSync(join(root, 'coverage/projects'), { recursive: true, force: true });
  for (const [name, s] of Object.entries(hits)) {
    writeProject(root, {
      projectRoot: `packages/${name}`,
      project: name === 'b' ? '@ws/b' : name,
      coverage: coverageOf({ [`packages/${name}/src/${name}.ts`]: { s, f: [s[0]!], b: [[s[0]!, s[1]!]] } }),
    });
  }
}

/** Rows of the rendered HTML tables, cell texts with tags removed. */
function renderedRows(markdown: string): string[][] {
  const html = marked.parse(markdown, { async: false });
  return [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, '')));
}

test('summary without a baseline: one row per project and a bold total', () => {
  const root = workspace({ a: [1, 1, 0, 0], b: [1, 1, 1, 1] });
  const summary = formatMarkdownSummary({
    coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 1, 0, 0] }, 'packages/b/src/b.ts': { s: [1, 1, 1, 1] } }),
    projects: [
      { projectRoot: 'packages/a', project: 'a' },
      { projectRoot: 'packages/b', project: '@ws/b' },
    ],
    precision: 2,
  });
  roots.push(root);
  assert.fixture(
    summary,
    [
      '### Coverage',
      '',
      '| Project | Statements | Branches | Functions | Lines |',
      '| :-- | --: | --: | --: | --: |',
      '| `packages/a` | 50.00% | 100.00% | 100.00% | 50.00% |',
      '| `packages/b (@ws/b)` | 100.00% | 100.00% | 100.00% | 100.00% |',
      '| **Total** | **75.00%** | **100.00%** | **100.00%** | **75.00%** |',
      '',
    ].join('\n'),
  );
});

test('changes are shown in points; none is ±0, and the sign never rounds away', () => {
  assert.is(formatChange(1.254, 2), '+1.25');
  assert.is(formatChange(-0.5, 1), '-0.5');
  assert.is(formatChange(0.0004, 2), '±0.00');
  assert.is(formatChange(-0.0004, 2), '±0.00');
});

test('monocov report --format markdown --baseline <data dir>: per-project deltas, unchanged folded, new and gone named; renders as a table', async () => {
  const root = workspace({ a: [1, 0, 0, 0], b: [1, 1, 0, 0], c: [1, 1, 1, 1] });
  assert.is((await monocov(root, ['merge'])).status, 0);
  cpSync(join(root, 'coverage'), join(root, 'baseline'), { recursive: true });
  // Now: a improved, b dropped, c is gone, d is new.
  writeData(root, { a: [1, 1, 1, 0], b: [1, 0, 0, 0], d: [1, 1, 0, 0] });
  const result = await monocov(root, ['merge', '--format', 'markdown', '--baseline', 'baseline']);
  assert.is(result.status, 0, result.stderr);
  const written = readFileSync(join(root, 'coverage/workspace/summary.md'), 'utf8');
  assert.is(result.stdout, written);
  assert.match(result.stderr, 'coverage/workspace/summary.md');
  assert.match(written, 'Changes in percentage points against `baseline`.');
  assert.match(written, 'Gone since the baseline: `packages/c`.');

  const rows = renderedRows(written);
  assert.equal(rows[0], ['Project', 'Statements', 'Branches', 'Functions', 'Lines']);
  assert.equal(rows.slice(1), [
    ['packages/a', '75.00% (+50.00)', '100.00% (+50.00)', '100.00% (±0.00)', '75.00% (+50.00)'],
    ['packages/b (@ws/b)', '25.00% (-25.00)', '50.00% (-50.00)', '100.00% (±0.00)', '25.00% (-25.00)'],
    ['packages/d (new)', '50.00%', '100.00%', '100.00%', '50.00%'],
    ['Total', '50.00% (-8.33)', '83.33% (±0.00)', '100.00% (±0.00)', '50.00% (-8.33)'],
  ]);
});

test('projects whose numbers did not move fold into a <details> block that still renders as a table', async () => {
  const root = workspace({ a: [1, 0, 0, 0], b: [1, 1, 0, 0] });
  assert.is((await monocov(root, ['merge'])).status, 0);
  cpSync(join(root, 'coverage'), join(root, 'baseline'), { recursive: true });
  writeData(root, { a: [1, 1, 0, 0], b: [1, 1, 0, 0] });
  assert.is((await monocov(root, ['merge', '--reporter', 'json'])).status, 0);
  // `report` rewrites the reports of the stored merged data.
  const result = await monocov(root, ['report', '--format', 'markdown', '--baseline', 'baseline/workspace/coverage-final.json']);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, '<details><summary>1 project(s) unchanged</summary>');
  const html = marked.parse(result.stdout, { async: false });
  assert.is(html.match(/<table>/g)!.length, 2, html);
  assert.ok(renderedRows(result.stdout).some((row) => row[0] === 'packages/b (@ws/b)' && row[4] === '50.00% (±0.00)'));
});

test('--baseline-ref reads the merged data committed at a git ref', async () => {
  const root = workspace({ a: [1, 0, 0, 0] });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: root, stdio: 'pipe' });
  assert.is((await monocov(root, ['merge'])).status, 0);
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'baseline');
  git('tag', 'v1');
  writeData(root, { a: [1, 1, 0, 0] });
  const result = await monocov(root, ['merge', '--format', 'markdown', '--baseline-ref', 'v1']);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, '| `packages/a` | 50.00% (+25.00) |');
  assert.match(result.stdout, 'against `v1`');

  const missing = await monocov(root, ['merge', '--baseline-ref', 'no-such-ref']);
  assert.is(missing.status, 4);
  assert.match(missing.stderr, 'baseline no-such-ref: coverage/workspace/coverage-final.json cannot be read from git');
});

test('--baseline and --baseline-ref together: a configuration error naming both, before anything is merged or written', async () => {
  const root = workspace({ a: [1, 0, 0, 0] });
  for (const command of ['merge', 'report']) {
    const result = await monocov(root, [command, '--baseline', 'coverage', '--baseline-ref', 'main']);
    assert.is(result.status, 3, result.stderr);
    assert.match(result.stderr, `monocov ${command}: --baseline and --baseline-ref both name a baseline; give one\n`);
    assert.is(result.stdout, '');
    assert.not.ok(existsSync(join(root, 'coverage/workspace')), `${command} wrote no report`);
  }
});

test('the summary names projects without current data and missed thresholds', async () => {
  const root = workspace({ a: [1, 0, 0, 0] });
  const result = await monocov(root, ['merge', '--format', 'markdown', '--expect', 'packages/a', '--expect', 'packages/b', '--fail-under', '50']);
  assert.is(result.status, 2, result.stderr);
  // The fixture's meta.json records a made-up config hash: packages/a's data is stale.
  assert.match(result.stdout, '**Without current data:** `packages/a` (stale data), `packages/b` (no data).');
  assert.match(result.stdout, '**Threshold missed:** statements 25% \\< 50% (workspace total)');
  assert.match(marked.parse(result.stdout, { async: false }), 'statements 25% &lt; 50%');
});

test.run();
