import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { monocov, SMALL_HEAP, spillWorkspace } from './spill-workspace';

// Issue 19, item 4: a merge past its held share writes entries to a spill file (src/spill.ts), and
// every report is written in one walk over the files (report/writers.ts), so each spilled entry is
// read back once per merge or report, not once per report, and `check` (totals only) reads none
// back. Observed in real runs from outside: fixtures/spill/count-reads.cjs, preloaded, logs the
// process's writes to its spill files and the byte ranges it reads back.

const PRELOAD = join(__dirname, 'fixtures', 'spill', 'count-reads.cjs');
const temps: string[] = [];
test.after(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
let root = '';

interface SpillFile {
  written: number;
  reads: Array<[position: number, count: number]>;
}

function spillFiles(args: string[]): SpillFile[] {
  const log = join(root, 'spill-reads.json');
  const run = monocov(root, args, [...SMALL_HEAP, '--require', PRELOAD], { SPILL_READS_LOG: log });
  assert.is(run.status, 0, run.stderr);
  return JSON.parse(readFileSync(log, 'utf8')) as SpillFile[];
}

/** Bytes read back more than once, over every spill file. */
function readAgain(files: SpillFile[]): number {
  let again = 0;
  for (const { reads } of files) {
    const seen = new Set<number>();
    for (const [position, count] of reads) {
      for (let at = position; at < position + count; at++) {
        if (seen.has(at)) again++;
        seen.add(at);
      }
    }
  }
  return again;
}

test('setup: one project measured, copied to 30', () => {
  root = spillWorkspace({
    projects: 30,
    config: { run: { include: ['src/**'] }, reporters: ['text', 'json', 'lcov', 'json-summary', 'cobertura', 'html', 'markdown'] },
    subfolder: 5,
  });
  temps.push(root);
});

test('merge: every spilled entry read back once, for all the reports', () => {
  const files = spillFiles(['merge']);
  const written = files.reduce((sum, file) => sum + file.written, 0);
  const read = files.reduce((sum, file) => sum + file.reads.reduce((total, [, count]) => total + count, 0), 0);
  assert.ok(written > 0, 'the small heap spilled data');
  assert.is(readAgain(files), 0);
  assert.is(read, written);
});

test('report of the stored merged data: every spilled entry read back once; check: none', () => {
  const report = spillFiles(['report']);
  assert.ok(
    report.some((file) => file.written > 0),
    'the small heap spilled data',
  );
  assert.is(readAgain(report), 0);
  assert.is(
    report.reduce((sum, file) => sum + file.reads.reduce((total, [, count]) => total + count, 0), 0),
    report.reduce((sum, file) => sum + file.written, 0),
  );
  const check = spillFiles(['check']);
  assert.ok(
    check.some((file) => file.written > 0),
    'the small heap spilled data',
  );
  assert.equal(
    check.map((file) => file.reads.length),
    check.map(() => 0),
  );
});

test.run();
