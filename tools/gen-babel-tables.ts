// Writes packages/core/src/convert/babel-tables.generated.ts: the parts of @babel/types'
// definitions the converter walks by (child fields per node type, the Function and Statement
// aliases). Loading the definitions themselves costs more than converting a small project's data;
// the converter uses this copy when the installed @babel/types is the version it was made from.
// Usage: node --import tsx tools/gen-babel-tables.ts [--check]
// With --check it writes nothing and exits 1 when the file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const REGENERATE_COMMAND = 'node --import tsx tools/gen-babel-tables.ts';
export const GENERATED_PATH = 'packages/core/src/convert/babel-tables.generated.ts';

const root = join(__dirname, '..');
// The @babel/types that @monocov/core resolves, not whichever another package hoists.
const requireFromCore = createRequire(join(root, 'packages/core/package.json'));

interface Definitions {
  VISITOR_KEYS: Record<string, string[]>;
  FLIPPED_ALIAS_KEYS: Record<string, string[]>;
}

export function renderBabelTables(): string {
  const { version } = requireFromCore('@babel/types/package.json') as { version: string };
  const definitions = requireFromCore('@babel/types/lib/definitions/index.js') as Definitions;
  const visitorKeys = Object.keys(definitions.VISITOR_KEYS)
    .sort()
    .map((type) => `  ${type}: ${JSON.stringify(definitions.VISITOR_KEYS[type])},`);
  const list = (alias: string) => JSON.stringify([...definitions.FLIPPED_ALIAS_KEYS[alias]!].sort());
  return [
    `// Generated from @babel/types ${version} by \`${REGENERATE_COMMAND}\`; do not edit.`,
    '',
    `export const BABEL_TYPES_VERSION = ${JSON.stringify(version)};`,
    '',
    'export const VISITOR_KEYS: Record<string, readonly string[]> = {',
    ...visitorKeys,
    '};',
    '',
    `export const FUNCTION_TYPES: readonly string[] = ${list('Function')};`,
    '',
    `export const STATEMENT_TYPES: readonly string[] = ${list('Statement')};`,
    '',
  ].join('\n');
}

if (require.main === module) {
  const path = join(root, GENERATED_PATH);
  const current = readFileSync(path, { encoding: 'utf8', flag: 'a+' });
  const next = renderBabelTables();
  if (process.argv.includes('--check')) {
    if (current !== next) {
      process.stderr.write(`${GENERATED_PATH} is out of date; run: ${REGENERATE_COMMAND}\n`);
      process.exit(1);
    }
  } else if (current !== next) {
    writeFileSync(path, next);
    process.stdout.write(`wrote ${GENERATED_PATH}\n`);
  }
}
