import { cpSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stableStringify } from '../src/stable-json';
import { dataAgainstHeldShare, filesIn, MODULES, monocov, SMALL_HEAP, spillWorkspace } from './spill-workspace';

// Issue 19, item 4: merge, report and check keep the data they read within a share of the heap
// (combine/merged-coverage.ts): past a share of the heap's limit, entries go to a spill file and
// each merged file is read back when the reports read it. Here the same workspace is merged,
// reported and checked with Node's default heap (everything held) and with a heap so small
// that most of the data must be spilled; every output must be the same, byte for byte.

function assertSameFiles(actual: string, expected: string): void {
  const want = filesIn(expected);
  const got = filesIn(actual);
  assert.equal([...got.keys()].sort(), [...want.keys()].sort());
  for (const [path, bytes] of want) assert.ok(got.get(path)!.equals(bytes), `${path} differs`);
}

const PROJECTS = 50;
const temps: string[] = [];
test.after(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
let root = '';

test('setup: one project measured, copied to 50', () => {
  root = spillWorkspace({
    projects: PROJECTS,
    config: {
      run: { include: ['src/**'] },
      report: { perFile: { lines: 10 }, showMissing: true },
      reporters: ['text', 'json', 'lcov', 'json-summary', 'cobertura', 'html', 'markdown'],
    },
    // Files in src/lib/ come after those in src/ in istanbul's package order, before them in key order.
    subfolder: 5,
  });
  temps.push(root);
  // The small heap's share for held data must be well below the data, so most of it is spilled.
  const { dataBytes, heldBytes } = dataAgainstHeldShare(root, 1 / 16);
  assert.ok(dataBytes > 1.5 * heldBytes, `${dataBytes} bytes of data against a held share of ${heldBytes}`);
});

test('merge: the same reports from a small heap, the data spilled and read back', () => {
  const full = monocov(root, ['merge', '--files']);
  assert.is(full.status, 2, full.stderr); // report.perFile is missed: some files have no line run
  const expected = join(root, 'expected');
  cpSync(join(root, 'coverage/workspace'), expected, { recursive: true });
  rmSync(join(root, 'coverage/workspace'), { recursive: true });
  const small = monocov(root, ['merge', '--files'], SMALL_HEAP);
  assert.is(small.stderr, full.stderr);
  assert.is(small.stdout, full.stdout);
  assert.is(small.status, full.status);
  assertSameFiles(join(root, 'coverage/workspace'), expected);
  assert.ok(filesIn(expected).size > PROJECTS * MODULES, 'an html page per file');
  // Written an entry at a time in the reports' order: still every file, in stableStringify's order and bytes.
  const data = readFileSync(join(expected, 'coverage-final.json'), 'utf8');
  assert.is(Object.keys(JSON.parse(data)).length, PROJECTS * MODULES);
  assert.is(stableStringify(JSON.parse(data)), data);
});

test('report and check of the stored merged data: the same from a small heap', () => {
  const expected = join(root, 'expected');
  for (const args of [['report', '--files'], ['check'], ['report', '--reporter', 'text', '--reporter', 'lcov']]) {
    const full = monocov(root, args);
    const small = monocov(root, args, SMALL_HEAP);
    assert.is(small.status, full.status, args.join(' '));
    assert.is(small.stdout, full.stdout, args.join(' '));
    assert.is(small.stderr, full.stderr, args.join(' '));
  }
  // `report` redraws the reports and leaves the data as it was.
  const stored = join(root, 'coverage/workspace/coverage-final.json');
  assert.ok(readFileSync(stored).equals(readFileSync(join(expected, 'coverage-final.json'))));
  assert.ok(statSync(stored).size > 0);
});

test.run();
