// The workspace HTML report (report/workspace-html): the projects page's data against
// coverage-summary.json, states and changes, each project's files, file pages naming their
// project, and names kept as data. How the page draws it in a browser: tools/e2e/report-ui.e2e.ts.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import libCoverage from 'istanbul-lib-coverage';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mergeWorkspace } from '../src/workspace-report';
import { scriptSafeJson } from '../src/report/workspace-html/write';
import { config, coverageOf, makeWorkspace, source, writeFiles, writeProject } from './fixtures/merge/helpers';

const roots: string[] = [];
test.after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const HOSTILE = '</script><script>window.pwned=1</script><!--';

function fixture() {
  const root = makeWorkspace({
    'packages/a/src/a.ts': source(6),
    'packages/a/src/lib/deep/x.ts': source(4),
    'packages/b/src/b.ts': source(4),
    'libs/shared/src/s.ts': source(4),
    'packages/untested/package.json': JSON.stringify({ name: 'untested' }),
  });
  roots.push(root);
  writeProject(root, {
    projectRoot: 'packages/a',
    project: 'app-a',
    coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 0, 2, 0], f: [1, 0], b: [[1, 0]] }, 'packages/a/src/lib/deep/x.ts': { s: [1, 1, 0], f: [1] } }),
  });
  writeProject(root, { projectRoot: 'packages/b', project: HOSTILE, coverage: coverageOf({ 'packages/b/src/b.ts': { s: [3, 3, 3, 0], f: [2], b: [[1, 1, 1]] } }) });
  writeProject(root, { projectRoot: 'libs/shared', project: 'shared', coverage: coverageOf({ 'libs/shared/src/s.ts': { s: [0, 5, 0, 0], f: [0], b: [[2, 0]] } }) });
  return root;
}

interface PageData {
  generated: string;
  baseline: string | null;
  total: { metrics: Array<[number, number, number]>; change: Array<[number, string]> | null; files: number };
  projects: Array<{
    root: string | null;
    name: string | null;
    state: string | null;
    reasons: string[];
    files: number;
    metrics: Array<[number, number, number]> | null;
    change: unknown;
    tree: string | null;
  }>;
}

/** The JSON embedded in index.html, as the page's script reads it. */
function pageData(html: string): PageData {
  const json = /<script type="application\/json" id="monocov-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  assert.ok(json, 'index.html embeds its data');
  return JSON.parse(json!) as PageData;
}

interface TreeNode {
  name: string;
  metrics: Array<[number, number, number]>;
  children?: TreeNode[];
  page?: string;
}

/** Runs a project's data script as the page does, returning the tree it hands over. */
function projectTree(htmlDir: string, script: string): { index: number; tree: TreeNode } {
  let handed: { index: number; tree: TreeNode } | undefined;
  // Through JSON: objects made in the script's own realm would never deep-equal this realm's.
  runInNewContext(readFileSync(join(htmlDir, script), 'utf8'), { monocovProject: (index: number, tree: TreeNode) => (handed = { index, tree: JSON.parse(JSON.stringify(tree)) }) });
  assert.ok(handed, `${script} calls monocovProject`);
  return handed!;
}

function filesOf(node: TreeNode, prefix = ''): Array<{ path: string; page?: string; metrics: TreeNode['metrics'] }> {
  if (!node.children) return [{ path: prefix, page: node.page, metrics: node.metrics }];
  return node.children.flatMap((child) => filesOf(child, prefix === '' ? child.name : `${prefix}/${child.name}`));
}

/** Percentages as istanbul sums files for coverage-summary.json's `total` (its `percent`): the reference for every project row. */
function summaryOf(summary: Record<string, libCoverage.CoverageSummaryData>, paths: string[]): Array<[number, number, number]> {
  const sum = libCoverage.createCoverageSummary();
  for (const path of paths) sum.merge(libCoverage.createCoverageSummary(summary[path]!));
  return (['statements', 'branches', 'functions', 'lines'] as const).map((metric) => [sum[metric].covered, sum[metric].total, sum[metric].pct]);
}

