// The on-disk map cache (node_modules/.cache/monocov): maps read back give the same coverage as
// maps built fresh, a changed file is parsed again, and a broken entry is rebuilt, not trusted.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convertV8Directory, emptyFileCoverage, FileMapsCache, prepareFileMaps } from '../src/convert';
import { forgetBuiltMaps } from '../src/convert/file-maps-cache';
import { stableCoverageJson, stableStringify } from '../src/stable-json';
import { FIXTURES, copyFixture, removeCopies, runCovered } from './convert-harness';

const cacheDir = mkdtempSync(join(tmpdir(), 'monocov-maps-cache-'));
test.after(() => {
  removeCopies();
  rmSync(cacheDir, { recursive: true, force: true });
});

const entries = (): string[] =>
  readdirSync(join(cacheDir, 'maps'), { recursive: true })
    .map(String)
    .filter((name) => name.endsWith('.json'));

test('a conversion from cached maps equals one from maps built fresh', async () => {
  const dir = copyFixture('js-cjs');
  const rawDir = runCovered(dir, ['driver.js']);
  const include = (path: string) => path.endsWith('lib.js');
  forgetBuiltMaps();
  const fresh = stableStringify(await convertV8Directory({ rawDir, include }));
  forgetBuiltMaps();
  const storedData = await convertV8Directory({ rawDir, include, cacheDir });
  const stored = stableStringify(storedData);
  assert.is(entries().length, 1, 'one source, one entry');
  forgetBuiltMaps();
  const loadedData = await convertV8Directory({ rawDir, include, cacheDir });
  const loaded = stableStringify(loadedData);
  assert.is(stored, fresh);
  assert.is(loaded, fresh);
  // The project's data is written with the maps' text of the entry, as saved or as read: the same bytes, also when marked never loaded.
  assert.is(stableCoverageJson(storedData), fresh);
  assert.is(stableCoverageJson(loadedData), fresh);
  const placeholders = Object.fromEntries(Object.entries(loadedData).map(([path, file]) => [path, { ...file, all: true }]));
  assert.is(stableCoverageJson(placeholders), stableStringify(placeholders));
});

test('never-loaded files and the warm-up share the cache; a changed file gets a new entry', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'monocov-maps-edit-'));
  const file = join(dir, 'a.ts');
  writeFileSync(file, 'export const a = (x: number) => (x > 1 ? 1 : 2);\n');
  const before = entries().length;
  forgetBuiltMaps();
  await prepareFileMaps([file, join(FIXTURES, 'ts/src/bank.ts')], { files: new FileMapsCache(cacheDir), workspaceRoot: dir, stop: () => false });
  assert.is(entries().length, before + 2);
  forgetBuiltMaps();
  const first = await emptyFileCoverage(file, { cacheDir });
  assert.is(first.path, file, 'the path is the file asked for, not the one that stored the entry');
  assert.is(Object.keys(first.branchMap).length, 1);
  writeFileSync(file, 'export const a = (x: number) => x;\n');
  forgetBuiltMaps();
  const second = await emptyFileCoverage(file, { cacheDir });
  assert.is(Object.keys(second.branchMap).length, 0);
  assert.is(entries().length, before + 3);
  rmSync(dir, { recursive: true, force: true });
});

test('a damaged entry is built again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'monocov-maps-bad-'));
  const file = join(dir, 'b.js');
  writeFileSync(file, 'module.exports = function b(x) { return x || 0; };\n');
  forgetBuiltMaps();
  const good = stableStringify(await emptyFileCoverage(file, { cacheDir }));
  for (const name of entries()) writeFileSync(join(cacheDir, 'maps', name), '{"format":1,"maps":');
  forgetBuiltMaps();
  assert.is(stableStringify(await emptyFileCoverage(file, { cacheDir })), good);
  rmSync(dir, { recursive: true, force: true });
});

