// The workspace HTML report in a browser (issue 22): @monocov/core installed from the registry
// measures a small monorepo twice (tools/e2e/report-workspace.ts: a baseline, then a build where
// projects are current, stale, failed, killed, missing, carried forward, not measured and unexpected), and the
// merged report is opened in headless Chromium. The checks read the rendered DOM: every
// project's row against coverage-summary.json (same digits), each state shown, a name made of
// markup shown as text, sorting and filtering, the picture's tiles sized by statements and its
// drill-down into a project's folders and files, and a file page (project named, hit counts,
// uncovered code marked, who-tests tooltips, keyboard navigation); last, a one-package repository's
// report, whose merge expected no projects, for the one state left ("not checked"). MONOCOV_E2E_KEEP
// keeps the folder.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import libCoverage from 'istanbul-lib-coverage';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Browser, type Page } from './chromium';
import { log, registryShell, removeDir, run, runOk, tempDir, writeFiles, type Shell } from './lib';
import { REPORT_PROJECTS, buildReportWorkspace, writeReportWorkspace } from './report-workspace';

let shell: Shell = {};
let dir: string | undefined;
let browser: Browser | undefined;
let page: Page;
let index: string;
let summary: Record<string, libCoverage.CoverageSummaryData>;

const STATE_LABELS: Record<string, string> = {
  current: 'current',
  stale: 'stale',
  missing: 'missing',
  failed: 'failed',
  killed: 'killed',
  'carried-forward': 'carried forward',
  untested: 'not measured',
  unexpected: 'unexpected',
};

test.before(async () => {
  dir = tempDir('report-ui');
  shell = await registryShell();
  const root = join(dir, 'workspace');
  writeReportWorkspace(root);
  runOk(shell, root, 'npm', ['install', '--no-audit', '--no-fund', '--save-dev', '@monocov/core']);
  buildReportWorkspace(root, (cwd, args, status = 0) => {
    const result = run(shell, cwd, 'npx', ['--no-install', 'monocov', ...args]);
    assert.is(result.status, status, result.output);
    return result.output;
  });
  index = pathToFileURL(join(root, 'coverage/workspace/html/index.html')).href;
  summary = JSON.parse(readFileSync(join(root, 'coverage/workspace/coverage-summary.json'), 'utf8'));
  browser = Browser.launch();
  page = await browser.newPage(1280, 800);
});

test.after(() => {
  browser?.close();
  if (dir) removeDir(dir);
});

/** A project's (or folder's) expected cells, from coverage-summary.json: its files' counts summed as istanbul sums its `total`. */
function expectedCells(root: string): string[] {
  const paths = Object.keys(summary).filter((path) => path.startsWith(`${root}/`));
  if (paths.length === 0) return ['–', '–', '–', '–'];
  const sum = libCoverage.createCoverageSummary();
  for (const path of paths) sum.merge(libCoverage.createCoverageSummary(summary[path]!));
  return (['statements', 'branches', 'functions', 'lines'] as const).map((metric) => `${sum[metric].pct}%`);
}

type Row = { project: string; cells: string[]; hidden: boolean };

const ROWS = `[...document.querySelectorAll('tr[data-project]')].map((tr) => ({
  project: tr.dataset.project,
  cells: [...tr.cells].map((td) => td.textContent.trim()),
  hidden: tr.classList.contains('hidden'),
}))`;

test('every project has its row: root, name, state, and the digits of coverage-summary.json', async () => {
  await page.goto(index);
  await page.waitFor(`document.querySelector('tr[data-project]')`);
  const rows = await page.evaluate<Row[]>(ROWS);
  const header = await page.evaluate<string[]>(`[...document.querySelectorAll('table.coverage th')].map((th) => th.textContent.trim())`);
  assert.equal(header, ['Project', 'Name', 'State', 'Files', 'Statements', '±', 'Branches', '±', 'Functions', '±', 'Lines', '±']);
  log(rows.map((row) => row.cells.join(' | ')).join('\n'));

  assert.equal(
    rows.map((row) => row.cells[0]),
    Object.keys(REPORT_PROJECTS).sort(),
  );
  for (const row of rows) {
    const [root, name, state] = row.cells as [string, string, string];
    const expected = REPORT_PROJECTS[root]!;
    assert.is(name, expected.name, `${root}: its name, as text`);
    assert.is(state, STATE_LABELS[expected.state], `${root}: its state`);
    const metrics = [4, 6, 8, 10].map((column) => row.cells[column]);
    assert.equal(metrics, expectedCells(root), `${root}: the same digits as coverage-summary.json`);
  }
  // Every state is shown, each once.
  assert.equal(rows.map((row) => row.cells[2]).sort(), Object.values(STATE_LABELS).sort());

  // The workspace totals: coverage-summary.json's `total`.
  const totals = await page.evaluate<string[]>(`[...document.querySelectorAll('.metric-box .value')].map((el) => el.textContent)`);
  assert.equal(
    totals,
    (['statements', 'branches', 'functions', 'lines'] as const).map((metric) => `${summary.total![metric].pct}%`),
  );

  // Changes against the baseline: strings gained tests, dates' data is the baseline's, gen is new.
  const byRoot = Object.fromEntries(rows.map((row) => [row.cells[0], row.cells]));
  assert.ok(byRoot['libs/strings']![5]!.startsWith('+'), `strings moved up: ${byRoot['libs/strings']}`);
  assert.is(byRoot['libs/dates']![5], '±0.00');
  assert.is(byRoot['tools/gen']![5], 'new');
  assert.is(byRoot['apps/cli']![5], '');
});

