import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeWorkspace } from '../fixtures/merge/helpers';
import { cleanLater, cleanUp, monocov } from './helpers';

// Issue 17, item 6: degrade, do not abort. A malformed raw V8 file written by a test process
// drops that process's hits; a source Babel cannot parse drops that file; each is named in a
// warning and in meta.json, the project's other data is written, and the exit status is the
// tests'.

test.after(cleanUp);

// Guards: convert/raw-files.ts rawFileProblem, convert/index.ts (resolve before add),
// collection/route.ts dropUnparsable, store/write.ts meta.dropped, collection/project-coverage.ts (run.all).
test('a raw file {"result":[null]} and an unparsable source: both dropped by name, the rest written, exit status the tests\'', () => {
  const root = makeWorkspace({
    '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'], all: true } }),
    'packages/p/package.json': JSON.stringify({ name: 'p' }),
    'packages/p/src/lib.js': 'exports.one = function one() {\n  return 1;\n};\n',
    'packages/p/src/broken.js': 'this is not ( javascript\n',
    // The test passes, and writes a malformed raw file beside its own (as a hostile or broken child would).
    'packages/p/test.js': [
      "require('./src/lib.js').one();",
      "require('node:fs').writeFileSync(require('node:path').join(process.env.NODE_V8_COVERAGE, 'coverage-1-1-1.json'), '{\"result\":[null]}');",
      "process.exitCode = 3; // the tests' own status, which monocov run must keep",
    ].join('\n'),
  });
  cleanLater(root);
  const result = monocov(join(root, 'packages/p'), ['run', '--', process.execPath, 'test.js']);
  assert.is(result.status, 3, result.stderr);
  assert.not.match(result.stderr, /^\s+at /m);
  assert.match(
    result.stderr,
    /monocov: warning: \S+coverage-1-1-1\.json is not V8 coverage: result\[0\] is not a script's coverage \(\{ url, functions \}\); the hits of that process are missing, the others are kept/,
  );
  assert.match(result.stderr, `monocov: warning: cannot parse ${join(root, 'packages/p/src/broken.js')} to measure its coverage`);
  assert.match(result.stderr, "That file was left out; the project's other files are kept.");
  const dir = join(root, 'coverage/projects/packages/p');
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  assert.equal(meta.dropped, { processes: 1, sources: ['packages/p/src/broken.js'] });
  assert.equal(meta.tests, { status: 'failed', exitCode: 3, signal: null });
  const coverage = JSON.parse(readFileSync(join(dir, 'coverage-final.json'), 'utf8'));
  assert.equal(Object.keys(coverage), ['packages/p/src/lib.js']);
  assert.equal(coverage['packages/p/src/lib.js'].f, { 0: 1 }, 'the passing process still counts');
});

test.run();
