/**
 * The browser half of a Playwright run under monocov: hooks/playwright.cjs, preloaded into every
 * Node process of a covered test command, adds `contextFixture` to Playwright Test's own `test`,
 * so specs and fixtures files import `test` from `@playwright/test` as usual (docs/browser.md).
 * Loaded only in a process that loads Playwright Test; it imports nothing of Playwright's.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { writeBrowserCoverage, type BrowserScriptCoverage } from './browser';
import { takeWorkerCoverage } from './chromium-workers';

export { watchChromiumLaunches } from './chromium-workers';

/**
 * Playwright's `context` fixture, measured: with NODE_V8_COVERAGE set and Chromium, every page of
 * the test's context records V8 coverage from its creation, and its workers from their start
 * (chromium-workers.ts); before the context closes at the end of the test, what Chromium recorded
 * is written into the run's raw folder with each script's source map. A test that uses no page or
 * context starts no browser for it. Playwright reads the fixture's dependencies from this
 * function's text: the first parameter stays a destructuring.
 */
export async function contextFixture({ context, browserName }: { context: BrowserContext; browserName: string }, use: (context: BrowserContext) => Promise<void>): Promise<void> {
  const rawDir = process.env.NODE_V8_COVERAGE;
  if (!rawDir || browserName !== 'chromium') return use(context);
  const pages = new PageCoverage();
  context.on('page', (page) => pages.start(page));
  for (const page of context.pages()) pages.start(page);
  await use(context);
  const entries = [...(await pages.stop()), ...(await pages.workers())];
  const { warnings } = await writeBrowserCoverage(entries, { rawDir, fetchText: (url) => fetchText(context, url) });
  for (const warning of warnings) console.warn(`monocov: ${warning}`);
}

/** Coverage of each page of a context, from its creation (scripts run before a start are not seen) to the end of the test. */
class PageCoverage {
  private readonly started = new Map<Page, Promise<boolean>>();
  /** Chromium's id of the context, which its workers carry: asked of its first page. */
  private browserContextId: Promise<string | undefined> | undefined;

  start(page: Page): void {
    this.browserContextId ??= browserContextIdOf(page);
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

  /** The coverage of the context's workers still running. */
  async workers(): Promise<BrowserScriptCoverage[]> {
    const id = await this.browserContextId;
    return id === undefined ? [] : takeWorkerCoverage(id);
  }
}

async function browserContextIdOf(page: Page): Promise<string | undefined> {
  try {
    const session = await page.context().newCDPSession(page);
    const { targetInfo } = (await session.send('Target.getTargetInfo')) as { targetInfo: { browserContextId?: string } };
    await session.detach();
    return targetInfo.browserContextId;
  } catch {
    return undefined; // the page closed first: its context's workers ended with it
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
