import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { emptyFileCoverage } from '../src/convert';
import { markCanonical, stableCoverageJson, stableEntryJson, stableKeys, stableStringify } from '../src/stable-json';

// The plain definition the fast one must agree with: copy every object with its keys sorted.
function reference(value: unknown, indent = 0): string {
  const compare = (a: string, b: string): number => {
    const numA = /^\d+$/.test(a) ? Number(a) : NaN;
    const numB = /^\d+$/.test(b) ? Number(b) : NaN;
    if (!Number.isNaN(numA) && !Number.isNaN(numB)) return numA - numB;
    return a < b ? -1 : a > b ? 1 : 0;
  };
  const sort = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(sort);
    if (item === null || typeof item !== 'object') return item;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(item).sort(compare)) sorted[key] = sort((item as Record<string, unknown>)[key]);
    return sorted;
  };
  return JSON.stringify(sort(value), null, indent) + '\n';
}

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function randomValue(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 5 : 8));
  switch (pick) {
    case 0:
      return Math.floor(next() * 100);
    case 1:
      return `s${Math.floor(next() * 10)}`;
    case 2:
      return next() < 0.5;
    case 3:
      return null;
    case 4:
      return next() < 0.5 ? undefined : -0;
    case 5:
      return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
    case 6:
      return new Date(Math.floor(next() * 1e12));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(next() * 6); i > 0; i--) {
        const key = next() < 0.5 ? String(Math.floor(next() * 12)) : ['line', 'column', 'b', 'a', 'path', '10a', '02'][Math.floor(next() * 7)]!;
        object[key] = randomValue(next, depth + 1);
      }
      return object;
    }
  }
}

/** An object written an entry at a time, as the merged coverage-final.json is. */
function byEntries(value: object): string {
  const entries = stableKeys(value).map((key) => stableEntryJson(key, (value as Record<string, unknown>)[key]));
  return `{${entries.filter((entry) => entry !== undefined).join(',')}}\n`;
}

test('gives the same bytes as sorting a copy of every object, on random data', () => {
  const next = random(42);
  for (let i = 0; i < 500; i++) {
    const value = randomValue(next, 0);
    assert.is(stableStringify(value), reference(value));
    assert.is(stableStringify(value, 2), reference(value, 2));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      assert.is(byEntries(value), reference(value));
      assert.is(stableCoverageJson(value as Record<string, unknown>), reference(value));
    }
  }
});

test('a value marked with its text is written as that text by stableCoverageJson, the rest as stableStringify writes it', () => {
  const statementMap = { 0: { end: { column: 9, line: 1 }, start: { column: 0, line: 1 } } };
  const text = JSON.stringify(statementMap);
  markCanonical(statementMap, text);
  const coverage = { 'b.ts': { statementMap, s: { 0: 1 }, path: 'b.ts', all: true, gone: undefined }, 'a.ts': new Date(0), 'c.ts': undefined, 'd.ts': [{ b: 1, a: 2 }] };
  assert.is(stableCoverageJson(coverage), reference(coverage));
  // What is copied is the text: a change the mark says cannot happen would not show.
  statementMap[0].end.column = 10;
  assert.is(stableCoverageJson(coverage), stableCoverageJson({ ...coverage, 'b.ts': { ...coverage['b.ts'], statementMap: JSON.parse(text) as object } }));
  assert.not.equal(stableStringify(coverage), stableCoverageJson(coverage));
});

test('data already in canonical order (read back from a written file) gives the same bytes again', () => {
  const coverage = {
    'b.ts': { path: 'b.ts', statementMap: { 0: { start: { line: 1, column: 0 }, end: { line: 1, column: 9 } } }, s: { 0: 2 }, fnMap: {}, f: {}, branchMap: {}, b: {} },
    'a.ts': { path: 'a.ts', statementMap: {}, s: {}, fnMap: {}, f: {}, branchMap: {}, b: {} },
  };
  const written = stableStringify(coverage);
  assert.is(stableStringify(JSON.parse(written)), written);
  assert.is(written, reference(coverage));
});

test("a file's maps, written without a walk as canonical, are in canonical order", async () => {
  // FileMapsCache marks maps canonical (markCanonical): built in order by istanbul-maps.ts, or read
  // back from the map cache. Were they built out of order, these bytes would differ from a sort.
  const fixtures = join(__dirname, 'fixtures', 'convert');
  for (const file of ['ts/src/bank.ts', 'js-cjs/lib.js', 'js-esm/lib.mjs', 'hints/lib.js']) {
    const coverage = await emptyFileCoverage(join(fixtures, file));
    assert.is(stableStringify({ [file]: coverage }), reference({ [file]: coverage }), file);
  }
});

test('does not change its input', () => {
  const input = { z: { line: 1, column: 2 }, a: [{ y: 1, x: 2 }] };
  const before = JSON.stringify(input);
  stableStringify(input);
  assert.is(JSON.stringify(input), before);
});

test.run();