test("one row per project, with coverage-summary.json's digits, its state, and its files a click away", () => {
  const root = fixture();
  mergeWorkspace({
    workspaceRoot: root,
    config: config({ reporters: ['json-summary', 'html'] }),
    expected: [
      { project: 'app-a', projectRoot: 'packages/a' },
      { project: HOSTILE, projectRoot: 'packages/b' },
      { project: 'gone', projectRoot: 'packages/gone' },
      { project: 'untested', projectRoot: 'packages/untested', untested: 'no test script or target' },
    ],
  });
  const out = join(root, 'coverage/workspace');
  const html = join(out, 'html');
  const summary = JSON.parse(readFileSync(join(out, 'coverage-summary.json'), 'utf8'));
  const data = pageData(readFileSync(join(html, 'index.html'), 'utf8'));

  // The fixture's data records a placeholder config hash: stale.
  assert.equal(
    data.projects.map((row) => [row.root, row.name, row.state, row.files]),
    [
      ['libs/shared', 'shared', 'unexpected', 1],
      ['packages/a', 'app-a', 'stale', 2],
      ['packages/b', HOSTILE, 'stale', 1],
      ['packages/gone', 'gone', 'missing', 0],
      ['packages/untested', 'untested', 'untested', 0],
    ],
  );
  assert.equal(data.projects[4]!.reasons, ['no test script or target']);
  const total = summary.total as libCoverage.CoverageSummaryData;
  assert.equal(
    data.total.metrics,
    [total.statements, total.branches, total.functions, total.lines].map((m) => [m.covered, m.total, m.pct]),
  );
  assert.is(data.total.files, 4);

  for (const [index, row] of data.projects.entries()) {
    if (row.files === 0) {
      assert.is(row.metrics, null);
      assert.is(row.tree, null);
      continue;
    }
    const { index: handedIndex, tree } = projectTree(html, row.tree!);
    assert.is(handedIndex, index, 'a data script is named by its row');
    const files = filesOf(tree).map((file) => ({ ...file, path: `${tree.name}/${file.path}` }));
    const paths = Object.keys(summary).filter((path) => path.startsWith(`${row.root}/`));
    assert.equal(files.map((file) => file.path).sort(), paths.sort(), `${row.root}: its files`);
    assert.equal(row.metrics, summaryOf(summary, paths), `${row.root}: same digits as coverage-summary.json`);
    for (const file of files) {
      assert.equal(file.metrics, summaryOf(summary, [file.path]), `${file.path}: same digits`);
      assert.ok(file.page && existsSync(join(html, file.page)), `${file.path}: its page exists`);
    }
  }
  // Folders holding one folder each are one step: packages/a/src → lib/deep → x.ts.
  const a = projectTree(html, data.projects[1]!.tree!).tree;
  assert.equal([a.name, a.children!.map((child) => child.name)], ['packages/a/src', ['lib/deep', 'a.ts']]);
});

test('file pages name their project and link to it; names stay text in every file the report writes', () => {
  const root = fixture();
  mergeWorkspace({ workspaceRoot: root, config: config({ reporters: ['html'] }) });
  const html = join(root, 'coverage/workspace/html');
  const index = readFileSync(join(html, 'index.html'), 'utf8');
  assert.not.match(index, '</script><script>', 'a name cannot end the data element');
  assert.equal(pageData(index).projects.find((row) => row.root === 'packages/b')!.name, HOSTILE);
  // Without expected projects, no state was checked.
  assert.equal(
    pageData(index).projects.map((row) => row.state),
    [null, null, null],
  );

  const page = readFileSync(join(html, 'packages/b/src/b.ts.html'), 'utf8');
  assert.match(
    page,
    '<p class="monocov-project">Project: <a href="../../../index.html#p=2">packages/b (&lt;/script&gt;&lt;script&gt;window.pwned=1&lt;/script&gt;&lt;!--)</a></p>',
  );
  assert.match(readFileSync(join(html, 'packages/a/src/lib/deep/x.ts.html'), 'utf8'), '<a href="../../../../../index.html#p=1">packages/a (app-a)</a>');
  for (const script of readdirSync(join(html, 'monocov/data'))) assert.not.match(readFileSync(join(html, 'monocov/data', script), 'utf8'), /[<>]/);
  assert.ok(existsSync(join(html, 'monocov/report.js')) && existsSync(join(html, 'monocov/report.css')), 'the page script and style are shipped beside it');
});

test('each project shows its change against a baseline; a project the baseline lacks is new', () => {
  const root = fixture();
  const cfg = config({ reporters: ['json', 'html'] });
  mergeWorkspace({ workspaceRoot: root, config: cfg, outputDir: 'before' });
  writeFiles(root, { 'packages/c/src/c.ts': source(2) });
  writeProject(root, {
    projectRoot: 'packages/a',
    project: 'app-a',
    coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 1, 2, 0], f: [1, 1], b: [[1, 0]] }, 'packages/a/src/lib/deep/x.ts': { s: [1, 1, 0], f: [1] } }),
  });
  writeProject(root, { projectRoot: 'packages/c', coverage: coverageOf({ 'packages/c/src/c.ts': { s: [1, 0] } }) });
  mergeWorkspace({ workspaceRoot: root, config: cfg, baseline: { path: 'before' } });
  const data = pageData(readFileSync(join(root, 'coverage/workspace/html/index.html'), 'utf8'));
  assert.is(data.baseline, 'before');
  const change = (projectRoot: string) => data.projects.find((row) => row.root === projectRoot)!.change;
  // a: statements 4/7 → 5/7 (57.14% → 71.42%), functions 2/3 → 3/3 (66.66% → 100%): the Markdown summary's points.
  assert.equal(change('packages/a'), [
    [14.28, '+14.28'],
    [0, '±0.00'],
    [33.34, '+33.34'],
    [14.28, '+14.28'],
  ]);
  assert.equal(change('packages/b'), [
    [0, '±0.00'],
    [0, '±0.00'],
    [0, '±0.00'],
    [0, '±0.00'],
  ]);
  assert.is(change('packages/c'), 'new');
  assert.ok(data.total.change, 'the totals change too');
});

test('scriptSafeJson: nothing in a string can end a script element or open a comment', () => {
  const value = { name: '</script><!-- & \u2028\u2029 >' };
  const text = scriptSafeJson(value);
  assert.not.match(text, /[<>&\u2028\u2029]/);
  assert.equal(JSON.parse(text), value);
});

test.run();
