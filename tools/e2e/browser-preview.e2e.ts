// Issue 20 in a workspace laid out like TanStack Router's (tried there: e2e/react-router/basic):
// pnpm, Nx over package.json scripts with no Nx plugin of its own, an e2e app whose `test:e2e`
// script runs Playwright 1.61 against a production build (`webServer: pnpm build && pnpm preview`,
// so a bundle served by `vite preview`, Vite 8), and a library the app imports through its built
// `dist/` with its own Vitest unit tests. Chromium is Debian's (`launchOptions.executablePath`).
// Without `build.sourcemap` the run must name the bundle and the fix; with it, the app's files
// count with the numbers a vite-plugin-istanbul build gives under the same test, and the library's
// `dist/` that the bundle's map names is left out (maps are not chained: docs/browser.md#built-bundles).
import { join } from 'node:path';
import { createCoverageMap, type CoverageMapData } from 'istanbul-lib-coverage';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHROMIUM } from './chromium';
import { freePort } from './free-port';
import { differencesFromIstanbul, fnHits, ISTANBUL_FIXTURES } from './vite-istanbul';
import { installedWorkspace, log, ourVersion, readJson, removeDir, run, writeFiles, type InstalledWorkspace } from './lib';

const VITEST = '4.1.12';
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const APP = 'e2e/react-basic';
const APP_FILES = [`${APP}/src/app.tsx`, `${APP}/src/main.tsx`];

const APP_SOURCE = [
  "import { useState } from 'react';",
  "import { greet, shout } from '@demo/greet';",
  '',
  'export function App() {',
  '  const [paid, setPaid] = useState(false);',
  '  if (paid) {',
  '    return <Checkout items={3} />;',
  '  }',
  "  return <button onClick={() => setPaid(true)}>{greet('Ann')}</button>;",
  '}',
  '',
  'function Checkout({ items }: { items: number }) {',
  "  const summary = items > 1 ? `${items} items` : 'one item';",
  '  return <h1>{shout(summary)}</h1>;',
  '}',
  '',
  'export function Receipt() {',
  '  return <p>Thank you</p>;',
  '}',
  '',
].join('\n');

/** The app's Vite config: a production build as TanStack's e2e apps have it, with or without its maps; `istanbul` is the reference build. */
const viteConfig = (sourcemap: boolean, istanbul = false) => `import { defineConfig } from 'vite';
${istanbul ? "import istanbul from 'vite-plugin-istanbul';\n" : ''}
export default defineConfig({
  esbuild: { jsx: 'automatic' },
${sourcemap ? '  build: { sourcemap: true },\n' : ''}${istanbul ? "  plugins: [istanbul({ cwd: '../..', include: ['e2e/react-basic/src/**'], extension: ['.ts', '.tsx'], requireEnv: false, forceBuildInstrument: true })],\n" : ''}});
`;

/** TanStack's webServer: build, then serve the bundle; gracefulShutdown is the one setting monocov's docs add. */
const playwrightConfig = (port: number, build: string) => `import { defineConfig, devices } from '@playwright/test';

export default defineConfig({
  testDir: './tests',
  workers: 1,
  reporter: [['line']],
  use: { baseURL: 'http://127.0.0.1:${port}' },
  webServer: {
    command: '${build} --host 127.0.0.1 --port ${port} --strictPort',
    url: 'http://127.0.0.1:${port}',
    reuseExistingServer: false,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5000 },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], launchOptions: { executablePath: ${JSON.stringify(CHROMIUM)} } } }],
});
`;