test('a name made of markup stays text; the page loads with no error', async () => {
  assert.is(await page.evaluate<number>(`document.querySelectorAll('#app img, #app script').length`), 0);
  assert.is(await page.evaluate<unknown>(`window.__injected`), undefined);
  assert.equal(page.errors, []);
});

test('sorting by a metric puts the worst covered first and projects without data last; filters narrow the rows', async () => {
  await page.evaluate(`[...document.querySelectorAll('th button')].find((b) => b.textContent === 'Statements').click()`);
  let rows = await page.evaluate<Row[]>(ROWS);
  const values = rows.map((row) => row.cells[4]!);
  const measured = values.filter((value) => value !== '–').map((value) => parseFloat(value));
  assert.equal(
    measured,
    [...measured].sort((a, b) => a - b),
    `ascending: ${values}`,
  );
  assert.equal(
    values.slice(measured.length),
    values.slice(measured.length).map(() => '–'),
    `projects without data last: ${values}`,
  );
  assert.is(await page.evaluate<string>(`[...document.querySelectorAll('th')].find((th) => th.textContent === 'Statements').getAttribute('aria-sort')`), 'ascending');

  await page.evaluate(`(() => { const input = document.querySelector('input[type=search]'); input.value = 'MATH'; input.dispatchEvent(new Event('input')); })()`);
  rows = await page.evaluate<Row[]>(ROWS);
  assert.equal(
    rows.filter((row) => !row.hidden).map((row) => row.cells[0]),
    ['libs/math'],
  );
  await page.evaluate(
    `(() => { const input = document.querySelector('input[type=search]'); input.value = ''; input.dispatchEvent(new Event('input')); const select = document.querySelector('select'); select.value = 'missing'; select.dispatchEvent(new Event('change')); })()`,
  );
  rows = await page.evaluate<Row[]>(ROWS);
  assert.equal(
    rows.filter((row) => !row.hidden).map((row) => row.cells[0]),
    ['apps/cli'],
  );
});

interface Tile {
  title: string;
  label: string;
  href: string;
  area: number;
}

const TILES = `[...document.querySelectorAll('.treemap > .tile')].map((tile) => {
  const box = tile.getBoundingClientRect();
  return { title: tile.title, label: (tile.querySelector('.label, .head') || {}).textContent || '', href: tile.getAttribute('href') || '', area: box.width * box.height };
})`;

test('the picture: one tile per project with statements, its area in proportion to them; a click opens its folders and files', async () => {
  await page.goto(`${index}#v=picture`);
  await page.waitFor(`document.querySelector('.treemap .tile')`);
  const tiles = await page.evaluate<Tile[]>(TILES);
  const statements = (root: string) =>
    Object.keys(summary)
      .filter((path) => path.startsWith(`${root}/`))
      .reduce((sum, path) => sum + summary[path]!.statements.total, 0);
  const drawn = Object.keys(REPORT_PROJECTS).filter((root) => statements(root) > 0);
  assert.equal(tiles.map((tile) => tile.title.split('\n')[0]!.split(' (')[0]).sort(), drawn.sort());
  const totalArea = tiles.reduce((sum, tile) => sum + tile.area, 0);
  const totalStatements = drawn.reduce((sum, root) => sum + statements(root), 0);
  for (const tile of tiles) {
    const root = tile.title.split('\n')[0]!.split(' (')[0]!;
    const share = tile.area / totalArea;
    assert.ok(Math.abs(share - statements(root) / totalStatements) < 0.01, `${root}: area share ${share.toFixed(3)} for ${statements(root)}/${totalStatements} statements`);
    assert.match(tile.title, `Statements: ${expectedCells(root)[0]}`);
  }
  // Worst covered first to the eye: the tile's colour follows the metric (reds under 50%).
  const strings = tiles.find((tile) => tile.title.startsWith('libs/strings'))!;
  await page.goto(new URL(strings.href, index).href);
  await page.waitFor(`document.querySelector('.treemap .tile')`);
  const inner = await page.evaluate<string[]>(`[...document.querySelectorAll('.treemap .tile')].map((tile) => tile.title.split('\\n')[0])`);
  assert.equal(inner.sort(), ['format/', 'strings.js', 'title.js'].sort());
  const crumbs = await page.evaluate<string>(`document.querySelector('.crumbs').textContent`);
  assert.match(crumbs, 'libs/strings (@demo/strings)');
  assert.equal(page.errors, []);
});

