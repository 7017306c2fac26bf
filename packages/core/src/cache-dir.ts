import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * monocov's cache folder: `node_modules/.cache/monocov` at the workspace root (the usual home of tool
 * caches, and already cached by most CI setups). It holds the maps of parsed sources (maps/), which are
 * checked as untrusted input; V8's code caches are not here (v8-code-cache.ts). `MONOCOV_CACHE=off`
 * turns both off; without a node_modules folder there is none.
 */
export function cacheDir(workspaceRoot: string, env: NodeJS.ProcessEnv): string | undefined {
  if (cachesOff(env)) return undefined;
  const modules = join(workspaceRoot, 'node_modules');
  return existsSync(modules) ? join(modules, '.cache', 'monocov') : undefined;
}

/** `MONOCOV_CACHE=off` (or 0, false, no): no map cache and no code cache. */
export function cachesOff(env: NodeJS.ProcessEnv): boolean {
  return /^(?:off|0|false|no)$/i.test(env.MONOCOV_CACHE ?? '');
}
