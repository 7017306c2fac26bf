// Ignore hints: istanbul's own (applied by istanbul-lib-instrument), the same words with a c8,
// v8 or node:coverage prefix (node-based, as in Vitest), and c8's line-based forms.
import { join } from 'node:path';
import type { FileCoverageData } from 'istanbul-lib-coverage';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convertV8Directory, emptyFileCoverage } from '../src/convert';
import { branchIdsAt, copyFixture, removeCopies, runCovered, statementIdsAt } from './convert-harness';

let lib: FileCoverageData;
let wholeFile: FileCoverageData | undefined;
let dir: string;

test.before(async () => {
  dir = copyFixture('hints');
  const rawDir = runCovered(dir, ['driver.js']);
  const coverage = await convertV8Directory({ rawDir, include: (path) => path.startsWith(dir) && !path.endsWith('driver.js') });
  lib = coverage[join(dir, 'lib.js')] as FileCoverageData;
  wholeFile = coverage[join(dir, 'whole-file.js')] as FileCoverageData | undefined;
});
test.after(removeCopies);

const functionLines = () => Object.values(lib.fnMap).map((fn) => fn.decl.start.line);

test('ignore next (istanbul, c8, v8 prefixes; block and line comments) removes the next node', () => {
  assert.not.ok(functionLines().includes(3), 'istanbul ignore next');
  assert.not.ok(functionLines().includes(8), 'c8 ignore next');
  assert.not.ok(functionLines().includes(13), 'v8 ignore next');
  assert.equal(statementIdsAt(lib, 4), []);
  assert.equal(statementIdsAt(lib, 9), []);
  assert.equal(statementIdsAt(lib, 13), []);
});

test('ignore if / ignore else drop that arm of the if', () => {
  const [ifHinted] = branchIdsAt(lib, 'if', 17);
  assert.is(lib.branchMap[ifHinted!]!.locations.length, 1);
  assert.equal(lib.b[ifHinted!], [1], 'only the (implicit) else is left; withIfHint(false) took it');
  assert.equal(statementIdsAt(lib, 18), [], 'the ignored consequent is not counted');
  const [elseHinted] = branchIdsAt(lib, 'if', 21);
  assert.equal(lib.b[elseHinted!], [1], 'only the consequent is left');
  assert.equal(statementIdsAt(lib, 24), []);
});

test('c8 ignore next N removes the comment line and the N lines after it', () => {
  assert.equal(statementIdsAt(lib, 29), []);
  assert.equal(statementIdsAt(lib, 30), []);
  assert.is(statementIdsAt(lib, 31).length, 1);
});

test('c8 ignore start/stop and node:coverage disable/enable remove the lines between', () => {
  assert.not.ok(functionLines().includes(34));
  assert.equal(statementIdsAt(lib, 35), []);
  assert.equal(branchIdsAt(lib, 'cond-expr', 35), []);
  assert.equal(statementIdsAt(lib, 40), []);
});

test('everything else is still counted, under dense ids', () => {
  assert.ok(functionLines().includes(15) && functionLines().includes(43));
  assert.equal(lib.b[branchIdsAt(lib, 'binary-expr', 44)[0]!], [2, 1]);
  assert.equal(
    Object.keys(lib.s),
    Object.keys(lib.statementMap).map((_, i) => String(i)),
  );
  assert.equal(
    Object.keys(lib.f),
    Object.keys(lib.fnMap).map((_, i) => String(i)),
  );
  assert.equal(
    Object.keys(lib.b),
    Object.keys(lib.branchMap).map((_, i) => String(i)),
  );
});

test('v8 ignore file leaves the file with nothing to count', async () => {
  assert.ok(wholeFile);
  assert.equal(wholeFile!.statementMap, {});
  assert.equal(wholeFile!.fnMap, {});
  assert.equal(wholeFile!.branchMap, {});
  const empty = await emptyFileCoverage(join(dir, 'whole-file.js'));
  assert.equal(empty.statementMap, {});
});

test.run();
