import { join } from 'node:path';
import { HOOKS_DIR } from '../package-dir';

const PLAYWRIGHT_HOOK = join(HOOKS_DIR, 'playwright.cjs');

/**
 * The variable that measures Playwright Test's browsers in a covered command: the hook, preloaded
 * into every Node process it starts, gives Playwright's own `test` the measured `context`
 * fixture (hooks/playwright.cjs, playwright-fixture.ts). It does nothing in other processes. A
 * NODE_OPTIONS of `env` is kept after it.
 */
export function playwrightHookVariables(env: NodeJS.ProcessEnv): { NODE_OPTIONS: string } {
  const preload = `--require ${JSON.stringify(PLAYWRIGHT_HOOK)}`;
  const existing = env.NODE_OPTIONS?.trim();
  return { NODE_OPTIONS: existing ? `${preload} ${existing}` : preload };
}
