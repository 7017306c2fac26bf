// The workspace HTML report's projects table past its first frame, in headless Chromium: the
// first 100 rows are drawn at once and the rest added after that frame (report/workspace-html,
// assets/html/report.js), so a filter typed or a sort chosen in between must hold for the rows
// added later too. The filter and the sort are applied the moment the table is in the page
// (a MutationObserver, before any later frame), then every row is read once all are there.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Browser } from '../../../tools/e2e/chromium';
import { mergeWorkspace } from '../src/workspace-report';
import { config, coverageOf, makeWorkspace, source, writeProject } from './fixtures/merge/helpers';

const PROJECTS = 150;
const FILTER = '7';
const STATEMENTS = 10;
const roots = Array.from({ length: PROJECTS }, (_, i) => `packages/p${String(i).padStart(3, '0')}`);

const root = makeWorkspace(Object.fromEntries(roots.map((projectRoot) => [`${projectRoot}/src/index.ts`, source(STATEMENTS)])));
let browser: Browser | undefined;
test.after(() => {
  browser?.close();
  rmSync(root, { recursive: true, force: true });
});

// Runs in the page before its own script: once the projects table is in the document, filter it and sort it by Statements.
const FILTER_AND_SORT_AT_FIRST_FRAME = `new MutationObserver((records, observer) => {
  const body = document.querySelector('table.coverage tbody');
  if (!body || body.rows.length === 0) return;
  observer.disconnect();
  window.rowsWhenFiltered = body.rows.length;
  const input = document.querySelector('input[type=search]');
  input.value = ${JSON.stringify(FILTER)};
  input.dispatchEvent(new Event('input'));
  [...document.querySelectorAll('th button')].find((button) => button.textContent === 'Statements').click();
}).observe(document, { childList: true, subtree: true });`;

test(`${PROJECTS} projects: a filter and a sort chosen before the rows past the first 100 are added hold for those rows too`, async () => {
  // Project i covers i % 11 of its statements: 0% to 100%, so the sort reorders the whole table.
  roots.forEach((projectRoot, i) => {
    const hits = Array.from({ length: STATEMENTS }, (_, k) => (k < i % 11 ? 1 : 0));
    writeProject(root, { projectRoot, coverage: coverageOf({ [`${projectRoot}/src/index.ts`]: { s: hits } }) });
  });
  mergeWorkspace({ workspaceRoot: root, config: config({ reporters: ['html'] }) });

  browser = Browser.launch();
  const page = await browser.newPage(1280, 800);
  await page.send('Page.addScriptToEvaluateOnNewDocument', { source: FILTER_AND_SORT_AT_FIRST_FRAME });
  await page.goto(pathToFileURL(join(root, 'coverage/workspace/html/index.html')).href);
  await page.waitFor(`document.querySelectorAll('tr[data-project]').length === ${PROJECTS}`);

  assert.is(await page.evaluate<number>('window.rowsWhenFiltered'), 100, 'filtered and sorted while only the first frame’s rows were made');
  const rows = await page.evaluate<Array<{ root: string; statements: string; hidden: boolean }>>(
    `[...document.querySelectorAll('tr[data-project]')].map((tr) => ({ root: tr.cells[0].textContent, statements: tr.cells[4].textContent, hidden: tr.classList.contains('hidden') }))`,
  );
  assert.equal(rows.map((row) => row.root).sort(), roots, 'every project has one row');
  assert.equal(
    rows
      .filter((row) => !row.hidden)
      .map((row) => row.root)
      .sort(),
    roots.filter((projectRoot) => projectRoot.includes(FILTER)),
    'the rows shown are those the filter matches',
  );
  const late = rows.slice(100);
  assert.ok(late.some((row) => row.hidden) && late.some((row) => !row.hidden), 'rows added after the first frame include rows shown and rows hidden');
  const percents = rows.map((row) => parseFloat(row.statements));
  assert.equal(
    percents,
    [...percents].sort((a, b) => a - b),
    'every row in Statements order, the late ones too',
  );
  assert.is(
    await page.evaluate<string>(`document.querySelector('.count').textContent`),
    `${roots.filter((projectRoot) => projectRoot.includes(FILTER)).length} of ${PROJECTS} projects`,
  );
  assert.equal(page.errors, []);
});

test.run();
