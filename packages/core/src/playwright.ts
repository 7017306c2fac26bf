/**
 * `@monocov/core/playwright`: Playwright's `test` and `expect` with browser coverage. Import
 * `test` from here instead of `@playwright/test` and, when the tests run under monocov (`monocov
 * run`, the Nx coverage target: NODE_V8_COVERAGE is set), Chromium's V8 coverage of every page of
 * every test is written into the run's raw folder, and counts on the original sources through the
 * scripts' source maps (docs/browser.md). Outside monocov, and in other browsers, it does nothing.
 */
import { test as base, type BrowserContext, type Page } from '@playwright/test';
import { writeBrowserCoverage, type BrowserScriptCoverage } from './collection/browser';

export { expect } from '@playwright/test';

export const test = base.extend<{ monocovBrowserCoverage: void }>({
  monocovBrowserCoverage: [
    async ({ context, browserName }, use) => {
      const rawDir = process.env.NODE_V8_COVERAGE;
      if (!rawDir || browserName !== 'chromium') return use();
      const pages = new PageCoverage();
      context.on('page', (page) => pages.start(page));
      for (const page of context.pages()) pages.start(page);
      await use();
      const { warnings } = await writeBrowserCoverage(await pages.stop(), { rawDir, fetchText: (url) => fetchText(context, url) });
      for (const warning of warnings) console.warn(`monocov: ${warning}`);
    },
    { auto: true },
  ],
});

/** Coverage of each page of a context, from its creation (scripts run before a start are not seen) to the end of the test. */
class PageCoverage {
  private readonly started = new Map<Page, Promise<boolean>>();

  start(page: Page): void {
    this.started.set(
      page,
      page.coverage.startJSCoverage({ resetOnNavigation: false }).then(
        () => true,
        () => false, // the page closed before coverage could start: nothing of it ran measured
      ),
    );
  }

  /** Every still-open page's scripts; a page the test closed took its coverage with it (docs/browser.md). */
  async stop(): Promise<BrowserScriptCoverage[]> {
    const entries: BrowserScriptCoverage[] = [];
    for (const [page, started] of this.started) {
      if (!(await started) || page.isClosed()) continue;
      entries.push(...(await page.coverage.stopJSCoverage()));
    }
    return entries;
  }
}

async function fetchText(context: BrowserContext, url: string): Promise<string | undefined> {
  try {
    const response = await context.request.get(url);
    return response.ok() ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}
