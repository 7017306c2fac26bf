// The range look-up every count goes through: innermost range, nesting, functions starting at a probe.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RangeTree } from '../src/convert/range-tree';

const fn = (start: number, end: number, count: number, blocks: Array<[number, number, number]> = []) => ({
  functionName: '',
  isBlockCoverage: blocks.length > 0,
  ranges: [{ startOffset: start, endOffset: end, count }, ...blocks.map(([s, e, c]) => ({ startOffset: s, endOffset: e, count: c }))],
});

// script [0,100) ×1; function [10,60) ×4 with a block [20,30) ×0; a function [40,50) ×7 nested in it
const tree = new RangeTree([fn(0, 100, 1), fn(10, 60, 4, [[20, 30, 0]]), fn(40, 50, 7)]);
const countAt = (offset: number) => tree.countOf(tree.indexAt(offset));

test('the innermost range containing an offset gives its count; ends are exclusive', () => {
  assert.is(countAt(5), 1);
  assert.is(countAt(15), 4);
  assert.is(countAt(20), 0);
  assert.is(countAt(30), 4);
  assert.is(countAt(45), 7);
  assert.is(countAt(60), 1);
  assert.is(countAt(150), 0); // outside every range
});

test('a function starting exactly at the offset is passed over (the code defining it)', () => {
  assert.is(countAt(40), 4);
  assert.is(countAt(10), 1);
  assert.is(countAt(41), 7);
});

test('ranges listed out of order are nested all the same', () => {
  const shuffled = new RangeTree([fn(40, 50, 7), fn(10, 60, 4, [[20, 30, 0]]), fn(0, 100, 1)]);
  for (const offset of [5, 15, 20, 30, 45, 60]) assert.is(shuffled.countOf(shuffled.indexAt(offset)), countAt(offset), String(offset));
  assert.ok(tree.contains(tree.indexAt(45), 41));
  assert.not.ok(tree.contains(tree.indexAt(45), 55));
});

test.run();
