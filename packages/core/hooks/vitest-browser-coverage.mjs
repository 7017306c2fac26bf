// monocov's coverage provider module for Vitest browser mode (`coverage.provider: "custom"`, which
// monocov sets for a browser-mode config; docs/browser.md). Vitest loads it twice: in the browser,
// where it takes Chromium's precise coverage through Vitest's own DevTools-protocol session, and in
// Vitest's Node process, where getProvider hands the data to monocov's writer
// (dist/runners/vitest-browser-provider.js). The browser gets this file through Vite, so it has no
// static import.

/** Vitest's browser runner: present in the browser only, with `cdp` (Vitest 3 and 4) for Chromium. */
const browserRunner = () => globalThis.__vitest_browser_runner__;

let started = false;
/** Why this iframe's coverage could not be started (Firefox, WebKit: no V8 coverage). */
let failure;

/** Scripts Vitest itself serves (its runner, Vite's client, dependencies) are not the project's. */
function servedFromProject(url) {
  if (!url.startsWith(globalThis.location.origin)) return false;
  if (url === globalThis.location.href) return false;
  return !['/node_modules/', '__vitest_browser__', '__vitest__/', '/@id/', '/@vite/'].some((part) => url.includes(part));
}

export default {
  async startCoverage() {
    const runner = browserRunner();
    // Once per iframe (test files share one with `browser.isolate: false`); starting again when
    // another iframe already has is harmless: V8 counts for the whole page, in one mode.
    if (runner === undefined || started) return;
    started = true;
    try {
      await runner.cdp.send('Profiler.enable');
      await runner.cdp.send('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
    } catch (error) {
      failure = `the browser gives no V8 coverage (${error instanceof Error ? error.message : String(error)}); only Chromium does`;
    }
  },
  async takeCoverage() {
    const runner = browserRunner();
    if (runner === undefined)
      return { result: [], notMeasured: 'they ran outside the browser, in a config monocov measures as browser mode: give them a Vitest config of their own' };
    if (failure !== undefined) return { result: [], notMeasured: failure };
    // Counts since the last take (V8 resets them), kept with their full URLs: the provider finds each script's code and map by them.
    const { result } = await runner.cdp.send('Profiler.takePreciseCoverage');
    return { result: result.filter((script) => servedFromProject(script.url)) };
  },
  stopCoverage() {
    // Coverage stays on: one V8 serves every test file's iframe.
  },
  async getProvider() {
    const nodeModule = 'node:module';
    const { createRequire } = await import(/* @vite-ignore */ nodeModule);
    return createRequire(import.meta.url)('../dist/runners/vitest-browser-provider.js').createVitestBrowserProvider();
  },
};
