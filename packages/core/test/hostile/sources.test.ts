import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
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
  return Object.entries(tree(join(root, 'coverage/workspace'))).filter(([, bytes]) => bytes.includes(text)).map(([name]) => name);
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
  writeProject(root, { projectRoot: 'packages/a', coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 0] }, 'packages/a/src/link.ts': { s: [1] }, 'packages/a/src/fifo.ts': { s: [1] } }) });
  const result = monocov(root, ['merge']);
  assert.is(result.status, 0, result.stderr);
  assert.equal(outputsHold(root, SECRET), []);
  const pages = tree(join(root, 'coverage/workspace/html'));
  assert.ok(pages['link.ts.html']!.includes('monocov: source not shown: packages/a/src/link.ts leads out of the workspace through a symbolic link'));
  assert.ok(pages['fifo.ts.html']!.includes('monocov: source not shown: packages/a/src/fifo.ts is not a regular file'));
});

test.run();
