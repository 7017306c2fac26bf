// Playwright e2e tests measured for real: `monocov run -- npx playwright test` in a workspace whose
// e2e project starts the app with Vite's dev server (Playwright's webServer) and opens it in
// Chromium (Debian's /usr/bin/chromium, no browser download). The tests import `test` from
// Playwright itself: monocov's preload (hooks/playwright.cjs) measures the browser, in a CommonJS
// project whose fixtures file extends `playwright/test`'s test and in an ESM one importing
// `@playwright/test`, both with a TypeScript config. The e2e project's data must hold the app's and
// the library's sources, counted through the browser (the page, its dedicated and service workers), with
// ignore hints applied, and be the same bytes from one run to the next.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileCoverageData } from 'istanbul-lib-coverage';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHROMIUM } from '../../../tools/e2e/chromium';
import { freePort } from '../../../tools/e2e/free-port';

const REPO = join(__dirname, '..', '..', '..');
const MONOCOV = join(__dirname, '..', 'bin', 'monocov.js');

/** The fixture app (test/fixtures/browser) with a file of ignore hints its entry runs, and an e2e project of the given files. */
async function workspace(e2eFiles: Record<string, string>): Promise<string> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'monocov-playwright-')));
  cpSync(join(__dirname, 'fixtures', 'browser'), root, { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  const port = await freePort();
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'ws', private: true }));
  writeFileSync(join(root, '.coveragerc.json'), JSON.stringify({ run: { source: 'workspace' } }));
  writeFileSync(
    join(root, 'apps/web/vite.config.ts'),
    `export default { esbuild: { jsxFactory: 'h' }, server: { host: '127.0.0.1', port: ${port}, strictPort: true, fs: { allow: ['../..'] } } };\n`,
  );
  writeFileSync(
    join(root, 'apps/web/src/hints.ts'),
    [
      '/* istanbul ignore next */',
      'export function debugPanel(): string {',
      "  return 'debug';",
      '}',
      '',
      '/* v8 ignore next */',
      'export function traceLog(): string {',
      "  return 'trace';",
      '}',
      '',
      'export function pageTitle(): string {',
      "  return 'web';",
      '}',
      '',
    ].join('\n'),
  );
  // A dedicated module worker, and a module it imports: counted from the worker's start.
  writeFileSync(join(root, 'apps/web/src/worker.ts'), "import { double } from './worker-math';\n\nself.postMessage(double(21));\n");
  writeFileSync(
    join(root, 'apps/web/src/worker-math.ts'),
    'export function double(value: number): number {\n  return value * 2;\n}\n\nexport function triple(value: number): number {\n  return value * 3;\n}\n',
  );
  // A service worker, a module too.
  writeFileSync(
    join(root, 'apps/web/src/service-worker.ts'),
    "export function onInstall(): string {\n  return 'installed';\n}\n\nexport function onFetch(): string {\n  return 'fetched';\n}\n\nself.addEventListener('install', () => onInstall());\n",
  );
  const main = join(root, 'apps/web/src/main.tsx');
  writeFileSync(
    main,
    `import { pageTitle } from './hints';\n${readFileSync(main, 'utf8')}document.title = pageTitle();\n` +
      "const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });\n" +
      "worker.onmessage = (event) => root.setAttribute('data-worker', String(event.data));\n" +
      "navigator.serviceWorker.register(new URL('./service-worker.ts', import.meta.url), { type: 'module' }).then(({ installing }) =>\n" +
      "  installing!.addEventListener('statechange', () => installing!.state === 'activated' && root.setAttribute('data-service-worker', 'on')),\n" +
      ');\n',
  );
  const e2e = join(root, 'apps/web-e2e');
  mkdirSync(join(e2e, 'src'), { recursive: true });
  writeFileSync(
    join(e2e, 'playwright.config.ts'),
    `import { defineConfig } from '@playwright/test';
export default defineConfig({
  testDir: './src',
  use: { baseURL: 'http://127.0.0.1:${port}', launchOptions: { executablePath: ${JSON.stringify(CHROMIUM)}, args: ['--no-sandbox'] } },
  webServer: { command: 'npx vite', cwd: '../web', url: 'http://127.0.0.1:${port}', reuseExistingServer: false, gracefulShutdown: { signal: 'SIGTERM', timeout: 5000 } },
});
`,
  );
  for (const [name, text] of Object.entries(e2eFiles)) writeFileSync(join(e2e, name), text);
  return root;
}

