// Issue 15 (b): an integrated Nx 22 workspace (project.json only, no package manager workspaces)
// whose test targets are inferred by @nx/vite/plugin and @nx/jest/plugin under the names this
// workspace gave them (`unit`, `jest-test`), a Vite app without tests, and an @nx/playwright e2e
// project: the app gets no coverage target, the e2e project one that measures the app in Chromium
// (Debian's, through `launchOptions.executablePath`) with nothing of monocov's in its files.
import { test } from 'uvu';
import { nxAddScenario } from './nx-add';

const NX = '22.6.1';
const CHROMIUM = process.env.MONOCOV_CHROMIUM ?? '/usr/bin/chromium';
/** The app's dev server, started by Playwright's webServer: a port of this process's own, away from other scenarios'. */
const PORT = 20_000 + (process.pid % 20_000);
const VITEST = '4.1.12';
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const project = (name: string, root: string, projectType: 'library' | 'application') =>
  json({ name, $schema: '../../node_modules/nx/schemas/project-schema.json', sourceRoot: `${root}/src`, projectType, tags: [] });

nxAddScenario({
  name: 'nx-integrated',
  manager: 'npm',
  files: {
    'package.json': json({
      name: '@shop/source',
      private: true,
      devDependencies: {
        nx: NX,
        '@nx/vite': NX,
        '@nx/jest': NX,
        '@nx/playwright': NX,
        '@nx/js': NX,
        '@playwright/test': '1.65.1',
        vite: '7.3.8',
        vitest: VITEST,
        '@vitest/coverage-v8': VITEST,
        jest: '30.5.2',
        typescript: '5.9.3',
      },
    }),
    'nx.json': json({
      $schema: './node_modules/nx/schemas/nx-schema.json',
      namedInputs: { default: ['{projectRoot}/**/*', 'sharedGlobals'], production: ['default', '!{projectRoot}/**/*.spec.[jt]s'], sharedGlobals: [] },
      plugins: [
        { plugin: '@nx/vite/plugin', options: { buildTargetName: 'build', testTargetName: 'unit', serveTargetName: 'serve', previewTargetName: 'preview' } },
        { plugin: '@nx/jest/plugin', options: { targetName: 'jest-test' } },
        { plugin: '@nx/playwright/plugin', options: { targetName: 'e2e' } },
      ],
    }),
    'tsconfig.base.json': json({ compilerOptions: { target: 'es2022', module: 'esnext', moduleResolution: 'bundler', strict: true, skipLibCheck: true } }),
    '.gitignore': 'node_modules\n.nx\ndist\n',
    // Vitest through @nx/vite/plugin's `unit` target.
    'libs/cart/project.json': project('cart', 'libs/cart', 'library'),
    'libs/cart/vite.config.ts':
      "import { defineConfig } from 'vite';\n\nexport default defineConfig({ root: __dirname, test: { include: ['src/**/*.spec.ts'], environment: 'node' } });\n",
    'libs/cart/src/total.ts':
      'export function total(prices: number[], discount = 0): number {\n  const sum = prices.reduce((a, b) => a + b, 0);\n  return discount > 0 ? sum * (1 - discount) : sum;\n}\n',
    'libs/cart/src/total.spec.ts': "import { expect, test } from 'vitest';\nimport { total } from './total';\n\ntest('total', () => expect(total([1, 2])).toBe(3));\n",
    // Jest through @nx/jest/plugin's `jest-test` target.
    'libs/pricing/project.json': project('pricing', 'libs/pricing', 'library'),
    'libs/pricing/jest.config.cjs': "module.exports = { displayName: 'pricing', testEnvironment: 'node', testMatch: ['<rootDir>/src/**/*.spec.js'] };\n",
    'libs/pricing/src/tax.js':
      "exports.withTax = (price, rate) => {\n  if (rate < 0) {\n    throw new Error('negative rate');\n  }\n  return Math.round(price * (1 + rate) * 100) / 100;\n};\n",
    'libs/pricing/src/tax.spec.js': "const { withTax } = require('./tax');\n\ntest('withTax', () => expect(withTax(10, 0.2)).toBe(12));\n",
    // A Vite app with no tests: @nx/vite/plugin infers build and serve, no `unit`.
    'apps/shop/project.json': project('shop', 'apps/shop', 'application'),
    'apps/shop/vite.config.ts': `import { defineConfig } from 'vite';\n\nexport default defineConfig({ root: __dirname, build: { outDir: '../../dist/apps/shop' }, server: { host: '127.0.0.1', port: ${PORT}, strictPort: true } });\n`,
    'apps/shop/index.html': '<!doctype html><script type="module" src="/src/main.ts"></script>\n',
    'apps/shop/src/main.ts': "document.body.textContent = 'shop';\n",
    // Playwright e2e project: the plugin infers `e2e`; its tests run in Debian's Chromium, no browser is installed.
    'apps/shop-e2e/project.json': json({
      name: 'shop-e2e',
      $schema: '../../node_modules/nx/schemas/project-schema.json',
      projectType: 'application',
      implicitDependencies: ['shop'],
    }),
    'apps/shop-e2e/playwright.config.ts': `import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './src',
  use: { baseURL: 'http://127.0.0.1:${PORT}', launchOptions: { executablePath: ${JSON.stringify(CHROMIUM)} } },
  webServer: { command: 'npx vite --config apps/shop/vite.config.ts', cwd: '../..', url: 'http://127.0.0.1:${PORT}', reuseExistingServer: false, gracefulShutdown: { signal: 'SIGTERM', timeout: 5000 } },
});
`,
    'apps/shop-e2e/src/example.spec.ts':
      "import { expect, test } from '@playwright/test';\n\ntest('title', async ({ page }) => {\n  await page.goto('/');\n  expect(await page.textContent('body')).toContain('shop');\n});\n",
  },
  tested: { cart: ['libs/cart/src/total.ts'], pricing: ['libs/pricing/src/tax.js'], 'shop-e2e': ['apps/shop/src/main.ts'] },
  untested: ['shop'],
});

test.run();
