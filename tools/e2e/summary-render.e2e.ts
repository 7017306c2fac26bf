// summary.md renders as a table (issue 11): @monocov/core installed from the registry measures a
// package twice (a baseline with one test, then with two), `monocov merge --format markdown
// --baseline` writes the summary, a Markdown renderer (marked, GitHub-flavoured) turns it into
// HTML, and headless Chromium lays the page out. The check reads the rendered DOM: a table whose
// rows hold the project and the total, each cell a percentage with its change, and whose cells
// line up in columns. Needs Chromium (Debian: apt-get install -y chromium); MONOCOV_CHROMIUM names
// another binary. MONOCOV_E2E_KEEP keeps the folder, with page.html and a screenshot.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { marked } from 'marked';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { log, registryShell, removeDir, runOk, tempDir, writeFiles, type Shell } from './lib';

const CHROMIUM = process.env.MONOCOV_CHROMIUM ?? '/usr/bin/chromium';
let shell: Shell;
let dir: string | undefined;
/** The workspace the first test measured; the second renders its merged HTML report. */
let root: string | undefined;

test.after(() => {
  if (dir) removeDir(dir);
});

interface Cell {
  text: string;
  x: number;
  width: number;
}

/** The page: the rendered summary, then a script that writes each table row's cells, as laid out, into #layout. */
function page(summaryHtml: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><style>
body { font: 14px -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px; }
table { border-collapse: collapse; } th, td { border: 1px solid #d0d7de; padding: 6px 13px; }
</style></head><body>
<main>${summaryHtml}</main>
<pre id="layout"></pre>
<script>
const tables = [...document.querySelectorAll('main table')].map((table) =>
  [...table.rows].map((row) => [...row.cells].map((cell) => {
    const box = cell.getBoundingClientRect();
    return { text: cell.textContent.trim(), x: Math.round(box.x), width: Math.round(box.width) };
  })),
);
document.getElementById('layout').textContent = JSON.stringify(tables);
</script></body></html>
`;
}

test('summary.md with per-project deltas renders as a laid-out table in headless Chromium', async () => {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install -y chromium, or set MONOCOV_CHROMIUM`);
  shell = await registryShell();
  dir = tempDir('summary');
  root = join(dir, 'workspace');
  writeFiles(root, {
    'package.json': JSON.stringify({ name: 'summary-ws', private: true, workspaces: ['libs/*'] }, null, 2),
    '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] }, reporters: ['json', 'markdown', 'html'] }, null, 2),
    'libs/strings/package.json': JSON.stringify({ name: 'strings', private: true, scripts: { test: 'node --test' } }, null, 2),
    'libs/strings/src/strings.js': `exports.shout = (text) => text.toUpperCase() + '!';\nexports.whisper = (text) => {\n  return text.toLowerCase();\n};\n`,
    'libs/strings/test/shout.test.js': `const { test } = require('node:test');\nconst assert = require('node:assert');\nconst { shout } = require('../src/strings');\ntest('shout', () => assert.equal(shout('a'), 'A!'));\n`,
  });
  runOk(shell, root, 'npm', ['install', '--no-audit', '--no-fund', '--save-dev', '@monocov/core']);
  const strings = join(root, 'libs/strings');

  runOk(shell, strings, 'npx', ['--no-install', 'monocov', 'run', '--', 'node', '--test']);
  runOk(shell, root, 'npx', ['--no-install', 'monocov', 'merge']);
  cpSync(join(root, 'coverage'), join(dir, 'baseline'), { recursive: true });

  writeFiles(root, {
    'libs/strings/test/whisper.test.js': `const { test } = require('node:test');\nconst assert = require('node:assert');\nconst { whisper } = require('../src/strings');\ntest('whisper', () => assert.equal(whisper('A'), 'a'));\n`,
  });
  runOk(shell, strings, 'npx', ['--no-install', 'monocov', 'run', '--', 'node', '--test']);
  const printed = runOk(shell, root, 'npx', ['--no-install', 'monocov', 'merge', '--format', 'markdown', '--baseline', join(dir, 'baseline')]);
  const summary = readFileSync(join(root, 'coverage/workspace/summary.md'), 'utf8');
  assert.ok(printed.includes(summary), printed);
  log(`summary.md:\n${summary}`);

  const pagePath = join(dir, 'page.html');
  writeFileSync(pagePath, page(marked.parse(summary, { async: false })));
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--window-size=1000,500'];
  const rendered = spawnSync(CHROMIUM, [...flags, '--dump-dom', `file://${pagePath}`], { encoding: 'utf8', timeout: 120_000 });
  assert.is(rendered.status, 0, rendered.stderr);
  spawnSync(CHROMIUM, [...flags, `--screenshot=${join(dir, 'summary.png')}`, `file://${pagePath}`], { timeout: 120_000 });
  const layout = /<pre id="layout">([\s\S]*?)<\/pre>/.exec(rendered.stdout)?.[1];
  assert.ok(layout, `no layout in the rendered page:\n${rendered.stdout.slice(0, 2000)}`);
  const tables = JSON.parse(
    layout!
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>'),
  ) as Cell[][][];

  assert.is(tables.length, 1, 'one table');
  const rows = tables[0]!;
  // Lines went from 2 of 3 (66.66%, truncated as istanbul does) to 3 of 3: +33.34.
  assert.equal(
    rows.map((row) => row.map((cell) => cell.text)),
    [
      ['Project', 'Statements', 'Branches', 'Functions', 'Lines'],
      ['libs/strings', '100.00% (+25.00)', '100.00% (±0.00)', '100.00% (+50.00)', '100.00% (+33.34)'],
      ['Total', '100.00% (+25.00)', '100.00% (±0.00)', '100.00% (+50.00)', '100.00% (+33.34)'],
    ],
  );
  // Laid out as a grid: every row's cells start where the header's do, and have width.
  const columns = rows[0]!.map((cell) => cell.x);
  for (const row of rows) {
    assert.equal(
      row.map((cell) => cell.x),
      columns,
    );
    assert.ok(row.every((cell) => cell.width > 0));
  }
  assert.ok(
    columns.every((x, i) => i === 0 || x > columns[i - 1]!),
    'columns left to right',
  );
});

test("the merged HTML report's projects page opens in headless Chromium and lists the project", () => {
  assert.ok(root, 'the summary test made the workspace');
  const index = join(root!, 'coverage/workspace/html/index.html');
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];
  const rendered = spawnSync(CHROMIUM, [...flags, '--dump-dom', `file://${index}`], { encoding: 'utf8', timeout: 120_000 });
  assert.is(rendered.status, 0, rendered.stderr);
  // The rendered DOM (after the report's own script ran) links the project's files (report-ui.e2e.ts checks the rest).
  assert.match(rendered.stdout, '<a href="#p=0">libs/strings</a>');
});

test.run();
