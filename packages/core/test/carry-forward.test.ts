import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

// Issue 4: `nx affected` on a machine without a shared cache runs only the affected projects;
// the others' data comes from a baseline folder (main's artifact), marked as carried forward.
const BIN = join(__dirname, '..', 'bin', 'monocov.js');
const root = mkdtempSync(join(tmpdir(), 'monocov-carry-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

const files: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }),
  '.coveragerc.json': JSON.stringify({ run: { include: ['lib/**'] }, reporters: ['json'] }),
};
for (const name of ['a', 'b']) {
  files[`packages/${name}/package.json`] = JSON.stringify({ name, scripts: { test: 'node --test' } });
  files[`packages/${name}/lib/${name}.js`] = `exports.${name} = () => '${name}';\n`;
  files[`packages/${name}/${name}.test.js`] = `require('node:test')('${name}', () => require('./lib/${name}').${name}());\n`;
}
for (const [path, contents] of Object.entries(files)) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), contents);
}
const monocov = (cwd: string, args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
const expect = ['--expect', 'packages/a', '--expect', 'packages/b', '--require-complete'];

test('a project this run did not measure is taken from the baseline, marked carried forward', () => {
  for (const name of ['a', 'b']) assert.is(monocov(join(root, 'packages', name), ['run', '--', process.execPath, '--test']).status, 0);
  cpSync(join(root, 'coverage/projects'), join(root, 'baseline'), { recursive: true });
  rmSync(join(root, 'coverage/projects/packages/b'), { recursive: true }); // this build ran only a

  const without = monocov(root, ['merge', ...expect]);
  assert.is(without.status, 4, 'without a baseline the merge is incomplete');
  assert.match(without.stderr, 'packages/b: no data');

  const result = monocov(root, ['merge', ...expect, '--carry-forward', 'baseline']);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stderr, 'packages/b: carried forward — not run in this build; data from');
  const merged = JSON.parse(readFileSync(join(root, 'coverage/workspace/coverage-final.json'), 'utf8'));
  assert.equal(Object.keys(merged), ['packages/a/lib/a.js', 'packages/b/lib/b.js']);
  const meta = JSON.parse(readFileSync(join(root, 'coverage/workspace/meta.json'), 'utf8'));
  assert.equal(
    meta.completeness.map((entry: { projectRoot: string; state: string }) => [entry.projectRoot, entry.state]),
    [
      ['packages/a', 'current'],
      ['packages/b', 'carried-forward'],
    ],
  );
});

test('carried-forward data for a source changed since is still stale', () => {
  writeFileSync(join(root, 'packages/b/lib/b.js'), "exports.b = () => 'B';\n");
  const result = monocov(root, ['merge', ...expect, '--carry-forward', 'baseline']);
  assert.is(result.status, 4);
  assert.match(result.stderr, /packages\/b: stale data/);
});

test.run();
