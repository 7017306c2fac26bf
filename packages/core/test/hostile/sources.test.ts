import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coverageOf, makeWorkspace, source, writeProject } from '../fixtures/merge/helpers';
import { assertOutcome, cleanLater, cleanUp, monocov, tree } from './helpers';

// Issue 17, item 2 (the report side): a data key becomes report text only when it names a
// regular file inside the workspace, reached without a link that leaves it, outside .git/.
// Each case plants a secret where a hostile key points and checks no output holds it.

test.after(cleanUp);

const SECRET = 'token-SECRET-4711';

function outputsHold(root: string, text: string): string[] {
  return Object.entries(tree(join(root, 'coverage/workspace')))
    .filter(([, bytes]) => bytes.includes(text))
    .map(([name]) => name);
}

// Guards: paths.ts checked (.git/), workspace-source.ts unreadableSourceReason.
test('a data key naming .git/config: rejected by name, its text in no output', () => {
  const root = makeWorkspace({ 'packages/a/src/a.ts': source(2), '.git/config': `[remote]\n\turl = https://${SECRET}@example.com\n` });
  cleanLater(root);
  writeProject(root, { projectRoot: 'packages/a', coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 0] } }) });
  writeProject(root, { projectRoot: 'packages/evil', coverage: coverageOf({ '.git/config': { s: [1, 1] } }) });
  const strict = monocov(root, ['merge']);
  assertOutcome(strict, 4, 'entry ".git/config" is inside .git/, which is never reported');
  const lenient = monocov(root, ['merge', '--ignore-errors']);
  assert.is(lenient.status, 0, lenient.stderr);
  assert.equal(outputsHold(root, SECRET), []);
});

// Guards: workspace-source.ts readWorkspaceSource (real path inside the workspace, regular file, O_NONBLOCK).
test('a source that is a link out of the workspace, or a FIFO: shown as a note, never read, no hang', () => {
  const outside = mkdtempSync(join(tmpdir(), 'monocov-outside-'));
  cleanLater(outside);
  writeFileSync(join(outside, 'environ'), `TOKEN=${SECRET}\n`);
  const root = makeWorkspace({ 'packages/a/src/a.ts': source(2) });
  cleanLater(root);
  symlinkSync(join(outside, 'environ'), join(root, 'packages/a/src/link.ts'));
  assert.is(spawnSync('mkfifo', [join(root, 'packages/a/src/fifo.ts')]).status, 0);
  writeProject(root, {
    projectRoot: 'packages/a',
    coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 0] }, 'packages/a/src/link.ts': { s: [1] }, 'packages/a/src/fifo.ts': { s: [1] } }),
  });
  const data = join(root, 'coverage/projects/packages/a/coverage-final.json');
  const strict = monocov(root, ['merge']);
  assertOutcome(strict, 4, `${data}: entry "packages/a/src/link.ts" names a file that leads out of the workspace through a symbolic link; the entry was left out`);
  assert.match(strict.stderr, `${data}: entry "packages/a/src/fifo.ts" names a file that is not a regular file; the entry was left out`);
  const lenient = monocov(root, ['merge', '--ignore-errors']);
  assert.is(lenient.status, 0, lenient.stderr);
  assert.equal(outputsHold(root, SECRET), []);
  const merged = JSON.parse(readFileSync(join(root, 'coverage/workspace/coverage-final.json'), 'utf8'));
  assert.equal(Object.keys(merged), ['packages/a/src/a.ts']);
});

// Guards: combine/inputs.ts findDataFiles (links out of the data folder, non-regular data files).
test('the data folder: a link to / is not followed, a coverage-final.json that is a folder or a FIFO is named', () => {
  const root = makeWorkspace({ 'packages/a/src/a.ts': source(2) });
  cleanLater(root);
  writeProject(root, { projectRoot: 'packages/a', coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 0] } }) });
  const projects = join(root, 'coverage/projects');
  symlinkSync('/', join(projects, 'everything'));
  mkdirSync(join(projects, 'dir/coverage-final.json'), { recursive: true });
  mkdirSync(join(projects, 'fifo'));
  assert.is(spawnSync('mkfifo', [join(projects, 'fifo/coverage-final.json')]).status, 0);
  const strict = monocov(root, ['merge']);
  assertOutcome(strict, 4, `${join(projects, 'everything')}: a symbolic link out of the data folder (to /); not followed`);
  assert.match(strict.stderr, `${join(projects, 'dir/coverage-final.json')}: is a folder, not a data file; skipped`);
  assert.match(strict.stderr, `${join(projects, 'fifo/coverage-final.json')}: is not a regular file, not a data file; skipped`);
  const lenient = monocov(root, ['merge', '--ignore-errors']);
  assert.is(lenient.status, 0, lenient.stderr);
  assert.equal(Object.keys(JSON.parse(readFileSync(join(root, 'coverage/workspace/coverage-final.json'), 'utf8'))), ['packages/a/src/a.ts']);
});

test.run();
