// The workspace HTML report opened in headless Chromium (tools/e2e/chromium.ts), for the report
// bench (npm run bench -- --suites report): each view loaded afresh `--loads` times after a round
// not counted, the views in an order rotated from one round to the next, the browser's cache off.
// Per load: the time until the page stamps `data-rendered` (its own clock, from the start of the
// navigation to the frame that shows the view, a project's data script included), the CPU time of
// the page's main thread over the load, and every file the page requested, whose sizes on disk are
// its weight.
//
// Usage: node --import tsx tools/bench/report-page.ts <html folder> --out <results.json> [--loads 7] [--project <row>]
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Browser, CHROMIUM, type Page } from '../e2e/chromium';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, loads: { type: 'string', default: '7' }, project: { type: 'string' } },
});
const [htmlDir] = positionals;
if (!htmlDir || !values.out) throw new Error('usage: report-page.ts <html folder> --out <results.json> [--loads N] [--project <row>]');
const loads = Number(values.loads);
if (!Number.isInteger(loads) || loads < 1) throw new Error(`--loads must be a whole number ≥ 1, got ${values.loads}`);

const index = pathToFileURL(join(htmlDir, 'index.html')).href;
// The rows the page shows, from the data it embeds: the project to open is one with files, the middle one unless named.
const embedded = /<script type="application\/json" id="monocov-data">(.*?)<\/script>/s.exec(readFileSync(join(htmlDir, 'index.html'), 'utf8'));
if (!embedded) throw new Error(`${join(htmlDir, 'index.html')} holds no monocov-data script: not a monocov workspace report`);
const rows: Array<{ tree: string | null }> = JSON.parse(embedded[1]!).projects;
const withFiles = rows.flatMap((row, i) => (row.tree === null ? [] : [i]));
const project = values.project === undefined ? withFiles[Math.floor(withFiles.length / 2)] : Number(values.project);
if (project === undefined || rows[project]?.tree == null) throw new Error(`no project with files at row ${values.project ?? '(middle)'} of ${rows.length}`);

interface View {
  name: string;
  hash: string;
  /** What the view drew: a check that it is the whole view. */
  drawn: string;
  /** True once the view has every row: the projects table adds those beyond its first screen after its first frame. */
  complete?: string;
}

const VIEWS: View[] = [
  {
    name: 'projects (the landing page)',
    hash: '',
    drawn: `document.querySelectorAll('tr[data-project]').length + ' project rows'`,
    complete: `document.querySelectorAll('tr[data-project]').length === ${rows.length}`,
  },
  { name: 'picture of the workspace', hash: '#v=picture', drawn: `document.querySelectorAll('.treemap > .tile').length + ' project tiles'` },
  { name: "a project's files", hash: `#p=${project}`, drawn: `document.querySelectorAll('tr[data-kind]').length + ' folder and file rows'` },
  { name: "a project's picture", hash: `#v=picture&p=${project}`, drawn: `document.querySelectorAll('.treemap .tile').length + ' folder and file tiles'` },
];

interface Load {
  ms: number;
  /** When the frame after the view got its last row was done; at most a poll later than that (the page does not stamp it). */
  completeMs: number;
  threadMs: number;
  files: string[];
}

/** The renderer's main-thread CPU time, in ms (DevTools' Performance metric ThreadTime, in seconds). */
async function threadTime(page: Page): Promise<number> {
  const { metrics } = await page.send('Performance.getMetrics');
  const value = metrics.find((metric: { name: string }) => metric.name === 'ThreadTime')?.value;
  return typeof value === 'number' ? value * 1000 : NaN;
}

async function load(page: Page, view: View, requested: Set<string>): Promise<Load & { drawn: string }> {
  await page.goto('about:blank');
  requested.clear();
  const before = await threadTime(page);
  await page.goto(`${index}${view.hash}`);
  await page.waitFor(`document.documentElement.hasAttribute('data-rendered')`);
  const ms = Number(await page.evaluate<string>(`document.documentElement.getAttribute('data-rendered')`));
  const completeMs = await page.evaluate<number>(`new Promise((resolve) => {
    const frameDone = () => requestAnimationFrame(() => setTimeout(() => resolve(Math.round(performance.now()))));
    const check = () => (${view.complete ?? 'true'} ? frameDone() : setTimeout(check, 5));
    check();
  })`);
  // A negative difference would mean another renderer process took the page: no figure rather than a wrong one.
  const spent = (await threadTime(page)) - before;
  const threadMs = spent >= 0 ? spent : NaN;
  const drawn = await page.evaluate<string>(view.drawn);
  return { ms, completeMs, threadMs, files: [...requested], drawn };
}

async function main(): Promise<void> {
  const browser = Browser.launch();
  try {
    const page = await browser.newPage(1280, 800);
    const requested = new Set<string>();
    browser.onEvent((message) => {
      if (message.method === 'Network.requestWillBeSent' && !message.params.request.url.startsWith('about:')) requested.add(message.params.request.url.split('#')[0]);
    });
    await page.send('Network.enable');
    await page.send('Network.setCacheDisabled', { cacheDisabled: true });
    await page.send('Performance.enable');
    const { product } = await browser.send('Browser.getVersion');
    const results = new Map(VIEWS.map((view) => [view, [] as Load[]]));
    const drawn = new Map<View, string>();
    // One round not counted: the browser's own first navigations (its renderer starting) are not the page's cost.
    for (const view of VIEWS) await load(page, view, requested);
    for (let round = 0; round < loads; round++) {
      for (const view of [...VIEWS.slice(round % VIEWS.length), ...VIEWS.slice(0, round % VIEWS.length)]) {
        const result = await load(page, view, requested);
        results.get(view)!.push(result);
        drawn.set(view, result.drawn);
        process.stderr.write(
          `[report] ${round + 1}/${loads} ${view.name.padEnd(28)} drawn ${String(result.ms).padStart(6)} ms, complete ${String(result.completeMs).padStart(6)} ms, main thread ${result.threadMs.toFixed(0).padStart(6)} ms CPU\n`,
        );
      }
    }
    if (page.errors.length > 0) throw new Error(`the page reported errors:\n${page.errors.join('\n')}`);
    const views = VIEWS.map((view) => {
      const samples = results.get(view)!;
      const urls = [...new Set(samples.flatMap((sample) => sample.files))].sort();
      const outside = urls.filter((url) => !url.startsWith('file:'));
      if (outside.length > 0) throw new Error(`${view.name}: the page requested something not in the report folder: ${outside.join(', ')}`);
      const files = urls.map((url) => {
        const path = fileURLToPath(url);
        return { path: relative(htmlDir, path), bytes: statSync(path).size };
      });
      return {
        name: view.name,
        hash: view.hash,
        ms: samples.map((sample) => sample.ms),
        completeMs: samples.map((sample) => sample.completeMs),
        threadMs: samples.map((sample) => Math.round(sample.threadMs)),
        files,
        bytes: files.reduce((sum, file) => sum + file.bytes, 0),
        drawn: drawn.get(view),
      };
    });
    writeFileSync(values.out!, `${JSON.stringify({ chromium: `${product} (${CHROMIUM})`, index, project, views }, null, 2)}\n`);
  } finally {
    browser.close();
  }
}

main().catch((error) => {
  process.stderr.write(`report-page: ${error.stack ?? error}\n`);
  process.exitCode = 1;
});
