import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createFixtureWorkspace, readJson, removeWorkspace, runNx } from './helpers/fixture-workspace';
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
  // Projects without tests are summed up in one line; meta.json and --verbose give each reason.
  assert.match(result.output, 'monocov: not measured: 1 project(s) without a coverage target (libs/docs); meta.json, summary.md and --verbose give each reason');
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
  assert.match(listed.output, 'monocov: libs/docs: not measured — no "test" target');
  assert.match(listed.output, 'monocov: libs/js-lib: no data — its coverage did not run, failed before writing, or its data was deleted');
  assert.match(listed.output, 'set requireComplete to fail the merge on this');

  const required = runNx(root, [...merge, '--requireComplete']);
  assert.is.not(required.status, 0, required.output);
  assert.match(required.output, 'monocov: libs/js-lib: no data');
});

test.run();
