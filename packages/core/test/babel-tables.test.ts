import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GENERATED_PATH, REGENERATE_COMMAND, renderBabelTables } from '../../../tools/gen-babel-tables';
import { tablesFor } from '../src/convert/babel-tables';
import { BABEL_TYPES_VERSION, FUNCTION_TYPES, STATEMENT_TYPES, VISITOR_KEYS } from '../src/convert/babel-tables.generated';

// The converter walks by a copy of @babel/types' tables when the installed version is the one the
// copy was made from; this fails when the lock file moves @babel/types without regenerating it.
test(`${GENERATED_PATH} matches the installed @babel/types`, () => {
  const current = readFileSync(join(__dirname, '..', '..', '..', GENERATED_PATH), 'utf8');
  assert.ok(current === renderBabelTables(), `${GENERATED_PATH} is out of date; run: ${REGENERATE_COMMAND}`);
});

test('with another @babel/types installed, the tables come from its definitions', () => {
  const fromDefinitions = tablesFor('0.0.0-another-version');
  assert.is.not(fromDefinitions, tablesFor(BABEL_TYPES_VERSION));
  // The installed definitions are the ones the copy was made from: the same tables either way.
  assert.equal({ ...fromDefinitions.VISITOR_KEYS }, { ...VISITOR_KEYS });
  assert.equal([...fromDefinitions.FUNCTION_TYPES].sort(), [...FUNCTION_TYPES]);
  assert.equal([...fromDefinitions.STATEMENT_TYPES].sort(), [...STATEMENT_TYPES]);
});

test.run();
