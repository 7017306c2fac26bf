// Vitest browser mode for real: Vitest 4 with the Playwright provider runs a small TSX/TS library's
// tests in Chromium (Debian's /usr/bin/chromium, no browser download) under `monocov run`.
// monocov's provider module (hooks/vitest-browser-coverage.mjs) takes Chromium's raw V8 coverage
// and monocov converts it itself (docs/browser.md). The reference is the same tests run with every
// source instrumented by istanbul-lib-instrument, whose maps and counts ours must equal.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoverageMap, type CoverageMapData, type FileCoverageData } from 'istanbul-lib-coverage';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countMismatches, functionId, istanbulInstrument, mapsOf } from './convert-harness';

const CHROMIUM = process.env.MONOCOV_CHROMIUM ?? '/usr/bin/chromium';
const REPO = join(__dirname, '..', '..', '..');
const MONOCOV = join(__dirname, '..', 'bin', 'monocov.js');
const FIXTURE = join(__dirname, 'fixtures', 'browser');
const MEASURED = ['src/greeting.tsx', 'src/view.ts'];

/** The Vitest config both runs share, with the reference's additions (plugins, browser commands, test options) when given. */
function vitestConfig(reference?: { plugins: string; browser: string; test: string }): string {
  return `import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
${reference ? "import { appendFileSync, readFileSync } from 'node:fs';\n" : ''}
export default defineConfig({
  esbuild: { jsxFactory: 'h' },
  // node_modules is a link to this repository's, and @monocov/core's provider module lies in it
  // (packages/core): Vite serves only what fs.allow names.
  server: { fs: { allow: ['.', ${JSON.stringify(join(REPO, 'node_modules'))}, ${JSON.stringify(join(REPO, 'packages', 'core'))}] } },
  plugins: [${reference?.plugins ?? ''}],
  test: {
    include: ['src/**/*.test.ts'],${reference?.test ?? ''}
    browser: { enabled: true, headless: true, api: { port: 0 }, provider: playwright({ launchOptions: { executablePath: ${JSON.stringify(CHROMIUM)} } }), instances: [{ browser: 'chromium' }]${reference?.browser ?? ''} },
    coverage: { provider: 'v8' },
  },
});
`;
}

/**
 * The reference config: each measured source is replaced by its istanbul-instrumented text before
 * Vite compiles it, and after each test file the browser hands its counters to a command that
 * appends them to `reference.jsonl` (one iframe, so one set of counters, per test file).
 */
function referenceConfig(root: string): string {
  const plugin = `{
    name: 'istanbul-reference',
    enforce: 'pre',
    transform(code, id) {
      const instrumented = JSON.parse(readFileSync(${JSON.stringify(join(root, 'instrumented.json'))}, 'utf8'));
      const text = instrumented[id.split('?')[0]];
      return text === undefined ? undefined : { code: text, map: null };
    },
  }`;
  const browser = `, commands: { saveCoverage: (_context, json) => appendFileSync(${JSON.stringify(join(root, 'reference.jsonl'))}, json + '\\n') }`;
  return vitestConfig({ plugins: plugin, browser, test: " setupFiles: ['./reference-setup.ts']," });
}

