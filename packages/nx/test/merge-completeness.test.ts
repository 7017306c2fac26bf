import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createFixtureWorkspace, readJson, REPO_ROOT, removeWorkspace, runNx } from './helpers/fixture-workspace';
import { pluginOnlyThreeProjectFiles } from './helpers/three-projects';

// Issue 11's acceptance: the merge knows from the project graph which projects should have data.
// A project whose data was deleted (and is not restored from the cache) is named, and
// `requireComplete` fails the merge; a project without tests is listed as such.

function files(): Record<string, string> {
  const files = pluginOnlyThreeProjectFiles();
  files['libs/docs/package.json'] = JSON.stringify({ name: 'docs', private: true }, null, 2);
  return files;
}

const root = createFixtureWorkspace(files());
test.after(() => removeWorkspace(root));

test('run-many -t coverage: every tested project has data; the project without tests is listed', () => {
  const result = runNx(root, ['run-many', '-t', 'coverage']);
  assert.is(result.status, 0, result.output);
  // Projects without tests are summed up in one line that says where each reason is.
  assert.match(
    result.output,
    'monocov merge: not measured: 1 project(s) without a coverage target (libs/docs); --verbose lists each reason, as does "completeness" in coverage/workspace/meta.json',
  );
  assert.not.match(result.output, 'libs/docs: not measured');
  assert.not.match(result.output, 'no data —');
  assert.equal(
    readJson(join(root, 'coverage/workspace/meta.json')).completeness.map((entry: { projectRoot: string; state: string }) => `${entry.projectRoot} ${entry.state}`),
    ['apps/cli-app current', 'libs/docs untested', 'libs/js-lib current', 'libs/ts-lib current'],
  );
});

test('deleted data, not restored from the cache: the merge names the project; requireComplete fails', () => {
  rmSync(join(root, 'coverage/projects/libs/js-lib'), { recursive: true });
  const merge = ['run', 'fixture:coverage', '--exclude-task-dependencies', '--skip-nx-cache'];
  const listed = runNx(root, [...merge, '--verbose']);
  assert.is(listed.status, 0, listed.output);
  // --verbose: each project not measured on its own line, in the words of the configured test targets.
  assert.match(listed.output, 'monocov merge: libs/docs: not measured — no "test" target');
  assert.match(listed.output, 'monocov merge: libs/js-lib: no data — its coverage did not run, failed before writing, or its data was deleted');
  assert.match(listed.output, 'monocov merge: 1 project(s) without current data; pass `requireComplete` to fail on this');

  const required = runNx(root, [...merge, '--requireComplete']);
  assert.is.not(required.status, 0, required.output);
  assert.match(required.output, 'monocov merge: libs/js-lib: no data');
});

test('the merge target and `monocov merge` print the same words for the same data: the table, the files written, the missing project, each missed threshold', () => {
  // js-lib's data is still deleted (above); a threshold no project meets adds a miss per metric.
  const rc = join(root, '.coveragerc.json');
  const original = readFileSync(rc, 'utf8');
  writeFileSync(rc, JSON.stringify({ ...JSON.parse(original), report: { failUnder: 100 } }));
  try {
    const nx = runNx(root, ['run', 'fixture:coverage', '--exclude-task-dependencies', '--skip-nx-cache']);
    assert.is.not(nx.status, 0, nx.output);
    // The CLI expects what the project graph holds: cli-app and the libs (docs without tests).
    const cli = spawnSync(process.execPath, [join(REPO_ROOT, 'packages/core/bin/monocov.js'), 'merge', '--expect', 'apps/cli-app', '--expect', 'libs/*'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.is(cli.status, 2, cli.stderr);
    const monocovLines = (text: string) => text.split('\n').filter((line) => line.startsWith('monocov merge: '));
    const cliLines = monocovLines(cli.stderr);
    for (const expected of [
      'wrote coverage/workspace/coverage-final.json',
      'libs/js-lib: no data',
      'not measured: 1 project(s)',
      'threshold missed: lines',
      '1 project(s) without current data',
    ]) {
      assert.ok(
        cliLines.some((line) => line.includes(expected)),
        `${expected} in:\n${cli.stderr}`,
      );
    }
    // Word for word, but for the name of the setting a hint points to.
    assert.equal(
      monocovLines(nx.output),
      cliLines.map((line) => line.replace('--require-complete', '`requireComplete`')),
    );
    assert.ok(cli.stdout.includes('All files'), cli.stdout);
    assert.ok(nx.output.includes(cli.stdout), `the CLI's table:\n${cli.stdout}\nin the merge target's output:\n${nx.output}`);
  } finally {
    writeFileSync(rc, original);
  }
});

test('the options baseline and baselineRef together: the merge fails naming both, and writes nothing', () => {
  const before = readFileSync(join(root, 'coverage/workspace/coverage-final.json'), 'utf8');
  const result = runNx(root, ['run', 'fixture:coverage', '--exclude-task-dependencies', '--skip-nx-cache', '--baseline=coverage', '--baselineRef=main']);
  assert.is.not(result.status, 0, result.output);
  assert.match(result.output, 'monocov merge: executor options `baseline` and `baselineRef` both name a baseline; give one');
  assert.not.match(result.output, 'monocov merge: wrote');
  assert.is(readFileSync(join(root, 'coverage/workspace/coverage-final.json'), 'utf8'), before);
});

test.run();
