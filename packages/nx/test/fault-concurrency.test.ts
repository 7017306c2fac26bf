import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createFixtureWorkspace, removeWorkspace, runNx, snapshotFiles } from './helpers/fixture-workspace';

// Issue 7, item 4 (concurrency): `nx run-many -t coverage --parallel=8` over 40 small generated
// projects leaves complete files, byte-identical to a --parallel=1 run. (Two merges of the same
// data at once: packages/core/test/cli-merge.test.ts.)
//
// Guards: a fresh, uniquely named raw folder per collection (test-command.ts createRawDir) and
// per-project data folders written atomically under unique temp names (fs-atomic.ts). Every
// project's tests also run a shared module, measured with run.source "workspace": if two tasks
// shared a raw folder, one would count the other's hits on it (or lose its own when the other
// removes the folder), and the bytes would differ from the sequential run.

const PROJECTS = 40;
const files: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'many', private: true }, null, 2),
  'nx.json': JSON.stringify({ targetDefaults: { coverage: { cache: false } } }, null, 2),
  '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'], source: 'workspace' }, reporters: ['json'] }, null, 2),
  // A project without a coverage target; its folder is where `source: "workspace"` globs start.
  'shared/project.json': JSON.stringify({ name: 'shared' }),
  'shared/src/tick.js': `exports.tick = function tick(n) {\n  return n % 2 === 0 ? 'even' : 'odd';\n};\n`,
};
for (let i = 0; i < PROJECTS; i++) {
  const name = `p${String(i).padStart(2, '0')}`;
  files[`gen/${name}/project.json`] = JSON.stringify({
    name,
    targets: {
      test: { executor: 'nx:run-commands', options: { command: 'node test/run.js', cwd: `gen/${name}` } },
      coverage: { executor: '@monocov/nx:coverage' },
    },
  });
  files[`gen/${name}/src/lib.js`] = `exports.size = function size(x) {\n  return x > ${i} ? 'big' : 'small';\n};\nexports.unused = () => ${i};\n`;
  // Project i calls its own function and the shared one i + 1 times: every project's counts differ.
  files[`gen/${name}/test/run.js`] =
    `const { size } = require('../src/lib');\nconst { tick } = require('../../../shared/src/tick');\nfor (let k = 0; k <= ${i}; k++) {\n  size(k);\n  tick(k);\n}\n`;
}

const root = createFixtureWorkspace(files);
test.after(() => removeWorkspace(root));
const projectsDir = join(root, 'coverage', 'projects');

let sequential: Record<string, string>;

test('--parallel=1: every project writes complete data with its own counts', () => {
  const result = runNx(root, ['run-many', '-t', 'coverage', '--parallel=1']);
  assert.is(result.status, 0, result.output);
  sequential = snapshotFiles(projectsDir);
  assert.is(Object.keys(sequential).length, PROJECTS * 2);
  for (let i = 0; i < PROJECTS; i++) {
    const data = JSON.parse(sequential[`gen/p${String(i).padStart(2, '0')}/coverage-final.json`]!);
    assert.equal(Object.values(data['shared/src/tick.js'].f), [i + 1], `project ${i}: the shared module's hits are its own`);
  }
});

test('--parallel=8: complete files, byte-identical to the --parallel=1 run', () => {
  const result = runNx(root, ['run-many', '-t', 'coverage', '--parallel=8']);
  assert.is(result.status, 0, result.output);
  const parallel = snapshotFiles(projectsDir);
  assert.equal(Object.keys(parallel), Object.keys(sequential));
  for (const [path, contents] of Object.entries(parallel)) {
    assert.not.throws(() => JSON.parse(contents), `${path} is complete JSON`);
    assert.is(contents, sequential[path], `${path} is byte-identical`);
  }
});

test.run();