function workspace(): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'monocov-vitest-browser-')));
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'ui', private: true, type: 'module' }));
  writeFileSync(join(root, 'vitest.config.ts'), vitestConfig());
  writeFileSync(join(root, 'src/view.ts'), readFileSync(join(FIXTURE, 'libs/view/src/view.ts'), 'utf8'));
  writeFileSync(join(root, 'src/greeting.tsx'), readFileSync(join(FIXTURE, 'apps/web/src/greeting.tsx'), 'utf8').replace('../../../libs/view/src/view', './view'));
  writeFileSync(join(root, 'src/unused.ts'), readFileSync(join(FIXTURE, 'apps/web/src/unused.ts'), 'utf8'));
  writeFileSync(
    join(root, 'src/greeting.test.ts'),
    `import { expect, test } from 'vitest';
import { h, render } from './view';
import { Greeting } from './greeting';

test('greets', () => {
  const root = document.createElement('div');
  render(root, h(Greeting, { name: 'world', excited: true }));
  expect(root.querySelector('h1')?.title).toBe('Hello, world!');
});
`,
  );
  writeFileSync(
    join(root, 'src/view.test.ts'),
    `import { expect, test } from 'vitest';
import { h, render, unmount } from './view';

test('renders and unmounts', () => {
  const root = document.createElement('div');
  render(root, h('p', null, 'a', null, 2));
  expect(root.textContent).toBe('a2');
  unmount(root);
  expect(root.childNodes.length).toBe(0);
});
`,
  );
  return root;
}

test('Vitest browser mode (Playwright provider, Chromium): monocov converts the raw V8 data, with the maps and counts istanbul-lib-instrument gives', () => {
  const root = workspace();
  try {
    const run = spawnSync(process.execPath, [MONOCOV, 'run', '--', 'npx', 'vitest', 'run'], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: '1' } });
    assert.is(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.not.match(run.stderr, /warning/, run.stderr);
    const meta = JSON.parse(readFileSync(join(root, 'coverage/projects/.root/meta.json'), 'utf8'));
    assert.is(meta.collector, 'vitest/browser-v8');
    const ours = JSON.parse(readFileSync(join(root, 'coverage/projects/.root/coverage-final.json'), 'utf8')) as CoverageMapData;
    assert.equal(Object.keys(ours), ['src/greeting.tsx', 'src/unused.ts', 'src/view.ts'], 'the sources, the never-loaded one at 0; no test file, nothing of Vitest');
    assert.is((ours['src/unused.ts'] as FileCoverageData & { all?: boolean }).all, true);

    // The reference: the same tests, every measured source instrumented by istanbul-lib-instrument.
    const instrumented = Object.fromEntries(MEASURED.map((rel) => [join(root, rel), istanbulInstrument(join(root, rel)).code]));
    writeFileSync(join(root, 'instrumented.json'), JSON.stringify(instrumented));
    writeFileSync(join(root, 'vitest.reference.config.ts'), referenceConfig(root));
    writeFileSync(
      join(root, 'reference-setup.ts'),
      "import { afterAll } from 'vitest';\nimport { commands } from 'vitest/browser';\n\nafterAll(async () => {\n  await commands.saveCoverage(JSON.stringify((globalThis as { __coverage__?: object }).__coverage__ ?? {}));\n});\n",
    );
    const referenceRun = spawnSync(process.execPath, [join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'vitest.reference.config.ts'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CI: '1' },
    });
    assert.is(referenceRun.status, 0, `${referenceRun.stdout}\n${referenceRun.stderr}`);
    const reference = createCoverageMap({});
    for (const line of readFileSync(join(root, 'reference.jsonl'), 'utf8').trim().split('\n')) reference.merge(JSON.parse(line));
    for (const rel of MEASURED) {
      const mine = ours[rel] as FileCoverageData;
      const theirs = reference.fileCoverageFor(join(root, rel)).toJSON() as FileCoverageData;
      assert.equal(mapsOf(mine), mapsOf(theirs), `${rel}: maps equal istanbul-lib-instrument's`);
      assert.equal(JSON.stringify(countMismatches(mine, theirs)), '[]', `${rel}: counts equal istanbul's`);
    }
    const greeting = ours['src/greeting.tsx'] as FileCoverageData;
    assert.is(greeting.f[functionId(greeting, 'Greeting')], 1);
    assert.is(greeting.f[functionId(greeting, 'Farewell')], 0);
    const view = ours['src/view.ts'] as FileCoverageData;
    assert.is(view.f[functionId(view, 'render')], 2, 'render ran once in each test file');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
