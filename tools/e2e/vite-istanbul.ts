// The reference the browser scenarios compare monocov with: a vite-plugin-istanbul build driven by
// the same Playwright test, its counters written by a fixtures file and remapped as nyc does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCoverageMap, type CoverageMap, type FileCoverageData } from 'istanbul-lib-coverage';
import { log } from './lib';

/** A Playwright fixtures file whose `page` writes the page's istanbul counters where ISTANBUL_OUT says, after each test. */
export const ISTANBUL_FIXTURES = [
  "import { writeFileSync } from 'node:fs';",
  "import { test as base } from '@playwright/test';",
  '',
  "export { expect } from '@playwright/test';",
  '',
  '// For the comparison with vite-plugin-istanbul: its counters, written where ISTANBUL_OUT says.',
  'export const test = base.extend({',
  '  page: async ({ page }, use) => {',
  '    await use(page);',
  '    if (process.env.ISTANBUL_OUT) writeFileSync(process.env.ISTANBUL_OUT, JSON.stringify(await page.evaluate(() => (globalThis as any).__coverage__)));',
  '  },',
  '});',
  '',
].join('\n');

/** The hits of the function so named. */
export const fnHits = (file: FileCoverageData, name: string) => file.f[Object.keys(file.fnMap).find((id) => file.fnMap[id]!.name === name)!];

/**
 * Each metric of each file (workspace-relative) whose covered/total differ between monocov's data
 * and the istanbul counters in `istanbulOut`, remapped through vite-plugin-istanbul's input source
 * maps as nyc does; every pair is logged.
 */
export async function differencesFromIstanbul(istanbulOut: string, ours: CoverageMap, root: string, files: readonly string[]): Promise<string[]> {
  const { createSourceMapStore } = require('istanbul-lib-source-maps') as { createSourceMapStore(): { transformCoverage(map: CoverageMap): Promise<CoverageMap> } };
  const reference = await createSourceMapStore().transformCoverage(createCoverageMap(JSON.parse(readFileSync(istanbulOut, 'utf8'))));
  const differences: string[] = [];
  for (const rel of files) {
    const theirs = reference.fileCoverageFor(join(root, rel)).toSummary().toJSON();
    const mine = ours.fileCoverageFor(rel).toSummary().toJSON();
    for (const metric of ['statements', 'branches', 'functions', 'lines'] as const) {
      const [a, b] = [mine[metric], theirs[metric]];
      const line = `${rel} ${metric}: monocov ${a.covered}/${a.total}, vite-plugin-istanbul ${b.covered}/${b.total}`;
      log(line);
      if (a.covered !== b.covered || a.total !== b.total) differences.push(line);
    }
  }
  return differences;
}