function monocovRun(root: string): void {
  const run = spawnSync(process.execPath, [MONOCOV, 'run', '--', 'npx', 'playwright', 'test'], {
    cwd: join(root, 'apps/web-e2e'),
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
  });
  assert.is(run.status, 0, `${run.stdout}\n${run.stderr}`);
  // gracefulShutdown SIGTERM: Vite's dev server (and the npx before it) exit and write their coverage, not killed.
  assert.not.match(run.stderr, 'process(es) the tests started', run.stderr);
}

const projectDir = (root: string) => join(root, 'coverage/projects/apps/web-e2e');
const projectData = (root: string) => JSON.parse(readFileSync(join(projectDir(root), 'coverage-final.json'), 'utf8')) as Record<string, FileCoverageData>;
const named = (file: FileCoverageData, name: string) => file.f[Object.keys(file.fnMap).find((id) => file.fnMap[id]!.name === name)!];

const greets = (from: string, extra = '') => `import { test, expect } from '${from}';
test('greets', async ({ page${extra} }) => {
  await page.goto('/');
  await expect(page.locator('h1')).toHaveText('Hello, world.');
  await expect(page).toHaveTitle('web');
  await expect(page.locator('#root')).toHaveAttribute('data-worker', '42');
  await expect(page.locator('#root')).toHaveAttribute('data-service-worker', 'on');
});
`;

test('CommonJS project: a fixtures file extends playwright/test; the app and library files count, ignore hints apply', async () => {
  const root = await workspace({
    'package.json': JSON.stringify({ name: 'web-e2e', private: true }),
    'src/fixtures.ts': `import { test as base } from 'playwright/test';
export { expect } from 'playwright/test';
export const test = base.extend<{ greeting: string }>({ greeting: async ({}, use) => use('Hello, world.') });
`,
    'src/app.spec.ts': greets('./fixtures', ', greeting').replace("toHaveText('Hello, world.')", 'toHaveText(greeting)'),
  });
  try {
    monocovRun(root);
    const data = projectData(root);
    assert.equal(Object.keys(data).sort(), [
      'apps/web-e2e/src/fixtures.ts',
      'apps/web/src/greeting.tsx',
      'apps/web/src/hints.ts',
      'apps/web/src/main.tsx',
      'apps/web/src/service-worker.ts',
      'apps/web/src/worker-math.ts',
      'apps/web/src/worker.ts',
      'libs/view/src/view.ts',
    ]);
    const view = data['libs/view/src/view.ts']!;
    assert.is(named(view, 'h'), 2, 'h ran for <Greeting> and for its <h1>');
    assert.is(named(view, 'render'), 1);
    assert.is(named(view, 'unmount'), 0);
    const hints = data['apps/web/src/hints.ts']!;
    assert.equal(
      Object.values(hints.fnMap).map((fn) => fn.name),
      ['pageTitle'],
      'the functions under istanbul and v8 ignore hints are left out',
    );
    assert.is(named(hints, 'pageTitle'), 1);
    assert.equal(Object.keys(hints.s).length, 1);
    const worker = data['apps/web/src/worker.ts']!;
    assert.equal(Object.values(worker.s), [1], "the worker's top-level statement ran once, measured from its start");
    const math = data['apps/web/src/worker-math.ts']!;
    assert.is(named(math, 'double'), 1, 'a module the worker imports');
    assert.is(named(math, 'triple'), 0);
    const serviceWorker = data['apps/web/src/service-worker.ts']!;
    assert.is(named(serviceWorker, 'onInstall'), 1, 'the service worker, measured from its start');
    assert.is(named(serviceWorker, 'onFetch'), 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('ESM project ("type": "module") importing @playwright/test: measured, and two runs write the same bytes', async () => {
  const root = await workspace({ 'package.json': JSON.stringify({ name: 'web-e2e', private: true, type: 'module' }), 'src/app.spec.ts': greets('@playwright/test') });
  try {
    monocovRun(root);
    const files = readdirSync(projectDir(root)).sort();
    const first = files.map((name) => readFileSync(join(projectDir(root), name), 'utf8'));
    const data = projectData(root);
    assert.equal(Object.keys(data).sort(), [
      'apps/web/src/greeting.tsx',
      'apps/web/src/hints.ts',
      'apps/web/src/main.tsx',
      'apps/web/src/service-worker.ts',
      'apps/web/src/worker-math.ts',
      'apps/web/src/worker.ts',
      'libs/view/src/view.ts',
    ]);
    assert.is(named(data['apps/web/src/greeting.tsx']!, 'Greeting'), 1);
    assert.is(named(data['apps/web/src/greeting.tsx']!, 'Farewell'), 0);
    monocovRun(root);
    assert.equal(readdirSync(projectDir(root)).sort(), files);
    for (const [index, name] of files.entries()) assert.fixture(readFileSync(join(projectDir(root), name), 'utf8'), first[index]!, name);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
