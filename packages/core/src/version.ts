import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** This package's version, read once from its package.json (dist/ and src/ both sit one level down). */
export const TOOL_VERSION: string = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version;
export const TOOL_NAME = '@monocov/core';
