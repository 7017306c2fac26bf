import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../fs-atomic';
import { writeBrowserCoverage, type BrowserScriptCoverage } from '../collection/browser';
import type { V8ScriptCoverage } from '../convert/v8-data';

// The few parts of Vitest's and Vite's Node APIs the provider uses (Vitest 3 and 4 alike), typed
// here so that @monocov/core does not depend on Vitest.

interface TransformResult {
  code: string;
  map: { mappings?: string } | null;
}

interface ViteTransformer {
  transformRequest(url: string): Promise<TransformResult | null>;
  moduleGraph: { getModuleByUrl(url: string): Promise<{ file: string | null } | undefined> };
}

interface ViteServer extends ViteTransformer {
  /** Vite 6 and later: the browser's modules are the client environment's. */
  environments?: { client?: ViteTransformer };
}

interface VitestProject {
  browser?: { vite: ViteServer } | null;
}

interface Vitest {
  config: { root: string; coverage: Record<string, unknown> };
  /** Vitest 4's resolved coverage options (Vitest 3 keeps them in config.coverage). */
  _coverageOptions?: Record<string, unknown>;
  logger: { warn(message: string): void };
  getProjectByName(name: string): VitestProject | undefined;
}

/** What the runtime module (hooks/vitest-browser-coverage.mjs) returns for one test file's run. */
interface TakenCoverage {
  result: V8ScriptCoverage[];
  /** Why this run was not measured: it ran outside the browser, or the browser has no V8 coverage. */
  notMeasured?: string;
}

/** Left in the reports folder once the run's data is written: that the provider ran, and its warnings, for monocov to print. */
export const VITEST_BROWSER_SUMMARY = 'monocov-vitest-browser.json';

interface SuiteRun {
  coverage?: TakenCoverage;
  projectName?: string;
}

/**
 * The Node side of monocov's coverage provider for Vitest browser mode. Vitest hands it what the
 * browser recorded after each test file; while Vite's server still runs it looks up each script's
 * code and source map in the server's transform cache (exactly what the browser was sent, whose
 * offsets V8's ranges count in) and writes them as a raw file of the run, as the Playwright
 * fixture does (collection/browser.ts), into the reports folder monocov gave Vitest. monocov then
 * converts them itself, with istanbul-lib-instrument's maps. Vitest's own reports and thresholds
 * are not made: monocov makes its own from the data.
 */
export function createVitestBrowserProvider() {
  let vitest: Vitest;
  let options: Record<string, unknown> & { reportsDirectory: string };
  const writes: Array<Promise<void>> = [];
  const warnings: string[] = [];
  const notMeasured = new Map<string, number>();

  async function write(run: SuiteRun & { coverage: TakenCoverage }): Promise<void> {
    const vite = vitest.getProjectByName(run.projectName ?? '')?.browser?.vite;
    if (vite === undefined) {
      warnings.push(
        `warning: Vitest reported browser coverage for project ${JSON.stringify(run.projectName ?? '')}, which has no browser server to read its scripts from: that test file's hits are missing`,
      );
      return;
    }
    const transformer = vite.environments?.client ?? vite;
    const entries: BrowserScriptCoverage[] = [];
    for (const script of run.coverage.result) {
      const url = new URL(script.url);
      // The URL the browser asked for, less what Vite's server strips before its transform (`?import`, `?t=`).
      url.searchParams.delete('import');
      url.searchParams.delete('t');
      const request = url.pathname + url.search;
      const transformed = await transformer.transformRequest(request).catch(() => null);
      const file = (await transformer.moduleGraph.getModuleByUrl(request).catch(() => undefined))?.file;
      // Vite sends a transformed module with its map inline; one without a map is not measured (docs/browser.md).
      if (!transformed?.map?.mappings || !file) continue;
      const map = Buffer.from(JSON.stringify(transformed.map)).toString('base64');
      entries.push({
        ...script,
        // The file Vite read, as its `/@fs/` URL: the map's source resolves to it, and it names one
        // workspace file, where `/src/a.ts` might be the end of two projects' paths.
        url: `${url.origin}/@fs${file.startsWith('/') ? '' : '/'}${file}`,
        source: `${transformed.code}\n//# sourceMappingURL=data:application/json;base64,${map}`,
      });
    }
    const written = await writeBrowserCoverage(entries, { rawDir: options.reportsDirectory, fetchText: async () => undefined });
    warnings.push(...written.warnings);
  }

  return {
    name: 'monocov',
    initialize(ctx: Vitest): void {
      vitest = ctx;
      const given = ctx._coverageOptions ?? ctx.config.coverage;
      options = { ...given, reportsDirectory: resolve(ctx.config.root, String(given.reportsDirectory ?? 'coverage')) };
    },
    resolveOptions() {
      return options;
    },
    clean(): void {
      mkdirSync(options.reportsDirectory, { recursive: true });
    },
    onAfterSuiteRun(run: SuiteRun): void {
      const reason = run.coverage?.notMeasured;
      if (reason !== undefined) notMeasured.set(reason, (notMeasured.get(reason) ?? 0) + 1);
      // Anything else came from the browser (Vitest 4 names that environment `__browser__`, Vitest 3 names none).
      else if (run.coverage !== undefined) writes.push(write({ ...run, coverage: run.coverage }));
    },
    async generateCoverage(): Promise<Record<string, never>> {
      await Promise.all(writes.splice(0));
      for (const [reason, runs] of notMeasured) warnings.push(`warning: ${runs} test file run(s) of Vitest were not measured: ${reason} (docs/browser.md)`);
      writeFileAtomic(join(options.reportsDirectory, VITEST_BROWSER_SUMMARY), JSON.stringify({ warnings }));
      return {};
    },
    reportCoverage(): void {
      // monocov reports from the raw files.
    },
  };
}
