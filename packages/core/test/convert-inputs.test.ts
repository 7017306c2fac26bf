// What the raw data can hold besides one plain run: never-loaded files, child processes, data
// without Node's source-map-cache, internals and excluded scripts, malformed files.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FileCoverageData } from 'istanbul-lib-coverage';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DataError } from '../src/errors';
import { V8Conversion, convertV8Directory, emptyFileCoverage } from '../src/convert';
import { compileWithTsc, copyFixture, FIXTURES, istanbulInstrument, mapsOf, removeCopies, runCovered, tempDir } from './convert-harness';

test.after(removeCopies);

const allCounts = (coverage: FileCoverageData) => [...Object.values(coverage.s), ...Object.values(coverage.f), ...Object.values(coverage.b).flat()];

test('a never-loaded file gets its true maps, every count 0', async () => {
  for (const file of ['ts/src/bank.ts', 'js-cjs/lib.js', 'js-esm/lib.mjs']) {
    const path = join(FIXTURES, file);
    const coverage = await emptyFileCoverage(path);
    assert.equal(mapsOf(coverage), mapsOf(istanbulInstrument(path).coverage), file);
    assert.ok(Object.keys(coverage.statementMap).length > 10, file);
    assert.ok(
      allCounts(coverage).every((count) => count === 0),
      file,
    );
    assert.is(coverage.path, path);
  }
});

test('JSX, TC39 decorators and unparsable files', async () => {
  const dir = tempDir('monocov-syntax-');
  writeFileSync(join(dir, 'view.tsx'), 'export const View = (p: { on?: boolean }) => (p.on ? <b>on</b> : <i>off</i>);\n');
  const view = await emptyFileCoverage(join(dir, 'view.tsx'));
  assert.equal(mapsOf(view), mapsOf(istanbulInstrument(join(dir, 'view.tsx')).coverage));
  assert.is(Object.keys(view.branchMap).length, 1);
  // `accessor` fields need TC39 decorators, which istanbul's TypeScript setup cannot parse.
  writeFileSync(join(dir, 'auto.ts'), 'const log = (_v: unknown, _c: unknown) => {};\nexport class A {\n  @log accessor size = 1;\n}\n');
  assert.is(Object.keys((await emptyFileCoverage(join(dir, 'auto.ts'))).fnMap).length, 1);
  writeFileSync(join(dir, 'broken.js'), 'function (\n');
  try {
    await emptyFileCoverage(join(dir, 'broken.js'));
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, DataError);
    assert.match((error as Error).message, /broken\.js.*run\.omit/);
  }
});

test('a file no script loaded is not in the converted data', async () => {
  const dir = copyFixture('js-cjs');
  writeFileSync(join(dir, 'unused.js'), 'module.exports = 1;\n');
  const rawDir = runCovered(dir, ['driver.js']);
  const coverage = await convertV8Directory({ rawDir, include: (path) => path.startsWith(dir) });
  assert.equal(Object.keys(coverage).sort(), [join(dir, 'driver.js'), join(dir, 'lib.js')]);
});

test("a child process's hits are added to its parent's", async () => {
  const dir = copyFixture('child');
  const rawDir = runCovered(dir, ['parent.js']);
  assert.ok(readdirSync(rawDir).length >= 2, 'one raw file per process');
  const coverage = await convertV8Directory({ rawDir, include: (path) => path === join(dir, 'lib.js') });
  const lib = coverage[join(dir, 'lib.js')] as FileCoverageData;
  assert.equal(lib.f, { 0: 3 }); // once in the parent, twice in the child
  assert.equal(lib.b, { 0: [2, 1] });
});

test("without Node's source-map-cache, maps referenced by the script are read from disk", async () => {
  const dir = copyFixture('ts');
  compileWithTsc(dir);
  const rawDir = runCovered(dir, ['dist/driver.js']);
  const include = (path: string) => path === join(dir, 'src/bank.ts');
  const withCache = await convertV8Directory({ rawDir, include });
  for (const name of readdirSync(rawDir)) {
    const raw = JSON.parse(readFileSync(join(rawDir, name), 'utf8')) as Record<string, unknown>;
    delete raw['source-map-cache'];
    writeFileSync(join(rawDir, name), JSON.stringify(raw));
  }
  const withoutCache = await convertV8Directory({ rawDir, include });
  assert.equal(Object.keys(withoutCache), [join(dir, 'src/bank.ts')]);
  assert.equal(withoutCache, withCache);
});

