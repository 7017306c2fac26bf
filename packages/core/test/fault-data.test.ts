import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stableStringify } from '../src/stable-json';
import { coverageOf, makeWorkspace, source, writeFiles, writeProject } from './fixtures/merge/helpers';

// Issue 7, item 2 (data). merge.test.ts proves each kind of bad data file is named and skipped
// by combineCoverage; this file proves it end to end through the real bin: all of them at once,
// each named with its path, and nothing of them in any report file. Also: a raw V8 file cut
// short by a killed process, as `monocov run` meets it.

const BIN = join(__dirname, '..', 'bin', 'monocov.js');
const roots: string[] = [];
test.after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}

const good = coverageOf({ 'packages/a/src/a.ts': { s: [1, 0, 2, 0], f: [1, 0], b: [[1, 0]] } });
const goodText = stableStringify(good);
const entry = goodText.slice(goodText.indexOf(':') + 1, -1); // the one file's coverage object
const BAD: Record<string, string> = {
  truncated: goodText.slice(0, goodText.length / 2),
  empty: '',
  binary: '\u0000\u0001\u00ff\u0010PK\u0003\u0004',
  proto: `{"__proto__":${entry}}`,
  enormous: goodText.replace('"s":{"0":1', '"s":{"0":1e308'),
  absolute: goodText.replace('"packages/a/src/a.ts"', '"/etc/passwd"'),
  escaping: goodText.replace('"packages/a/src/a.ts"', '"../../../secret.ts"'),
};

// Guards: the shape checks at the door (store/read.ts readCoverageFile through store/shape.ts checkFileCoverage,
// paths.ts) and the reports being made from the merged data only.
test('hostile and broken data files together: each named with its path, none of it in any report', () => {
  const root = makeWorkspace({ 'packages/a/src/a.ts': source(4) });
  roots.push(root);
  writeProject(root, { projectRoot: 'packages/a', coverage: good });
  for (const [name, contents] of Object.entries(BAD)) writeFiles(root, { [`coverage/projects/bad/${name}/coverage-final.json`]: contents });
  writeProject(root, { projectRoot: 'bad/newer', coverage: good, formatVersion: 99 });
  // Each is named by the file at fault: the data file, or the meta.json beside it for its version.
  const bad = [...Object.keys(BAD).map((name) => join(root, 'coverage/projects/bad', name, 'coverage-final.json')), join(root, 'coverage/projects/bad/newer/meta.json')];

  const run = (args: string[]) => spawnSync(process.execPath, [BIN, 'merge', ...args], { cwd: root, encoding: 'utf8' });
  const strict = run([]);
  assert.is(strict.status, 4, strict.stderr);
  for (const file of bad) assert.match(strict.stderr, `monocov merge: error: ${file}`);
  assert.match(strict.stderr, `${bad.length} data file(s) skipped; rerun with --ignore-errors to accept the rest`);
  assert.not.match(strict.stderr, /^\s+at /m);

  const lenient = run(['--ignore-errors']);
  assert.is(lenient.status, 0, lenient.stderr);
  for (const file of bad) assert.match(lenient.stderr, `monocov merge: ignored: ${file}`);
  const reports = allFiles(join(root, 'coverage/workspace'));
  assert.ok(reports.some((file) => file.endsWith('lcov.info')) && reports.some((file) => file.endsWith('cobertura-coverage.xml')));
  for (const file of reports) {
    const text = readFileSync(file, 'latin1');
    for (const hostile of ['/etc/passwd', 'secret.ts', '__proto__', '1e+308', '1e308']) {
      assert.not.ok(text.includes(hostile), `${file} holds ${hostile}`);
    }
  }
  const merged = JSON.parse(readFileSync(join(root, 'coverage/workspace/coverage-final.json'), 'utf8'));
  assert.equal(merged, good, 'the merged data is the good project alone, its counts unchanged');
});

// Guards: the raw-file check at the door (convert/raw-files.ts readRawFile) as `monocov run`
// meets a V8 file cut short by a killed process, and convertV8Directory's onSkippedRawFile: the
// file is named in a warning, never a stack trace, and the other processes' hits are kept.
test('a raw V8 file cut short by a killed process is named; the data written is whole or untouched', () => {
  const root = makeWorkspace({
    'packages/p/package.json': JSON.stringify({ name: 'p' }),
    'packages/p/src/lib.js': 'exports.one = function one() {\n  return 1;\n};\n',
    '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] } }),
  });
  roots.push(root);
  const dataFile = join(root, 'coverage/projects/packages/p/coverage-final.json');
  mkdirSync(join(root, 'coverage/projects/packages/p'), { recursive: true });
  writeFileSync(dataFile, '{"previous":"data"}');
  // A healthy process runs lib code; a second one leaves a raw file as a kill mid-write would.
  const script = `require('./src/lib').one();
require('node:fs').writeFileSync(require('node:path').join(process.env.NODE_V8_COVERAGE, 'coverage-99999-1-0.json'), '{"result":[{"scriptId":"1","url":"file:///x.js","functions":[{"functionName":"","ranges":[{"startOffset":0,"endOff');`;
  const result = spawnSync(process.execPath, [BIN, 'run', '--', process.execPath, '-e', script], { cwd: join(root, 'packages/p'), encoding: 'utf8' });
  assert.is(result.status, 0, result.stderr);
  assert.match(
    result.stderr,
    /warning: .*coverage-99999-1-0\.json is not valid JSON .*was the process killed while writing it\?; the hits of that process are missing, the others are kept/,
  );
  assert.not.match(result.stderr, /^\s+at /m);
  const data = JSON.parse(readFileSync(dataFile, 'utf8'));
  assert.equal(Object.values(data['packages/p/src/lib.js'].f), [1], "the healthy process's hits are kept");
  assert.not.ok(existsSync(join(root, 'coverage/workspace')));
});

test.run();
