import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countLines } from '../src/workspace-source';

// countLines is the line count a file's positions are checked against (the merge's admit, the map
// cache's entries): it must be the number of lines istanbul's HTML report splits the file into
// (istanbul-reports lib/html/annotator.js), or an entry it can show is refused, or one it cannot show kept.
const ISTANBUL_LINE_SPLIT = /(?:\r?\n)|\r/;

test('lines counted as istanbul splits them: LF, CRLF and a lone CR end a line, U+2028 and U+2029 do not', () => {
  const cases: Array<[string, number]> = [
    ['', 1],
    ['a', 1],
    ['a\n', 2],
    ['a\nb', 2],
    ['a\r\nb\r\n', 3],
    ['a\rb\r', 3],
    ['\r\r\n', 3], // a lone CR, then CRLF
    ['\n\r', 3], // LF, then a lone CR
    ['\r\n\n\r\r\n', 5],
    ['a\u2028b\u2029c', 1],
    ['a\u2028\nb\r\u2029', 3],
  ];
  for (const [text, lines] of cases) {
    assert.is(text.split(ISTANBUL_LINE_SPLIT).length, lines, JSON.stringify(text));
    assert.is(countLines(text), lines, JSON.stringify(text));
  }
});

test('the same count as istanbul for texts of every mix of line ends', () => {
  const pieces = ['a', 'bc', '\n', '\r', '\r\n', '\u2028', '\u2029'];
  let seed = 1;
  // A fixed linear congruential sequence (its high bits): the same texts every run.
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 16;
  for (let i = 0; i < 2000; i++) {
    const text = Array.from({ length: next() % 40 }, () => pieces[next() % pieces.length]).join('');
    assert.is(countLines(text), text.split(ISTANBUL_LINE_SPLIT).length, JSON.stringify(text));
  }
});

test.run();