async function workspaceFiles(): Promise<Record<string, string>> {
  const [port, istanbulPort] = [await freePort(), await freePort()];
  return {
    'package.json': json({
      name: 'root',
      private: true,
      type: 'module',
      devDependencies: {
        nx: '22.6.1',
        typescript: '5.9.3',
        vitest: VITEST,
        '@vitest/coverage-v8': VITEST,
      },
    }),
    'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  - 'e2e/*'\n",
    'nx.json': json({
      $schema: './node_modules/nx/schemas/nx-schema.json',
      namedInputs: { default: ['{projectRoot}/**/*'], production: ['default', '!{projectRoot}/tests/**/*'] },
      targetDefaults: {
        build: { cache: true, dependsOn: ['^build'], outputs: ['{projectRoot}/dist'] },
        'test:unit': { cache: true, dependsOn: ['^build'] },
        'test:e2e': { cache: true, dependsOn: ['^build'], inputs: ['default', '^production'] },
      },
    }),
    '.gitignore': 'node_modules\n.nx\ndist\ndist-istanbul\ntest-results\n/coverage\n',
    // The library, consumed through its build (tsc, with maps) as TanStack's packages are.
    'packages/greet/package.json': json({
      name: '@demo/greet',
      private: true,
      type: 'module',
      main: 'dist/index.js',
      scripts: { build: 'tsc -p tsconfig.json', 'test:unit': 'vitest run' },
      devDependencies: { typescript: '5.9.3', vitest: VITEST },
    }),
    'packages/greet/tsconfig.json': json({
      compilerOptions: { target: 'es2022', module: 'esnext', moduleResolution: 'bundler', outDir: 'dist', rootDir: 'src', sourceMap: true, strict: true },
      include: ['src'],
    }),
    'packages/greet/src/index.ts': [
      'export function greet(name: string): string {',
      '  return `Hello ${name}`;',
      '}',
      '',
      'export function shout(name: string): string {',
      '  return `${name.toUpperCase()}!`;',
      '}',
      '',
    ].join('\n'),
    'packages/greet/tests/index.test.ts':
      "import { expect, test } from 'vitest';\nimport { greet } from '../src/index';\n\ntest('greet', () => expect(greet('Ann')).toBe('Hello Ann'));\n",
    // The e2e app: its package.json scripts are its Nx targets; Checkout renders only after a click.
    [`${APP}/package.json`]: json({
      name: 'demo-react-basic',
      private: true,
      type: 'module',
      scripts: { build: 'vite build', preview: 'vite preview', 'test:e2e': 'playwright test --project=chromium' },
      dependencies: { '@demo/greet': 'workspace:*', react: '19.2.0', 'react-dom': '19.2.0' },
      devDependencies: { '@playwright/test': '1.61.1', vite: '8.0.14', 'vite-plugin-istanbul': '9.0.1' },
    }),
    [`${APP}/vite.config.js`]: viteConfig(false),
    [`${APP}/vite.istanbul.config.js`]: viteConfig(true, true),
    [`${APP}/playwright.config.ts`]: playwrightConfig(port, 'pnpm build && pnpm preview'),
    [`${APP}/playwright.istanbul.config.ts`]: playwrightConfig(
      istanbulPort,
      'vite build -c vite.istanbul.config.js --outDir dist-istanbul && vite preview -c vite.istanbul.config.js --outDir dist-istanbul',
    ),
    [`${APP}/index.html`]: '<!doctype html>\n<html>\n  <body>\n    <div id="app"></div>\n    <script type="module" src="/src/main.tsx"></script>\n  </body>\n</html>\n',
    [`${APP}/src/main.tsx`]: [
      "import { createRoot } from 'react-dom/client';",
      "import { App } from './app';",
      '',
      "createRoot(document.getElementById('app')!).render(<App />);",
      '',
    ].join('\n'),
    [`${APP}/src/app.tsx`]: APP_SOURCE,
    // The app's source copied into an example outside the workspace's packages, as TanStack's repo has
    // src/posts.ts six times with the same text: the bundle's map must still name the app's own.
    'examples/react-basic/src/app.tsx': APP_SOURCE,
    [`${APP}/tests/fixtures.ts`]: ISTANBUL_FIXTURES,
    [`${APP}/tests/app.spec.ts`]: [
      "import { expect, test } from './fixtures';",
      '',
      "test('checkout', async ({ page }) => {",
      "  await page.goto('/');",
      "  await page.getByRole('button', { name: 'Hello Ann' }).click();",
      "  await expect(page.locator('h1')).toHaveText('3 ITEMS!');",
      '});',
      '',
    ].join('\n'),
  };
}

let workspace: InstalledWorkspace | undefined;
const nx = (args: string[]) => run(workspace!.shell, workspace!.root, 'npx', ['--no-install', 'nx', ...args], { timeoutMs: 600_000 });

test.after(() => {
  if (workspace) removeDir(workspace.scratch);
});