/** A raw dir written by hand, for cases a real run cannot produce on demand. */
function rawDirWith(files: Record<string, unknown>): string {
  const rawDir = tempDir('monocov-raw-');
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(rawDir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return rawDir;
}

test('internals and excluded scripts are dropped before any file is read; repeats are summed', async () => {
  const dir = tempDir('monocov-synthetic-');
  const source = 'function a() {\n  return 1;\n}\na();\n';
  writeFileSync(join(dir, 'a.js'), source);
  const fnStart = 0;
  const fnEnd = source.indexOf('}') + 1;
  const script = (count: number, isBlockCoverage: boolean) => ({
    scriptId: '1',
    url: pathToFileURL(join(dir, 'a.js')).href,
    functions: [
      { functionName: '', ranges: [{ startOffset: 0, endOffset: source.length, count: 1 }], isBlockCoverage: true },
      { functionName: 'a', ranges: [{ startOffset: fnStart, endOffset: fnEnd, count }], isBlockCoverage },
    ],
  });
  const noise = [
    { scriptId: '2', url: 'node:internal/main', functions: [] },
    { scriptId: '3', url: 'evalmachine.<anonymous>', functions: [] },
    { scriptId: '4', url: pathToFileURL(join(dir, 'missing-and-excluded.js')).href, functions: [] },
  ];
  const rawDir = rawDirWith({
    'coverage-1.json': { result: [...noise, script(2, true)] },
    // function-level data only, and the same script twice in one process (e.g. two realms)
    'coverage-2.json': { result: [script(0, false), script(1, false)] },
  });
  const asked: string[] = [];
  const coverage = await convertV8Directory({
    rawDir,
    include: (path) => {
      asked.push(path);
      return path === join(dir, 'a.js');
    },
  });
  assert.equal(asked.sort(), [join(dir, 'a.js'), join(dir, 'missing-and-excluded.js')]);
  const a = coverage[join(dir, 'a.js')] as FileCoverageData;
  assert.equal(a.f, { 0: 3 });
  assert.equal(a.s, { 0: 3, 1: 3 }); // return 1 ran with each call; a() once per script run
});

test('a malformed raw file is a DataError naming it; a missing raw dir is no data', async () => {
  const rawDir = rawDirWith({ 'coverage-9.json': '{"result": [' });
  try {
    await convertV8Directory({ rawDir, include: () => true });
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, DataError);
    assert.match((error as Error).message, 'coverage-9.json');
  }
  assert.equal(await convertV8Directory({ rawDir: join(rawDir, 'absent'), include: () => true }), {});
});

test('raw files converted while the tests run: one still being written waits, the sum is that of converting afterwards', async () => {
  const dir = copyFixture('child');
  const rawDir = runCovered(dir, ['parent.js']);
  const include = (path: string) => path === join(dir, 'lib.js');
  const afterwards = await convertV8Directory({ rawDir, include });
  // The parent's file as a process still writing it leaves it: cut short.
  const [first, ...others] = readdirSync(rawDir).sort();
  const whole = readFileSync(join(rawDir, first!), 'utf8');
  writeFileSync(join(rawDir, first!), whole.slice(0, whole.length / 2));
  const skipped: string[] = [];
  const conversion = new V8Conversion({ rawDir, include, onSkippedRawFile: (problem) => skipped.push(problem.message) });
  await conversion.addFilesOfEndedProcesses();
  await conversion.addFilesOfEndedProcesses(); // the complete files are not added twice
  assert.ok(others.length >= 1);
  writeFileSync(join(rawDir, first!), whole);
  assert.equal(await conversion.finish(), afterwards);
  assert.equal(skipped, []);
});

test("a running process's raw files wait: it may still rename them, as the contexts hook does", async () => {
  const dir = copyFixture('child');
  const rawDir = runCovered(dir, ['parent.js']);
  const include = (path: string) => path === join(dir, 'lib.js');
  const afterwards = await convertV8Directory({ rawDir, include });
  const running = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  try {
    const [first] = readdirSync(rawDir).sort();
    const written = join(rawDir, `coverage-${running.pid}-1-0.json`);
    renameSync(join(rawDir, first!), written);
    const conversion = new V8Conversion({ rawDir, include });
    await conversion.addFilesOfEndedProcesses();
    renameSync(written, join(rawDir, `coverage-${running.pid}-0-take1.json`));
    running.kill();
    await once(running, 'exit');
    assert.equal(await conversion.finish(), afterwards); // each file counted once, under its last name
  } finally {
    running.kill();
  }
});

test('a raw file still cut short when the tests have ended is skipped with a warning; a failed add spoils the conversion', async () => {
  const dir = copyFixture('child');
  const rawDir = runCovered(dir, ['parent.js']);
  const [first] = readdirSync(rawDir).sort();
  writeFileSync(join(rawDir, first!), '{"result": [');
  const skipped: string[] = [];
  const conversion = new V8Conversion({ rawDir, include: (path) => path === join(dir, 'lib.js'), onSkippedRawFile: (problem) => skipped.push(problem.message) });
  await conversion.addFilesOfEndedProcesses();
  assert.equal(skipped, []);
  await conversion.finish();
  assert.is(skipped.length, 1);
  assert.match(skipped[0]!, first!);

  // A source that cannot be parsed fails an add half way: finish() reports it, never a partial sum.
  writeFileSync(join(dir, 'lib.js'), 'function (\n');
  const brokenRaw = rawDirWith({
    'coverage-1.json': {
      result: [
        {
          scriptId: '1',
          url: pathToFileURL(join(dir, 'lib.js')).href,
          functions: [{ functionName: '', ranges: [{ startOffset: 0, endOffset: 10, count: 1 }], isBlockCoverage: true }],
        },
      ],
    },
  });
  const broken = new V8Conversion({ rawDir: brokenRaw, include: (path) => path === join(dir, 'lib.js') });
  let thrown = 0;
  await broken.addFilesOfEndedProcesses().catch(() => thrown++);
  await broken.finish().catch((error: unknown) => {
    thrown++;
    assert.instance(error, DataError);
    assert.match((error as Error).message, 'lib.js');
  });
  assert.is(thrown, 2);
});

test.run();
