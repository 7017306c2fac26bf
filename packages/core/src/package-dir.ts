import { join } from 'node:path';

/**
 * The folder this package's code runs from: dist/ (src/ under tsx). The CLI runs from one bundle,
 * dist/monocov-cli.js (tools/bundle-cli.mjs), where every module's __dirname is dist/: paths to the
 * package's own files start here, never at a module's __dirname.
 */
export const CODE_DIR = __dirname;

/** This package's folder, one level above CODE_DIR: hooks/, assets/ and package.json are found from it. */
export const PACKAGE_DIR = join(CODE_DIR, '..');

/** Plain CommonJS and ESM shipped beside dist/, preloaded by path into the test processes. */
export const HOOKS_DIR = join(PACKAGE_DIR, 'hooks');
