// Issue 20: browser and end-to-end tests in the same report. A fresh Nx workspace with a Vite
// React TypeScript app, a library it uses with its own Vitest unit tests, and an @nx/playwright e2e
// project whose specs import `test` from @playwright/test, with nothing of monocov's in its files
// or its Playwright config (monocov's preload measures the browser); Chromium is Debian's
// (/usr/bin/chromium through `launchOptions.executablePath`, no browser download). `nx run-many -t
// coverage` must write one merged report in which a component only the e2e test reaches is
// covered and the library's lines are the union of unit and e2e hits; then the same Playwright test
// is run against a vite-plugin-istanbul build of the app, and its numbers per app file, remapped to
// the sources by istanbul-lib-source-maps as nyc does, are compared with monocov's.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCoverageMap, type CoverageMapData } from 'istanbul-lib-coverage';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHROMIUM } from './chromium';
import { freePort } from './free-port';
import { differencesFromIstanbul, fnHits, ISTANBUL_FIXTURES } from './vite-istanbul';
import { inTempDir, log, ourVersion, readJson, registryShell, removeDir, run, runOk, writeFiles, type Shell } from './lib';

const NX = '22.6.1';
const VITEST = '4.1.12';
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const project = (name: string, projectType: 'library' | 'application', extra: object = {}) =>
  json({ name, $schema: '../../node_modules/nx/schemas/project-schema.json', projectType, tags: [], ...extra });

/** The app's Vite config; `istanbul` adds vite-plugin-istanbul (the reference build). */
const viteConfig = (port: number, istanbul: boolean) => `import { defineConfig } from 'vite';
import { resolve } from 'node:path';
${istanbul ? "import istanbul from 'vite-plugin-istanbul';\n" : ''}
export default defineConfig({
  root: __dirname,
  esbuild: { jsx: 'automatic' },
  resolve: { alias: { '@shop/ui': resolve(__dirname, '../../libs/ui/src/index.ts') } },
  server: { host: '127.0.0.1', port: ${port}, strictPort: true, fs: { allow: ['../..'] } },
  build: { outDir: '../../dist/apps/shop', sourcemap: true },
${istanbul ? "  plugins: [istanbul({ cwd: resolve(__dirname, '../..'), include: ['apps/shop/src/**', 'libs/ui/src/**'], extension: ['.ts', '.tsx'], requireEnv: false, forceBuildInstrument: true })],\n" : ''}});
`;

const playwrightConfig = (port: number, viteConfigFile: string) => `import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './src',
  use: { baseURL: 'http://127.0.0.1:${port}', launchOptions: { executablePath: ${JSON.stringify(CHROMIUM)} } },
  webServer: { command: 'npx vite --config ${viteConfigFile}', cwd: '../..', url: 'http://127.0.0.1:${port}', reuseExistingServer: false, gracefulShutdown: { signal: 'SIGTERM', timeout: 5000 } },
});
`;