// Guards: MapsStore.load (convert/file-maps-cache.ts) taking only what save() writes. The folder is
// restored by CI from other jobs and branches: an entry's counts are where every count starts, and
// its probes say where V8's counts are read, so a crafted entry could otherwise add hits that never
// happened, or break the conversion; a huge one would be read whole.
test('an entry that parses but is not what save() writes is built again, and written again', async () => {
  const dir = copyFixture('js-cjs');
  const rawDir = runCovered(dir, ['driver.js']);
  const include = (path: string) => path.endsWith('lib.js');
  const ownCache = mkdtempSync(join(tmpdir(), 'monocov-maps-crafted-'));
  try {
    forgetBuiltMaps();
    const fresh = stableStringify(await convertV8Directory({ rawDir, include, cacheDir: ownCache }));
    const [name] = readdirSync(join(ownCache, 'maps'), { recursive: true })
      .map(String)
      .filter((entry) => entry.endsWith('.json'));
    const entry = join(ownCache, 'maps', name!);
    const written = readFileSync(entry, 'utf8');
    const lines = written.split('\n');
    const rest = JSON.parse(lines[0]!);
    const edits: Record<string, () => string> = {
      'a count that is not 0': () =>
        [JSON.stringify({ ...rest, maps: { ...rest.maps, coverage: { ...rest.maps.coverage, s: { ...rest.maps.coverage.s, 0: 1000 } } } }), ...lines.slice(1)].join('\n'),
      'a statement without its probe': () =>
        [JSON.stringify({ ...rest, maps: { ...rest.maps, statementProbes: rest.maps.statementProbes.slice(1) } }), ...lines.slice(1)].join('\n'),
      'a probe that follows a later statement': () =>
        [
          JSON.stringify({ ...rest, maps: { ...rest.maps, statementProbes: rest.maps.statementProbes.map((probe: object) => ({ ...probe, follows: 99 })) } }),
          ...lines.slice(1),
        ].join('\n'),
      'a statement range with a text line': () => [lines[0], lines[1]!.replace(/"line":\d+/, '"line":"1"'), ...lines.slice(2)].join('\n'),
      'a probe position that is not a number': () => [lines[0]!.replace(/"column":\d+/, '"column":null'), ...lines.slice(1)].join('\n'),
      'an entry far larger than the file': () => [lines[0]!.replace(/^\{/, '{' + ' '.repeat(200_000)), ...lines.slice(1)].join('\n'),
      // Well-formed, but the merge refuses data naming a line the file does not have: every later merge would fail.
      'a statement on a line beyond the file': () => [lines[0], lines[1]!.replace(/"line":\d+/, '"line":900000'), ...lines.slice(2)].join('\n'),
    };
    for (const [what, edit] of Object.entries(edits)) {
      writeFileSync(entry, edit());
      forgetBuiltMaps();
      assert.is(stableStringify(await convertV8Directory({ rawDir, include, cacheDir: ownCache })), fresh, what);
      assert.is(readFileSync(entry, 'utf8'), written, `${what}: the entry is written again`);
    }
    // Not a file: a FIFO would wait for a writer for ever, /dev/zero never end (the size bound saw 0 bytes).
    const notFiles: Record<string, () => void> = {
      'a FIFO': () => assert.is(spawnSync('mkfifo', [entry]).status, 0),
      'a link to /dev/zero': () => symlinkSync('/dev/zero', entry),
    };
    for (const [what, make] of Object.entries(process.platform === 'win32' ? {} : notFiles)) {
      rmSync(entry);
      make();
      forgetBuiltMaps();
      assert.is(stableStringify(await convertV8Directory({ rawDir, include, cacheDir: ownCache })), fresh, what);
      assert.is(readFileSync(entry, 'utf8'), written, `${what}: replaced by the entry written again`);
    }
    // A folder of the cache restored as a link: the entry is not written wherever it leads.
    const elsewhere = mkdtempSync(join(tmpdir(), 'monocov-maps-elsewhere-'));
    try {
      for (const folder of [dirname(entry), join(ownCache, 'maps')]) {
        rmSync(join(ownCache, 'maps'), { recursive: true, force: true });
        mkdirSync(dirname(folder), { recursive: true });
        symlinkSync(elsewhere, folder);
        forgetBuiltMaps();
        assert.is(stableStringify(await convertV8Directory({ rawDir, include, cacheDir: ownCache })), fresh, folder);
        assert.equal(readdirSync(elsewhere, { recursive: true }), [], `nothing written through ${folder}`);
      }
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  } finally {
    rmSync(ownCache, { recursive: true, force: true });
  }
});

test.run();
