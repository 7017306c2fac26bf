import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dataContentHash } from '../src/combine/inputs';
import { DataError } from '../src/errors';
import { readRegularFile } from '../src/regular-file';
import { readCoverageFile, readJsonFile } from '../src/store/read';

// regular-file.ts is the one reader of files others may write: data files (store/read.ts, and their hash
// that finds copies: combine/inputs.ts), map cache entries (convert/file-maps-cache.ts) and workspace
// sources (workspace-source.ts). Each case is a real file, link, FIFO or device: a FIFO must be refused
// without waiting for a writer (this test would hang), /dev/zero without reading it (it never ends).

const dir = mkdtempSync(join(tmpdir(), 'monocov-regular-file-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(join(dir, 'file.json'), '{"a":1}');
symlinkSync(join(dir, 'file.json'), join(dir, 'link.json'));
symlinkSync('/dev/zero', join(dir, 'zero.json'));
symlinkSync('loop.json', join(dir, 'loop.json'));
mkdirSync(join(dir, 'folder.json'));
assert.is(spawnSync('mkfifo', [join(dir, 'fifo.json')]).status, 0);

const outcome = (path: string, options: Parameters<typeof readRegularFile>[1]) => {
  const read = readRegularFile(join(dir, path), options);
  return read.ok ? read.bytes.toString('utf8') : read.reason;
};

test('reads a regular file, and a link to one only when links are followed', () => {
  assert.is(outcome('file.json', { followLinks: false }), '{"a":1}');
  assert.is(outcome('link.json', { followLinks: true }), '{"a":1}');
  assert.is(outcome('link.json', { followLinks: false }), 'is a symbolic link, not followed');
  assert.is(outcome('loop.json', { followLinks: true }), 'cannot be read (ELOOP)');
  assert.is(outcome('missing.json', { followLinks: true }), 'cannot be read (ENOENT)');
});

test('a FIFO, a device and a folder are refused unread', () => {
  for (const followLinks of [true, false]) {
    assert.is(outcome('fifo.json', { followLinks }), 'is not a regular file');
    assert.is(outcome('folder.json', { followLinks }), 'is not a regular file');
  }
  assert.is(outcome('zero.json', { followLinks: true }), 'is not a regular file');
  assert.is(outcome('zero.json', { followLinks: false }), 'is a symbolic link, not followed');
});

test('a file larger than the bound is refused, one of the bound read', () => {
  assert.is(outcome('file.json', { followLinks: false, maxBytes: 7 }), '{"a":1}');
  assert.is(outcome('file.json', { followLinks: false, maxBytes: 6 }), 'is larger than 6 bytes');
  writeFileSync(join(dir, 'big.json'), Buffer.alloc(2 ** 20 + 1));
  assert.is(outcome('big.json', { followLinks: false, maxBytes: 2 ** 20 }), 'is larger than 1 MiB');
});

test('the data reader names the file and why: a data file is followed as a link, meta.json and contexts.json never', () => {
  const refusal = (read: () => unknown) => {
    try {
      read();
    } catch (error) {
      assert.instance(error, DataError);
      return (error as Error).message;
    }
    return 'read';
  };
  assert.is(
    refusal(() => readJsonFile(join(dir, 'link.json'))),
    `${join(dir, 'link.json')}: is a symbolic link, not followed`,
  );
  assert.is(
    refusal(() => readJsonFile(join(dir, 'fifo.json'))),
    `${join(dir, 'fifo.json')}: is not a regular file`,
  );
  assert.is(
    refusal(() => readCoverageFile(join(dir, 'fifo.json'))),
    `${join(dir, 'fifo.json')}: is not a regular file`,
  );
  assert.is(
    refusal(() => readCoverageFile(join(dir, 'zero.json'))),
    `${join(dir, 'zero.json')}: is not a regular file`,
  );
  writeFileSync(join(dir, 'data.json'), '{"src/a.ts":{}}');
  symlinkSync(join(dir, 'data.json'), join(dir, 'data-link.json'));
  assert.match(
    refusal(() => readCoverageFile(join(dir, 'data-link.json'))),
    `${join(dir, 'data-link.json')}: entry "src/a.ts": `,
  );
});

test("a data file's hash for copies tells a companion that is absent from one that is unreadable, which is never read", () => {
  const hashWith = (name: string, meta: (path: string) => void) => {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'coverage-final.json'), '{}');
    meta(join(dir, name, 'meta.json'));
    return dataContentHash(join(dir, name, 'coverage-final.json'));
  };
  const absent = hashWith('absent', () => {});
  assert.is(
    hashWith('absent-too', () => {}),
    absent,
  );
  const folder = hashWith('meta-folder', (path) => mkdirSync(path));
  assert.is.not(folder, absent);
  // Opened without waiting for a writer (else this test would hang), and not read.
  assert.is(
    hashWith('meta-fifo', (path) => assert.is(spawnSync('mkfifo', [path]).status, 0)),
    folder,
  );
  const written = hashWith('meta-written', (path) => writeFileSync(path, '{}'));
  assert.is.not(written, absent);
  assert.is.not(written, folder);
});

test.run();
