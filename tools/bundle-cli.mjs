#!/usr/bin/env node
// `npm run build`'s last step: the monocov CLI as one file, packages/core/dist/monocov-cli.js, built by esbuild
// from tsc's output (dist/cli/main.js and what it requires), with a source map through tsc's maps to src/.
// bin/monocov.js runs it through dist/cli-loader.js with V8's code cache: a project's `monocov run` then
// resolves, reads and compiles one script instead of ~60 modules (docs/performance.md, issue 19). The
// package's entry (dist/index.js) is bundled the same way, as dist/monocov-core.js, for @monocov/nx's
// executors: Nx starts a process for every task (cli-loader.ts loadCore).
//
// Left outside, loaded from node_modules as before: what only some runs load (Babel for a file's first parse,
// istanbul's reporters, which read their assets from their own folder, yaml, trace-mapping, cross-spawn,
// jsonc-parser), and istanbul-lib-coverage, whose classes istanbul-lib-report checks with `instanceof`.
// hooks/ and assets/ stay files of the package, found from dist/ (src/package-dir.ts).
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const CORE = join(import.meta.dirname, '..', 'packages', 'core');
export const BUNDLE = join(CORE, 'dist', 'monocov-cli.js');
export const CORE_BUNDLE = join(CORE, 'dist', 'monocov-core.js');
const OUTSIDE = [
  '@babel/parser',
  '@babel/types',
  '@jridgewell/trace-mapping',
  'cross-spawn',
  'istanbul-lib-coverage',
  'istanbul-lib-report',
  'istanbul-reports',
  'jsonc-parser',
  'yaml',
];

export function bundleCli() {
  bundle(join(CORE, 'dist', 'cli', 'main.js'), BUNDLE);
  bundle(join(CORE, 'dist', 'index.js'), CORE_BUNDLE);
}

function bundle(entry, outfile) {
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: OUTSIDE,
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) bundleCli();