test('browser-preview: pnpm installs the workspace (Nx, Vite 8, React, Playwright 1.61 without a browser download) and monocov by name, nx g @monocov/nx:init', async () => {
  workspace = await installedWorkspace('browser-preview', {
    manager: 'pnpm',
    files: await workspaceFiles(),
    devDependencies: [`@monocov/core@${ourVersion('@monocov/core')}`, `@monocov/nx@${ourVersion('@monocov/nx')}`],
    env: { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  });
  log(`workspace ${workspace.root}`);
  const init = nx(['g', '@monocov/nx:init']);
  assert.is(init.status, 0, init.output);
  assert.match(init.output, `${APP}: runs "test:e2e" (package.json script "test:e2e")`);
});

test('browser-preview: the test:e2e script gets a coverage target that credits workspace files', () => {
  const graphFile = join(workspace!.scratch, 'graph.json');
  const shown = nx(['graph', `--file=${graphFile}`]);
  assert.is(shown.status, 0, shown.output);
  const coverage = readJson(graphFile).graph.nodes['demo-react-basic'].data.targets.coverage;
  assert.equal(coverage.options, { testTarget: 'test:e2e', source: 'workspace' });
  assert.equal(coverage.dependsOn, ['^build']);
});

test('browser-preview: a production build without source maps is named, with the fix, rather than leaving the app at 0% without a word', () => {
  const ran = nx(['run', 'demo-react-basic:coverage']);
  assert.is(ran.status, 0, ran.output);
  assert.match(
    ran.output,
    /warning: 1 script\(s\) the browser ran have no source map, so their hits count for no source file: "http:\/\/127\.0\.0\.1:\d+\/assets\/index-[\w-]+\.js"/,
  );
  assert.match(ran.output, 'Vite `build: { sourcemap: true }`');
  assert.not.match(ran.output, 'process(es) the tests started', 'vite preview exits on SIGTERM and writes its coverage');
  const data = readJson<CoverageMapData>(join(workspace!.root, `coverage/projects/${APP}/coverage-final.json`));
  assert.is(fnHits(data[`${APP}/src/app.tsx`]!, 'App'), 0, 'no hit counts without the maps');
});

test("browser-preview: with build.sourcemap, run-many merges the e2e and unit data; the library's dist/ the bundle maps to is chained to its src/", () => {
  writeFiles(workspace!.root, { [`${APP}/vite.config.js`]: viteConfig(true) });
  const ran = nx(['run-many', '-t', 'coverage']);
  assert.is(ran.status, 0, ran.output);
  assert.not.match(ran.output, 'have no source map');
  assert.not.match(ran.output, 'packages/greet/dist/index.js', "the bundle's map names the library's build output, carried through its own map");
  const e2e = readJson<CoverageMapData>(join(workspace!.root, `coverage/projects/${APP}/coverage-final.json`));
  assert.equal(Object.keys(e2e).sort(), [...APP_FILES, 'packages/greet/src/index.ts']);
  const merged = readJson<CoverageMapData>(join(workspace!.root, 'coverage/workspace/coverage-final.json'));
  const app = merged[`${APP}/src/app.tsx`]!;
  assert.ok(fnHits(app, 'App') >= 1);
  assert.is(fnHits(app, 'Checkout'), 1, 'reached only by the e2e test');
  assert.is(fnHits(app, 'Receipt'), 0);
  const greet = merged['packages/greet/src/index.ts']!;
  assert.ok(fnHits(greet, 'greet') >= 2, 'the unit test and the e2e test');
  assert.ok(fnHits(greet, 'shout') >= 1, "reached only by the e2e test, through the library's dist/ and its map");
});

test('browser-preview: per-file numbers for the app equal those of a vite-plugin-istanbul build driven by the same test', async () => {
  const out = join(workspace!.scratch, 'istanbul.json');
  const ran = run(workspace!.shell, join(workspace!.root, APP), 'npx', ['--no-install', 'playwright', 'test', '-c', 'playwright.istanbul.config.ts'], {
    env: { ISTANBUL_OUT: out },
  });
  assert.is(ran.status, 0, ran.output);
  // vite-plugin-istanbul instruments with the input source map; nyc's remapping gives the sources' numbers.
  const ours = createCoverageMap(readJson(join(workspace!.root, `coverage/projects/${APP}/coverage-final.json`)));
  assert.equal(await differencesFromIstanbul(out, ours, workspace!.root, APP_FILES), []);
});

test.run();
