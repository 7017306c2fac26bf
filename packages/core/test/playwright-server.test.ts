// The app's own server under a Playwright run: `monocov run -- npx playwright test` in an e2e
// project whose webServer is a small Node HTTP server (Chromium from Debian, through
// tools/e2e/chromium.ts, no browser download). The server inherits NODE_V8_COVERAGE from the run,
// and Node writes its coverage only when it exits: with `gracefulShutdown: { signal: 'SIGTERM' }`
// and a server that exits on SIGTERM, its source lines count in the e2e project's data; killed
// (Playwright's default SIGKILL, or a SIGTERM it does not handle), its hits are missing and the
// run names it with the fix. The spec imports @playwright/test: the server's coverage needs no
// browser collection.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CoverageMapData, FileCoverageData } from 'istanbul-lib-coverage';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHROMIUM } from '../../../tools/e2e/chromium';
import { freePort } from '../../../tools/e2e/free-port';

const REPO = join(__dirname, '..', '..', '..');
const MONOCOV = join(__dirname, '..', 'bin', 'monocov.js');

function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), contents);
  }
}

const SERVER = [
  "const { createServer } = require('node:http');",
  "const { render } = require('./render');",
  '',
  'const server = createServer((request, response) => {',
  "  response.setHeader('content-type', 'text/html');",
  '  response.end(render(request.url));',
  '});',
  "server.listen(Number(process.env.PORT), '127.0.0.1');",
  "if (process.env.EXIT_ON_SIGTERM === '1') {",
  "  process.on('SIGTERM', () => process.exit(0));",
  '}',
  '',
].join('\n');

const RENDER = [
  'exports.render = function render(url) {',
  "  if (url === '/about') {",
  "    return '<h1>About</h1>';",
  '  }',
  "  if (url === '/') {",
  "    return '<h1>Home</h1>';",
  '  }',
  "  return '<h1>Not found</h1>';",
  '};',
  '',
].join('\n');

const SPEC = `import { expect, test } from '@playwright/test';

test('home and about', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('h1')).toHaveText('Home');
  await page.goto('/about');
  await expect(page.locator('h1')).toHaveText('About');
});
`;

/** One e2e run under monocov against the server; `shutdown` is the webServer's gracefulShutdown, if any. */
async function runWithServer(options: { shutdown: string | undefined; exitOnSigterm: boolean }) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'monocov-pw-server-')));
  try {
    const port = await freePort();
    writeFiles(root, {
      'package.json': JSON.stringify({ name: 'ws', private: true }),
      '.coveragerc.json': JSON.stringify({ run: { source: 'workspace' } }),
      'apps/server/package.json': JSON.stringify({ name: 'server', private: true }),
      'apps/server/src/server.js': SERVER,
      'apps/server/src/render.js': RENDER,
      'apps/web-e2e/package.json': JSON.stringify({ name: 'web-e2e', private: true }),
      'apps/web-e2e/src/pages.spec.ts': SPEC,
      'apps/web-e2e/playwright.config.ts': `import { defineConfig } from '@playwright/test';
export default defineConfig({
  testDir: './src',
  use: { baseURL: 'http://127.0.0.1:${port}', launchOptions: { executablePath: ${JSON.stringify(CHROMIUM)}, args: ['--no-sandbox'] } },
  webServer: {
    command: 'node src/server.js',
    cwd: '../server',
    env: { PORT: '${port}', EXIT_ON_SIGTERM: '${options.exitOnSigterm ? '1' : '0'}' },
    url: 'http://127.0.0.1:${port}/ready',
    reuseExistingServer: false,${options.shutdown === undefined ? '' : `\n    gracefulShutdown: ${options.shutdown},`}
  },
});
`,
    });
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
    const run = spawnSync(process.execPath, [MONOCOV, 'run', '--', 'npx', 'playwright', 'test'], {
      cwd: join(root, 'apps/web-e2e'),
      encoding: 'utf8',
      env: { ...process.env, CI: '1' },
      timeout: 240_000,
    });
    assert.is(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const data = JSON.parse(readFileSync(join(root, 'coverage/projects/apps/web-e2e/coverage-final.json'), 'utf8')) as CoverageMapData;
    return { data, stderr: run.stderr };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The hits of the statement that starts on `line`. */
function statementAt(file: FileCoverageData, line: number): number {
  const id = Object.keys(file.statementMap).find((key) => file.statementMap[key]!.start.line === line);
  assert.ok(id, `a statement on line ${line}`);
  return file.s[id!]!;
}

const LOST = 'process(es) the tests started ended without writing their coverage';

test("webServer.gracefulShutdown SIGTERM, a server that exits on it: the server's source lines count in the e2e project's data", async () => {
  const { data, stderr } = await runWithServer({ shutdown: "{ signal: 'SIGTERM', timeout: 10_000 }", exitOnSigterm: true });
  assert.equal(Object.keys(data).sort(), ['apps/server/src/render.js', 'apps/server/src/server.js']);
  const render = data['apps/server/src/render.js']!;
  assert.is(statementAt(render, 3), 1, "'/about' was asked for once, by the spec");
  assert.is(statementAt(render, 6), 1, "'/' once, by the spec");
  assert.ok(statementAt(render, 8) >= 1, 'the readiness URL (and the favicon) are not found');
  const server = data['apps/server/src/server.js']!;
  assert.is(statementAt(server, 8), 1, 'the server started once and listened');
  assert.is(statementAt(server, 10), 1, 'and exited on SIGTERM');
  assert.not.match(stderr, 'process(es) the tests started', 'no process lost nor left running');
});

test('without gracefulShutdown Playwright kills the server with SIGKILL: no server data, and the run names the process and the fix', async () => {
  const { data, stderr } = await runWithServer({ shutdown: undefined, exitOnSigterm: true });
  assert.equal(Object.keys(data), [], 'nothing of the server was written');
  const warning = stderr.split('\n').find((line) => line.includes(LOST));
  assert.ok(warning, stderr);
  assert.match(warning!, /^monocov: warning: 1 process\(es\) the tests started ended without writing their coverage \(pid \d+: ".*\/apps\/server\/src\/server\.js"\)/);
  assert.match(
    warning!,
    "(a Playwright webServer: set webServer.gracefulShutdown: { signal: 'SIGTERM', timeout: 5000 }, Playwright 1.50 and later, and let the server exit on SIGTERM;",
  );
});

test('gracefulShutdown SIGTERM to a server that does not handle it: Node dies without writing, and the run says so', async () => {
  const { data, stderr } = await runWithServer({ shutdown: "{ signal: 'SIGTERM', timeout: 10_000 }", exitOnSigterm: false });
  assert.equal(Object.keys(data), []);
  assert.match(stderr, /warning: 1 process\(es\) the tests started ended without writing their coverage \(pid \d+: ".*\/apps\/server\/src\/server\.js"\)/);
});

test.run();
