import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeWorkspace } from '../fixtures/merge/helpers';
import { assertOutcome, cleanLater, cleanUp, monocov } from './helpers';

// Issue 17, item 6: a test run killed by a signal is a state the merge names (`killed`), not
// data merged as if the tests had passed. A real test process killed under `monocov run`: a
// child it started ended and wrote its coverage, then the test process itself was killed (a CI
// timeout, the out-of-memory killer). Its data is written, recorded (meta.json `tests.signal`),
// named by the merge in every place completeness shows, and `--require-complete` fails on it.
// A later run killed before recording anything keeps the earlier data, named `killed` too.

test.after(cleanUp);

const root = makeWorkspace({
  '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] } }),
  'packages/p/package.json': JSON.stringify({ name: 'p', scripts: { test: 'node test.js' } }),
  'packages/p/src/lib.js': 'exports.hit = function hit() {\n  return 1;\n};\nexports.late = function late() {\n  return 2;\n};\n',
  // A child covers hit() and ends; then the test process is killed before it could call late().
  'packages/p/test.js': [
    "require('node:child_process').execFileSync(process.execPath, ['-e', 'require(\"./src/lib.js\").hit()']);",
    "process.kill(process.pid, 'SIGTERM');",
    "setTimeout(() => require('./src/lib.js').late(), 10_000);",
  ].join('\n'),
  'packages/p/pass.js': "require('./src/lib.js').hit();\nrequire('./src/lib.js').late();\n",
});
cleanLater(root);
const pkg = join(root, 'packages/p');
const dataDir = join(root, 'coverage/projects/packages/p');
const read = (path: string): string => readFileSync(path, 'utf8');
const meta = (): Record<string, unknown> => JSON.parse(read(join(dataDir, 'meta.json')));

/** The project's state as the HTML report's projects page shows it (the data the page draws from). */
function htmlState(): { state: string; reasons: string[] } {
  const html = read(join(root, 'coverage/workspace/html/index.html'));
  const data = JSON.parse(/<script type="application\/json" id="monocov-data">([^<]*)<\/script>/.exec(html)![1]!);
  return data.projects.find((project: { root: string }) => project.root === 'packages/p');
}

// Guards: collection/project-coverage.ts outcomeLine, store/read.ts runFailure, completeness.ts (killed),
// report/markdown.ts, report.js STATE_LABELS, completeness.ts INCOMPLETE_STATES.
test('tests killed by SIGTERM after a child wrote coverage: data written, recorded; the merge names the project killed everywhere', () => {
  const run = monocov(pkg, ['run', '--', process.execPath, 'test.js']);
  assert.is(run.status, 143, run.stderr);
  assert.match(
    run.stderr,
    /monocov: the test command was killed by SIGTERM: p: statements [\d.]+%.* in 1 file; data written to \.\.\/\.\.\/coverage\/projects\/packages\/p, recorded as killed \(it holds only what the processes that ended wrote\)\n/,
  );
  assert.equal(meta().tests, { status: 'failed', exitCode: null, signal: 'SIGTERM' });
  const data = JSON.parse(read(join(dataDir, 'coverage-final.json')))['packages/p/src/lib.js'];
  assert.equal(data.f, { '0': 1, '1': 0 }, 'the child’s hits are kept, the killed process’s are not there');

  const reason = 'its tests were killed by SIGTERM; the data holds only what the processes that ended wrote';
  const merge = monocov(root, ['merge', '--reporter', 'text', '--reporter', 'html', '--reporter', 'markdown']);
  assert.is(merge.status, 0, merge.stderr);
  assert.match(merge.stderr, `monocov merge: packages/p: killed — ${reason}\n`);
  assert.match(merge.stderr, 'monocov merge: 1 project(s) without current data; pass --require-complete to fail on this');
  assert.match(merge.stdout, 'packages/p'); // the data counts in the table: it is what ran
  const workspaceMeta = JSON.parse(read(join(root, 'coverage/workspace/meta.json')));
  assert.equal(workspaceMeta.completeness, [{ project: 'p', projectRoot: 'packages/p', state: 'killed', reasons: [reason] }]);
  assert.match(read(join(root, 'coverage/workspace/summary.md')), '**Without current data:** `packages/p` (tests killed).');
  assert.equal(htmlState().state, 'killed');
  assert.equal(htmlState().reasons, [reason]);
  assert.match(read(join(root, 'coverage/workspace/html/monocov/report.js')), "killed: 'killed'");

  const strict = monocov(root, ['merge', '--require-complete']);
  assertOutcome(strict, 4, `monocov merge: packages/p: killed — ${reason}\n`);
  assert.match(strict.stderr, 'monocov merge: 1 project(s) without current data; the merge fails (--require-complete)');
  // report and check show what the last merge recorded.
  assert.match(monocov(root, ['report', '--reporter', 'text']).stderr, `monocov report: packages/p: killed — ${reason}`);
});

// Guards: store/write.ts recordRunWithoutTests (laterRun), store/read.ts runFailure (laterRun.signal).
test('a later run killed before recording anything keeps the earlier data, named killed until a run completes', () => {
  const pass = monocov(pkg, ['run', '--', process.execPath, 'pass.js']);
  assert.is(pass.status, 0, pass.stderr);
  const earlier = read(join(dataDir, 'coverage-final.json'));
  assert.equal(monocov(root, ['merge', '--require-complete']).status, 0);

  const killed = monocov(pkg, ['run', '--', process.execPath, '-e', "process.kill(process.pid, 'SIGKILL')"]);
  assert.is(killed.status, 137, killed.stderr);
  assert.match(killed.stderr, "before any coverage of p's code was recorded: no data written, the earlier data in ../../coverage/projects/packages/p is kept, recorded as killed");
  assert.is(read(join(dataDir, 'coverage-final.json')), earlier);
  assert.equal(meta().laterRun, { exitCode: null, signal: 'SIGKILL' });
  const strict = monocov(root, ['merge', '--require-complete']);
  assertOutcome(strict, 4, 'monocov merge: packages/p: killed — its last run was killed by SIGKILL before any coverage was recorded; the data is from an earlier run\n');

  assert.is(monocov(pkg, ['run', '--', process.execPath, 'pass.js']).status, 0);
  assert.is(meta().laterRun, undefined);
  assert.is(monocov(root, ['merge', '--require-complete']).status, 0);
});

test.run();
