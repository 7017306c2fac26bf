import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonObjectEntries } from '../src/json-entries';
import { stableStringifyChunks } from '../src/stable-json';

const bytesOf = (text: string) => Buffer.from(text, 'utf8');
const entriesOf = (text: string) => Object.fromEntries(jsonObjectEntries(bytesOf(text)));

test('gives the entries JSON.parse gives, whatever the strings, nesting and spacing', () => {
  const documents = [
    '{}',
    ' \n{ } \r\n',
    '{"a":1}',
    '{ "a" : 1 , "b" : [ 1, { "c": "}" } ], "d": null, "e": true, "f": -1.5e3 }',
    '{"quote \\" and brace {":"] } [ \\\\","x":{"y":"\\u00e9 é 𝄞 \\n"}}',
    '{"src/ünï/cödé.ts":{"path":"src/ünï/cödé.ts","s":{"0":1},"b":{"0":[0,2]}}}\n',
    '{"a":"","b":[],"c":{},"d":[[[]]]}',
  ];
  for (const text of documents) assert.equal(entriesOf(text), JSON.parse(text), text);
});

test('reads what the merge writes, entry by entry, as JSON.parse reads it whole', () => {
  const data: Record<string, unknown> = {};
  for (let i = 0; i < 30; i++) {
    data[`packages/p${i}/src/mod "${i}".ts`] = {
      path: `packages/p${i}/src/mod "${i}".ts`,
      statementMap: { 0: { start: { line: 1, column: 0 }, end: { line: 1, column: i } } },
      s: { 0: i },
      fnMap: {},
      f: {},
      branchMap: {},
      b: { 0: [i, 0] },
    };
  }
  const text = [...stableStringifyChunks(data)].join('');
  assert.equal(entriesOf(text), JSON.parse(text));
});

test('a document cut short anywhere, or followed by more data, is an error, never fewer entries', () => {
  const text = '{"a":{"b":[1,2,"x}"]},"c":"d\\"e","f":{}}';
  for (let end = 0; end < text.length; end++) {
    assert.throws(() => [...jsonObjectEntries(bytesOf(text.slice(0, end)))], `cut at ${end}`);
  }
  for (const bad of ['{"a":1} {', '{"a":1,}', '{"a" 1}', '{a:1}', '[{"a":1}]', '{"a":}', '{"a":[}', '"a"', '']) {
    assert.throws(() => [...jsonObjectEntries(bytesOf(bad))], bad);
  }
});

test('bytes that are not UTF-8 are an error', () => {
  const bytes = Buffer.concat([bytesOf('{"a":"'), Buffer.from([0xff, 0xfe]), bytesOf('"}')]);
  assert.throws(() => [...jsonObjectEntries(bytes)]);
});

test.run();
