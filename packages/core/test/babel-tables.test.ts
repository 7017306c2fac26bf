import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GENERATED_PATH, REGENERATE_COMMAND, renderBabelTables } from '../../../tools/gen-babel-tables';

// The converter walks by a copy of @babel/types' tables when the installed version is the one the
// copy was made from; this fails when the lock file moves @babel/types without regenerating it.
test(`${GENERATED_PATH} matches the installed @babel/types`, () => {
  const current = readFileSync(join(__dirname, '..', '..', '..', GENERATED_PATH), 'utf8');
  assert.ok(current === renderBabelTables(), `${GENERATED_PATH} is out of date; run: ${REGENERATE_COMMAND}`);
});

test.run();
