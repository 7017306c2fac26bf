import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import { coverageOf, makeWorkspace, source, writeProject } from '../fixtures/merge/helpers';
import { assertOutcome, cleanLater, cleanUp, monocov } from './helpers';

// Issue 17, found by tools/fuzz: a meta.json whose "project" is a list nested 20,000 deep made
// the shape check's message overflow the stack (exit 70). It is a data error naming the file.

test.after(cleanUp);

// Guards: store/shape.ts describe (no recursion deeper than the stack in a message).
test('a meta.json value nested 20,000 deep: exit 4 naming the file', () => {
  const root = makeWorkspace({ 'packages/a/src/a.ts': source(2) });
  cleanLater(root);
  const dir = writeProject(root, { projectRoot: 'packages/a', coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 0] } }) });
  const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
  writeFileSync(join(dir, 'meta.json'), `{"formatVersion":1,"project":${deep},"projectRoot":"packages/a","sources":{}}`);
  assertOutcome(monocov(root, ['merge']), 4, `${join(dir, 'meta.json')}: project a list nested too deep to show is not a string`);
});

// Guards: store/read.ts shown (found by tools/fuzz: String() of a formatVersion nested 20,000 deep).
test('a meta.json formatVersion nested 20,000 deep: exit 4 naming the file', () => {
  const root = makeWorkspace({ 'packages/a/src/a.ts': source(2) });
  cleanLater(root);
  const dir = writeProject(root, { projectRoot: 'packages/a', coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 0] } }) });
  writeFileSync(join(dir, 'meta.json'), `{"formatVersion":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
  assertOutcome(monocov(root, ['merge']), 4, `${join(dir, 'meta.json')}: data format version a list is not the version this monocov reads (1)`);
});

// Guards: store/shape.ts nestedDeeperThan (found by tools/fuzz: a function's "line" nested 20,000
// deep passed the shape check and overflowed the stack of the merged data's writer, exit 70).
test('a value nested 20,000 deep in a field no check reads: exit 4 naming the entry', () => {
  const root = makeWorkspace({ 'packages/a/src/a.ts': source(2) });
  cleanLater(root);
  const dir = writeProject(root, { projectRoot: 'packages/a', coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 0], f: [1] } }) });
  const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
  const data = join(dir, 'coverage-final.json');
  writeFileSync(data, readFileSync(data, 'utf8').replace('"line":1', `"line":${deep}`));
  assertOutcome(monocov(root, ['merge']), 4, `${data}: entry "packages/a/src/a.ts": is nested more than 32 levels deep (istanbul's coverage is 6)`);
});

test.run();
