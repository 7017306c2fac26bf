import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_DIR } from './package-dir';

/** This package's version, read once from its package.json. */
export const TOOL_VERSION: string = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')).version;
export const TOOL_NAME = '@monocov/core';
