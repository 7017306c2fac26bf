// `@monocov/core/playwright` for real: `monocov run -- npx playwright test` in a workspace whose
// e2e project starts the app with Vite's dev server (Playwright's webServer) and opens it in
// Chromium (Debian's /usr/bin/chromium, no browser download). The e2e project's data must hold the
// app's and the library's sources, counted through the browser.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileCoverageData } from 'istanbul-lib-coverage';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const CHROMIUM = process.env.MONOCOV_CHROMIUM ?? '/usr/bin/chromium';
const REPO = join(__dirname, '..', '..', '..');
const MONOCOV = join(__dirname, '..', 'bin', 'monocov.js');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test('monocov run -- playwright test: the app and library files count in the e2e project, through Chromium', async () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'monocov-playwright-')));
  try {
    cpSync(join(__dirname, 'fixtures', 'browser'), root, { recursive: true });
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
    const port = await freePort();
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'ws', private: true }));
    writeFileSync(join(root, '.coveragerc.json'), JSON.stringify({ run: { source: 'workspace' } }));
    writeFileSync(
      join(root, 'apps/web/vite.config.ts'),
      `export default { esbuild: { jsxFactory: 'h' }, server: { host: '127.0.0.1', port: ${port}, strictPort: true, fs: { allow: ['../..'] } } };\n`,
    );
    const e2e = join(root, 'apps/web-e2e');
    mkdirSync(join(e2e, 'src'), { recursive: true });
    writeFileSync(join(e2e, 'package.json'), JSON.stringify({ name: 'web-e2e', private: true }));
    writeFileSync(
      join(e2e, 'playwright.config.ts'),
      `import { defineConfig } from '@playwright/test';
export default defineConfig({
  testDir: './src',
  use: { baseURL: 'http://127.0.0.1:${port}', launchOptions: { executablePath: ${JSON.stringify(CHROMIUM)}, args: ['--no-sandbox'] } },
  webServer: { command: 'npx vite', cwd: '../web', url: 'http://127.0.0.1:${port}', reuseExistingServer: false },
});
`,
    );
    writeFileSync(
      join(e2e, 'src/app.spec.ts'),
      `import { test, expect } from '@monocov/core/playwright';
test('greets', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('h1')).toHaveText('Hello, world.');
});
`,
    );
    const run = spawnSync(process.execPath, [MONOCOV, 'run', '--', 'npx', 'playwright', 'test'], { cwd: e2e, encoding: 'utf8', env: { ...process.env, CI: '1' } });
    assert.is(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const data = JSON.parse(readFileSync(join(root, 'coverage/projects/apps/web-e2e/coverage-final.json'), 'utf8')) as Record<string, FileCoverageData>;
    assert.equal(Object.keys(data).sort(), ['apps/web/src/greeting.tsx', 'apps/web/src/main.tsx', 'libs/view/src/view.ts']);
    const view = data['libs/view/src/view.ts']!;
    const named = (name: string) => view.f[Object.keys(view.fnMap).find((id) => view.fnMap[id]!.name === name)!];
    assert.is(named('h'), 2, 'h ran for <Greeting> and for its <h1>');
    assert.is(named('render'), 1);
    assert.is(named('unmount'), 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