async function workspaceFiles(): Promise<Record<string, string>> {
  const [port, istanbulPort] = [await freePort(), await freePort()];
  return {
    'package.json': json({
      name: '@shop/source',
      private: true,
      devDependencies: {
        nx: NX,
        '@nx/vite': NX,
        '@nx/playwright': NX,
        '@nx/js': NX,
        '@playwright/test': '1.65.1',
        vite: '7.3.8',
        vitest: VITEST,
        '@vitest/coverage-v8': VITEST,
        'vite-plugin-istanbul': '7.2.1',
        typescript: '5.9.3',
        react: '19.2.0',
        'react-dom': '19.2.0',
        '@types/react': '19.2.2',
        '@types/react-dom': '19.2.2',
        '@monocov/core': ourVersion('@monocov/core'),
        '@monocov/nx': ourVersion('@monocov/nx'),
      },
    }),
    'nx.json': json({
      $schema: './node_modules/nx/schemas/nx-schema.json',
      namedInputs: { default: ['{projectRoot}/**/*', 'sharedGlobals'], production: ['default', '!{projectRoot}/**/*.spec.[jt]s'], sharedGlobals: [] },
      plugins: [
        { plugin: '@nx/vite/plugin', options: { buildTargetName: 'build', testTargetName: 'test', serveTargetName: 'serve', previewTargetName: 'preview' } },
        { plugin: '@nx/playwright/plugin', options: { targetName: 'e2e' } },
        '@monocov/nx',
      ],
    }),
    '.coveragerc.json': json({ $schema: './node_modules/@monocov/core/coveragerc.schema.json', run: { all: true } }),
    'tsconfig.base.json': json({ compilerOptions: { target: 'es2022', module: 'esnext', moduleResolution: 'bundler', jsx: 'react-jsx', strict: true, skipLibCheck: true } }),
    '.gitignore': 'node_modules\n.nx\ndist\n/coverage\n',
    // The library: formatPrice is unit-tested, formatLabel only runs in the app.
    'libs/ui/project.json': project('ui', 'library'),
    'libs/ui/vite.config.ts':
      "import { defineConfig } from 'vite';\n\nexport default defineConfig({ root: __dirname, test: { include: ['src/**/*.spec.ts'], environment: 'node' } });\n",
    'libs/ui/src/index.ts': "export { formatLabel, formatPrice } from './format';\n",
    'libs/ui/src/format.ts': [
      'export function formatPrice(cents: number): string {',
      '  if (cents < 0) {',
      "    throw new Error('negative price');",
      '  }',
      '  return `$${(cents / 100).toFixed(2)}`;',
      '}',
      '',
      'export function formatLabel(name: string, count: number): string {',
      '  return count === 1 ? name : `${name} (${count})`;',
      '}',
      '',
    ].join('\n'),
    'libs/ui/src/format.spec.ts':
      "import { expect, test } from 'vitest';\nimport { formatPrice } from './format';\n\ntest('formatPrice', () => expect(formatPrice(1250)).toBe('$12.50'));\n",
    // The app: Checkout renders only after a click, which only the e2e test makes.
    'apps/shop/project.json': project('shop', 'application', { implicitDependencies: ['ui'] }),
    'apps/shop/vite.config.ts': viteConfig(port, false),
    // vite-plugin-istanbul is ESM only: Vite bundles a .mts config as ESM.
    'apps/shop/vite.istanbul.config.mts': viteConfig(istanbulPort, true),
    'apps/shop/index.html': '<!doctype html>\n<html>\n  <body>\n    <div id="root"></div>\n    <script type="module" src="/src/main.tsx"></script>\n  </body>\n</html>\n',
    'apps/shop/src/main.tsx': [
      "import { createRoot } from 'react-dom/client';",
      "import { App } from './app';",
      '',
      "createRoot(document.getElementById('root')!).render(<App />);",
      '',
    ].join('\n'),
    'apps/shop/src/app.tsx': [
      "import { useState } from 'react';",
      "import { formatLabel } from '@shop/ui';",
      "import { Checkout } from './checkout';",
      '',
      "const items = [{ name: 'apple', count: 1 }, { name: 'pear', count: 3 }];",
      '',
      'export function App() {',
      '  const [checkingOut, setCheckingOut] = useState(false);',
      '  if (checkingOut) {',
      '    return <Checkout items={items.length} />;',
      '  }',
      '  return (',
      '    <main>',
      '      <ul>',
      '        {items.map((item) => (',
      '          <li key={item.name}>{formatLabel(item.name, item.count)}</li>',
      '        ))}',
      '      </ul>',
      '      <button onClick={() => setCheckingOut(true)}>Checkout</button>',
      '    </main>',
      '  );',
      '}',
      '',
    ].join('\n'),
    'apps/shop/src/checkout.tsx': [
      'export function Checkout({ items }: { items: number }) {',
      "  const summary = items > 1 ? `${items} items` : 'one item';",
      '  return <h1>Paying for {summary}</h1>;',
      '}',
      '',
      'export function Receipt() {',
      '  return <p>Thank you</p>;',
      '}',
      '',
    ].join('\n'),
    // The e2e project: its spec imports test from a fixtures file that extends @playwright/test's.
    'apps/shop-e2e/project.json': project('shop-e2e', 'application', { implicitDependencies: ['shop'] }),
    'apps/shop-e2e/playwright.config.ts': playwrightConfig(port, 'apps/shop/vite.config.ts'),
    'apps/shop-e2e/playwright.istanbul.config.ts': playwrightConfig(istanbulPort, 'apps/shop/vite.istanbul.config.mts'),
    'apps/shop-e2e/src/fixtures.ts': ISTANBUL_FIXTURES,
    'apps/shop-e2e/src/checkout.spec.ts': [
      "import { expect, test } from './fixtures';",
      '',
      "test('checkout', async ({ page }) => {",
      "  await page.goto('/');",
      "  await expect(page.locator('li').first()).toHaveText('apple');",
      "  await page.getByRole('button', { name: 'Checkout' }).click();",
      "  await expect(page.locator('h1')).toHaveText('Paying for 2 items');",
      '});',
      '',
    ].join('\n'),
  };
}

