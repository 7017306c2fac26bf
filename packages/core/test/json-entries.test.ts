import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonObjectEntries, jsonObjectEntriesOfFile } from '../src/json-entries';
import { stableStringify } from '../src/stable-json';

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
  const text = stableStringify(data);
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

test('read from a file a chunk at a time: entries across chunk boundaries, one larger than a chunk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'monocov-entries-'));
  try {
    const data: Record<string, unknown> = {};
    // Entries of many sizes (4 MiB chunks: some end just before, on and after a boundary), a
    // 9 MiB one that the window must grow to hold, multi-byte characters and escapes throughout.
    for (let i = 0; i < 400; i++) data[`src/ü${i}.ts`] = { s: 'x'.repeat((i * 7919) % 60000), q: 'é"\\{[', n: [i, { i }] };
    data['big "one"'] = { text: '𝄞'.repeat(9 * 2 ** 18) };
    for (let i = 400; i < 600; i++) data[`src/${i}.ts`] = i % 2 === 0 ? 'a,}]' : i;
    const path = join(dir, 'coverage-final.json');
    const read = (text: string): Array<[string, unknown, number]> => {
      writeFileSync(path, text);
      const fd = openSync(path, 'r');
      try {
        return [...jsonObjectEntriesOfFile(fd)];
      } finally {
        closeSync(fd);
      }
    };
    const compact = read(JSON.stringify(data));
    assert.equal(Object.fromEntries(compact.map(([key, value]) => [key, value])), data);
    for (const [key, value, size] of compact) assert.is(size, Buffer.byteLength(JSON.stringify(value)), key);
    const pretty = read(JSON.stringify(data, null, 2));
    assert.equal(Object.fromEntries(pretty.map(([key, value]) => [key, value])), data);
    const text = JSON.stringify(data);
    writeFileSync(path, text.slice(0, text.length - 2));
    const cut = openSync(path, 'r');
    try {
      assert.throws(() => [...jsonObjectEntriesOfFile(cut)], /unexpected end of data/);
    } finally {
      closeSync(cut);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
