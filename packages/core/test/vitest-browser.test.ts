// Vitest browser mode for real: Vitest 4 with the Playwright provider runs the tests in Chromium
// (Debian's /usr/bin/chromium, no browser download) under `monocov run`. monocov takes it through
// the runner route, as for every Vitest run: Vitest's own V8 coverage, collected in the browser
// over CDP, written as istanbul JSON into monocov's raw folder (docs/browser.md).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileCoverageData } from 'istanbul-lib-coverage';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const CHROMIUM = process.env.MONOCOV_CHROMIUM ?? '/usr/bin/chromium';
const REPO = join(__dirname, '..', '..', '..');
const MONOCOV = join(__dirname, '..', 'bin', 'monocov.js');

test('Vitest browser mode (Playwright provider, Chromium): the library code the browser tests run is measured', () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'monocov-vitest-browser-')));
  try {
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'ui', private: true, type: 'module' }));
    writeFileSync(
      join(root, 'vitest.config.ts'),
      `import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';

export default defineConfig({
  // node_modules is a link to this repository's: Vite serves only what fs.allow names.
  server: { fs: { allow: ['.', ${JSON.stringify(join(REPO, 'node_modules'))}] } },
  test: {
    include: ['src/**/*.test.ts'],
    browser: { enabled: true, headless: true, api: { port: 0 }, provider: playwright({ launchOptions: { executablePath: ${JSON.stringify(CHROMIUM)} } }), instances: [{ browser: 'chromium' }] },
    coverage: { provider: 'v8' },
  },
});
`,
    );
    writeFileSync(
      join(root, 'src/format.ts'),
      "export function formatPrice(cents: number): string {\n  if (cents < 0) {\n    throw new Error('negative price');\n  }\n  return `$${(cents / 100).toFixed(2)}`;\n}\n\nexport function formatLabel(name: string, count: number): string {\n  return count === 1 ? name : `${name} (${count})`;\n}\n",
    );
    writeFileSync(
      join(root, 'src/format.test.ts'),
      "import { expect, test } from 'vitest';\nimport { formatPrice } from './format';\n\ntest('in the browser', () => {\n  expect(document.createElement('p').tagName).toBe('P');\n  expect(formatPrice(1250)).toBe('$12.50');\n});\n",
    );
    const run = spawnSync(process.execPath, [MONOCOV, 'run', '--', 'npx', 'vitest', 'run'], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: '1' } });
    assert.is(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const meta = JSON.parse(readFileSync(join(root, 'coverage/projects/.root/meta.json'), 'utf8'));
    assert.is(meta.collector, 'vitest/v8');
    const data = JSON.parse(readFileSync(join(root, 'coverage/projects/.root/coverage-final.json'), 'utf8')) as Record<string, FileCoverageData>;
    assert.equal(Object.keys(data), ['src/format.ts']);
    const format = data['src/format.ts']!;
    const named = (name: string) => format.f[Object.keys(format.fnMap).find((id) => format.fnMap[id]!.name === name)!];
    assert.is(named('formatPrice'), 1);
    assert.is(named('formatLabel'), 0);
    assert.equal(format.b, { 0: [0, 1], 1: [0, 0] }, 'the guard was not taken; formatLabel never ran');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