let scratch: string | undefined;
let root: string;
let shell: Shell;
const nx = (args: string[]) => run(shell, root, 'npx', ['--no-install', 'nx', ...args], { timeoutMs: 600_000 });

test.after(() => {
  if (scratch) removeDir(scratch);
});

test('browser: npm installs the workspace (Nx, Vite, React, Playwright without a browser download) from the registry', async () => {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`);
  const files = await workspaceFiles();
  scratch = await inTempDir('browser', async (dir) => {
    const base = await registryShell();
    shell = { ...base, env: { ...base.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } };
    root = join(dir, 'workspace');
    writeFiles(root, files);
    runOk(shell, root, 'npm', ['install', '--no-audit', '--no-fund'], { timeoutMs: 600_000 });
    return dir;
  });
  log(`workspace ${root}`);
});

test('browser: the e2e project gets a coverage target that runs its e2e target and credits workspace files', () => {
  const graphFile = join(scratch!, 'graph.json');
  const shown = nx(['graph', `--file=${graphFile}`]);
  assert.is(shown.status, 0, shown.output);
  const coverage = readJson(graphFile).graph.nodes['shop-e2e'].data.targets.coverage;
  assert.equal(coverage.executor, '@monocov/nx:coverage');
  assert.equal(coverage.options, { testTarget: 'e2e', source: 'workspace' });
});

test('browser: nx run-many -t coverage merges unit and e2e coverage: the e2e-only component is covered, the library is the union', () => {
  const ran = nx(['run-many', '-t', 'coverage']);
  assert.is(ran.status, 0, ran.output);
  const merged = readJson<CoverageMapData>(join(root, 'coverage/workspace/coverage-final.json'));
  const checkout = merged['apps/shop/src/checkout.tsx'];
  assert.ok(checkout, `the app's files are in the merged report: ${Object.keys(merged).join(', ')}`);
  assert.is(fnHits(checkout, 'Checkout'), 1, 'Checkout, reached only by the e2e test, ran once');
  assert.is(fnHits(checkout, 'Receipt'), 0);
  const format = merged['libs/ui/src/format.ts']!;
  assert.ok(fnHits(format, 'formatPrice') >= 1, 'formatPrice: from the unit test');
  assert.ok(fnHits(format, 'formatLabel') >= 2, 'formatLabel: from the e2e test');
  // Which tests covered what stays visible: each project's own data.
  const unit = readJson<CoverageMapData>(join(root, 'coverage/projects/libs/ui/coverage-final.json'));
  const e2e = readJson<CoverageMapData>(join(root, 'coverage/projects/apps/shop-e2e/coverage-final.json'));
  assert.is(fnHits(unit['libs/ui/src/format.ts']!, 'formatLabel'), 0, 'the unit data does not run formatLabel');
  assert.is(fnHits(e2e['libs/ui/src/format.ts']!, 'formatPrice'), 0, 'the e2e data does not run formatPrice');
  // The e2e project's fixtures file is one of its sources (not a spec by name), run in the Playwright worker.
  assert.equal(Object.keys(e2e).sort(), [
    'apps/shop-e2e/src/fixtures.ts',
    'apps/shop/src/app.tsx',
    'apps/shop/src/checkout.tsx',
    'apps/shop/src/main.tsx',
    'libs/ui/src/format.ts',
    'libs/ui/src/index.ts',
  ]);
});

test('browser: per-file numbers for the app equal those of a vite-plugin-istanbul build driven by the same test', async () => {
  const out = join(scratch!, 'istanbul.json');
  const ran = run(shell, join(root, 'apps/shop-e2e'), 'npx', ['--no-install', 'playwright', 'test', '-c', 'playwright.istanbul.config.ts'], { env: { ISTANBUL_OUT: out } });
  assert.is(ran.status, 0, ran.output);
  // vite-plugin-istanbul instruments Vite's output with its input source map; nyc's remapping gives the sources' numbers.
  const ours = createCoverageMap(readJson(join(root, 'coverage/projects/apps/shop-e2e/coverage-final.json')));
  assert.equal(await differencesFromIstanbul(out, ours, root, ['apps/shop/src/app.tsx', 'apps/shop/src/checkout.tsx', 'apps/shop/src/main.tsx', 'libs/ui/src/format.ts']), []);
});

test.run();
