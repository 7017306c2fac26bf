// Vitest browser mode under the Nx coverage target, both ways Nx starts Vitest: an inferred
// package.json script (`vitest run`, reached by the runner hook) and the @nx/vitest:test executor
// (reached through its options). Each project's tests run in Chromium (Debian's, through
// `launchOptions.executablePath`), and monocov converts the raw V8 data itself (docs/browser.md).
import { join } from 'node:path';
import type { FileCoverageData } from 'istanbul-lib-coverage';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT, createFixtureWorkspace, readJson, removeWorkspace, runNx } from './helpers/fixture-workspace';

const CHROMIUM = process.env.MONOCOV_CHROMIUM ?? '/usr/bin/chromium';
const json = (value: unknown): string => JSON.stringify(value, null, 2);

/** The user's config: browser mode with Chromium, provider v8 (Vitest's default), nothing for monocov. */
const VITEST_CONFIG = `import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';

export default defineConfig({
  // node_modules is a link to this repository's, and @monocov/core's provider module lies in it
  // (packages/core): Vite serves only what fs.allow names.
  server: { fs: { allow: ['.', ${JSON.stringify(join(REPO_ROOT, 'node_modules'))}, ${JSON.stringify(join(REPO_ROOT, 'packages', 'core'))}] } },
  test: {
    browser: { enabled: true, headless: true, api: { port: 0 }, provider: playwright({ launchOptions: { executablePath: ${JSON.stringify(CHROMIUM)} } }), instances: [{ browser: 'chromium' }] },
  },
});
`;

const PRICE_TS = `export function formatPrice(cents: number): string {
  if (cents < 0) {
    throw new Error('negative price');
  }
  return \`$\${(cents / 100).toFixed(2)}\`;
}
`;

const PRICE_TEST = `import { expect, test } from 'vitest';
import { formatPrice } from '../src/price';

test('in the browser', () => {
  expect(document.createElement('p').tagName).toBe('P');
  expect(formatPrice(1250)).toBe('$12.50');
});
`;

function project(root: string, files: Record<string, string>): Record<string, string> {
  const all: Record<string, string> = { 'vitest.config.ts': VITEST_CONFIG, 'src/price.ts': PRICE_TS, 'test/price.test.ts': PRICE_TEST, ...files };
  return Object.fromEntries(Object.entries(all).map(([path, contents]) => [`${root}/${path}`, contents]));
}

const root = createFixtureWorkspace({
  'package.json': json({ name: 'fixture', private: true, workspaces: ['libs/*'] }),
  'nx.json': json({ namedInputs: { default: ['{projectRoot}/**/*'] }, plugins: ['@monocov/nx'] }),
  ...project('libs/ui-script', { 'package.json': json({ name: 'ui-script', private: true, type: 'module', scripts: { test: 'vitest run' } }) }),
  ...project('libs/ui-executor', {
    'package.json': json({ name: 'ui-executor', private: true, type: 'module' }),
    'project.json': json({ name: 'ui-executor', targets: { test: { executor: '@nx/vitest:test' } } }),
    // The executor reads the project's tsconfig.
    'tsconfig.json': json({ compilerOptions: { module: 'esnext', target: 'es2022', strict: true, isolatedModules: true, types: [] } }),
  }),
});
test.after(() => removeWorkspace(root));

test('nx run-many -t coverage: browser-mode Vitest projects, by script and by executor, measured through monocov’s conversion', () => {
  const result = runNx(root, ['run-many', '-t', 'coverage', '--projects=ui-script,ui-executor', '--parallel=1', '--skip-nx-cache']);
  assert.is(result.status, 0, result.output);
  for (const name of ['ui-script', 'ui-executor']) {
    const dir = join(root, 'coverage', 'projects', 'libs', name);
    assert.is(readJson<{ collector: string }>(join(dir, 'meta.json')).collector, 'vitest/browser-v8', name);
    const data = readJson<Record<string, FileCoverageData>>(join(dir, 'coverage-final.json'));
    assert.equal(Object.keys(data), [`libs/${name}/src/price.ts`], name);
    const price = data[`libs/${name}/src/price.ts`]!;
    assert.equal(price.f, { 0: 1 }, `${name}: formatPrice ran once`);
    assert.equal(price.b, { 0: [0, 1] }, `${name}: the guard was not taken`);
    assert.equal(price.s, { 0: 1, 1: 0, 2: 1 }, `${name}: every statement but the throw`);
  }
});

test.run();
