import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeWorkspace } from '../fixtures/merge/helpers';
import { cleanLater, cleanUp, monocov } from './helpers';

// docs/security.md, "Names stay names", on the run side: a source whose name holds a line break is
// selected by run.include like any other (picomatch's `**` alone would not match it) and then left
// out by name — a warning and meta.json `dropped` — never dropped without a word, and never written
// into data that the merge would reject. Real files so named, required by a real test process.

test.after(cleanUp);

const LOADED = 'packages/p/src/loaded\nname.js';
const UNLOADED = 'packages/p/src/never\nloaded.js';

function workspace(rc: object): string {
  const root = makeWorkspace({
    '.coveragerc.json': JSON.stringify(rc),
    'packages/p/package.json': JSON.stringify({ name: 'p' }),
    'packages/p/src/lib.js': 'exports.one = function one() {\n  return 1;\n};\n',
    [LOADED]: 'exports.two = function two() {\n  return 2;\n};\n',
    [UNLOADED]: 'exports.three = 3;\n',
    'packages/p/test.js': `require('./src/lib.js').one();\nrequire(${JSON.stringify('./src/loaded\nname.js')}).two();\n`,
  });
  cleanLater(root);
  return root;
}

function written(root: string): { meta: { dropped?: unknown }; files: string[] } {
  const dir = join(root, 'coverage/projects/packages/p');
  return { meta: JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')), files: Object.keys(JSON.parse(readFileSync(join(dir, 'coverage-final.json'), 'utf8'))) };
}

// Guards: files.ts SourceSelector (globs compiled with the `s` flag, unrepresentableNames), collection/project-coverage.ts,
// convert/script-resolver.ts (onMissingFile) and collection/v8.ts (the scripts' warning, dropped.scripts).
test('a source named with a line break, loaded by the tests and (run.all) never loaded: each named in a warning and in meta.json dropped', () => {
  const root = workspace({ run: { include: ['src/**'], all: true } });
  const run = monocov(join(root, 'packages/p'), ['run', '--', process.execPath, 'test.js']);
  assert.is(run.status, 0, run.stderr);
  assert.not.match(run.stderr, /^\s+at /m);
  assert.match(
    run.stderr,
    'monocov: warning: left out 2 source file(s) whose name holds a control character, which lcov, cobertura and HTML reports cannot represent: ' +
      '"packages/p/src/loaded\\nname.js" (U+000A), "packages/p/src/never\\nloaded.js" (U+000A) (listed in meta.json `dropped`); rename them, or leave them out with run.omit',
  );
  // The loaded one ran under a URL without its line break, naming no file: its hits are counted as lost too.
  assert.match(
    run.stderr,
    /monocov: warning: the hits of 1 script\(s\) the tests ran are missing \(counted in meta.json `dropped`\): the file each names does not exist, "file:\/\/\/[^"]*\/packages\/p\/src\/loadedname\.js"; V8 removes line breaks and tabs from script URLs/,
  );
  const { meta, files } = written(root);
  assert.equal(meta.dropped, { processes: 0, scripts: 1, sources: [LOADED, UNLOADED] });
  assert.equal(files, ['packages/p/src/lib.js']);
  // What the run wrote merges without an error.
  const merge = monocov(root, ['merge']);
  assert.is(merge.status, 0, merge.stderr);
});

test('without run.all both are named too (V8 reports the loaded one under a URL without its line break); run.omit leaves them out without a word', () => {
  const root = workspace({ run: { include: ['src/**'], all: false } });
  const run = monocov(join(root, 'packages/p'), ['run', '--', process.execPath, 'test.js']);
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stderr, 'left out 2 source file(s) whose name holds a control character');
  assert.match(run.stderr, 'the hits of 1 script(s) the tests ran are missing');
  const { meta, files } = written(root);
  assert.equal(meta.dropped, { processes: 0, scripts: 1, sources: [LOADED, UNLOADED] });
  assert.equal(files, ['packages/p/src/lib.js']);

  const omitted = workspace({ run: { include: ['src/**'], omit: ['src/*\nname.js', 'src/never*'], all: true } });
  const quiet = monocov(join(omitted, 'packages/p'), ['run', '--', process.execPath, 'test.js']);
  assert.is(quiet.status, 0, quiet.stderr);
  assert.not.match(quiet.stderr, 'control character');
  assert.not.match(quiet.stderr, 'script(s) the tests ran are missing');
  const kept = written(omitted);
  assert.is(kept.meta.dropped, undefined);
  assert.equal(kept.files, ['packages/p/src/lib.js']);
});

test.run();