test("a project's files: folders and files with their digits, each file linked to its page", async () => {
  const row = Object.keys(REPORT_PROJECTS).sort().indexOf('libs/strings');
  await page.goto(`${index}#p=${row}`);
  // The page stamps data-rendered (what the report bench times) once the project's data script has loaded and its rows are drawn.
  await page.waitFor(`document.documentElement.hasAttribute('data-rendered')`);
  assert.ok(await page.evaluate<number>(`document.querySelectorAll('tr[data-kind]').length`), 'rows drawn when data-rendered is stamped');
  const files = await page.evaluate<Array<{ cells: string[]; href: string }>>(
    `[...document.querySelectorAll('tr[data-kind]')].map((tr) => ({ cells: [...tr.cells].map((td) => td.querySelector('.value, a') ? (td.querySelector('.value') || td.querySelector('a')).textContent : td.textContent.trim()), href: tr.querySelector('a').getAttribute('href') }))`,
  );
  assert.equal(
    files.map((file) => file.cells),
    [
      ['format/', ...expectedCells('libs/strings/src/format')],
      ['strings.js', ...(['statements', 'branches', 'functions', 'lines'] as const).map((metric) => `${summary['libs/strings/src/strings.js']![metric].pct}%`)],
    ],
  );
  const filePage = new URL(files[1]!.href, index).href;
  await page.goto(filePage);
  const shown = await page.evaluate<{ project: string; counts: number; uncovered: number; tests: string }>(`({
    project: document.querySelector('.monocov-project').textContent,
    counts: document.querySelectorAll('.cline-any').length,
    uncovered: document.querySelectorAll('.cstat-no, .cbranch-no, .cline-no').length,
    tests: (document.querySelector('.monocov-tests') || {}).title || '',
  })`);
  assert.is(shown.project, 'Project: libs/strings (@demo/strings)');
  assert.ok(shown.counts > 0, 'hit counts');
  assert.ok(shown.uncovered > 0, 'uncovered code marked');
  assert.match(shown.tests, /ran this line:\n.*shout\.test\.js/);
  // Keyboard navigation: n jumps to the first uncovered block.
  await page.press('n');
  assert.is(await page.evaluate<number>(`document.querySelectorAll('.highlighted').length`), 1);
  // The project link leads back to the project's files.
  const back = await page.evaluate<string>(`document.querySelector('.monocov-project a').href`);
  await page.goto(back);
  await page.waitFor(`document.querySelector('tr[data-kind]')`);
  assert.equal(page.errors, []);
});

test('a one-package repository, where the merge expects no projects: its row says its state was not checked', async () => {
  const plain = join(dir!, 'plain');
  writeFiles(plain, {
    'package.json': JSON.stringify({ name: 'plain', private: true, scripts: { test: 'node --test' } }),
    'src/pick.js': `exports.pick = (flag) => (flag ? 'yes' : 'no');\n`,
    'test/pick.test.js': `const { test } = require('node:test');\nconst { pick } = require('../src/pick');\ntest('pick', () => pick(true));\n`,
  });
  const cli = join(dir!, 'workspace/node_modules/@monocov/core/bin/monocov.js');
  runOk(shell, plain, process.execPath, [cli, 'run', '--', process.execPath, '--test']);
  runOk(shell, plain, process.execPath, [cli, 'merge', '--reporter', 'html', '--reporter', 'json-summary']);
  const own: Record<string, libCoverage.CoverageSummaryData> = JSON.parse(readFileSync(join(plain, 'coverage/workspace/coverage-summary.json'), 'utf8'));
  await page.goto(pathToFileURL(join(plain, 'coverage/workspace/html/index.html')).href);
  await page.waitFor(`document.documentElement.hasAttribute('data-rendered')`);
  const rows = await page.evaluate<Row[]>(ROWS);
  assert.equal(
    rows.map((row) => row.cells.slice(0, 3)),
    [['.', 'plain', 'not checked']],
  );
  assert.equal(
    [4, 5, 6, 7].map((column) => rows[0]!.cells[column]),
    (['statements', 'branches', 'functions', 'lines'] as const).map((metric) => `${own.total![metric].pct}%`),
  );
  assert.match(await page.evaluate<string>(`document.querySelector('.state').title`), 'not told which projects to expect');
  assert.equal(page.errors, []);
});

test.run();
