import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coverageOf, fileCoverage, makeWorkspace, source, writeFiles, writeProject } from '../fixtures/merge/helpers';
import { assertOutcome, cleanLater, cleanUp, monocov, tree } from './helpers';

// Issue 17, item 7 and the configuration rows of its table: every environment failure and every
// malformed setting is one message naming the path or key, with the documented exit status
// (docs/troubleshooting.md: 74 for the file system, 3 for configuration, 4 for data, 64 for
// usage), never a stack trace; outputs already in place are left as they were. Read-only and
// full file systems are real: a bind mount and a small tmpfs in a private mount namespace.

test.after(cleanUp);

/** A workspace with one project's data and a first good merge in coverage/workspace. */
function mergedWorkspace(): string {
  const root = makeWorkspace({ 'packages/a/src/a.ts': source(3) });
  cleanLater(root);
  writeProject(root, { projectRoot: 'packages/a', coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 0, 1], f: [1] } }) });
  const first = monocov(root, ['merge']);
  assert.is(first.status, 0, first.stderr);
  return root;
}

/** Runs the command with `script` (sh, `$0` = `dir`) run first in a private mount namespace. */
function inNamespace(script: string, dir: string): string[] {
  return ['unshare', '-rm', 'sh', '-c', `${script} && exec "$@"`, dir];
}

// Guards: errors.ts asMonocovError (EROFS), cli/main.ts.
test('a read-only output folder: exit 74 naming the folder; the old reports untouched', () => {
  const root = mergedWorkspace();
  const output = join(root, 'coverage/workspace');
  const before = tree(output);
  const result = monocov(root, ['merge'], { wrap: inNamespace('mount --bind -o ro "$0" "$0"', output) });
  // A mount point cannot be swapped as a whole: its entries are staged inside it, which fails first.
  assertOutcome(result, 74, `monocov merge: cannot mkdir ${output}/.monocov-staging: the file system is read-only (EROFS); point dataDir (or --output-dir) at a writable folder`);
  assert.equal(tree(output), before);
});

// Guards: writers.ts (the output folder named for a write without a path), asMonocovError (ENOSPC).
test('a full disk: exit 74 naming the output folder; the old reports untouched', () => {
  const root = mergedWorkspace();
  const output = join(root, 'coverage/workspace');
  const before = tree(output);
  const copy = mkdtempSync(join(tmpdir(), 'monocov-after-'));
  cleanLater(copy);
  // A 256 KiB tmpfs over the output folder, holding the old reports, filled up; monocov runs;
  // what it left is copied out for the checks below.
  const script = [
    'saved=$(mktemp -d) && cp -a "$0"/. "$saved"',
    'mount -t tmpfs -o size=256k tmpfs "$0" && cp -a "$saved"/. "$0"',
    '{ cat /dev/zero > "$0/.fill" 2>/dev/null; true; }',
    'copy="$1"; shift; "$@"; status=$?',
    'rm "$0/.fill"; cp -a "$0"/. "$copy"; rm -rf "$saved"; exit $status',
  ].join('\n');
  const result = monocov(root, ['merge'], { wrap: ['unshare', '-rm', 'sh', '-c', script, output, copy] });
  assertOutcome(result, 74, `monocov merge: cannot write ${output}: the disk is full (ENOSPC); free some space and run again`);
  assert.equal(tree(copy), before, 'every old report as it was, no staging folder left');
});

// Guards: asMonocovError (EACCES); the merge run as an unprivileged user.
test('an output folder this user may not write: exit 74 naming it', () => {
  const root = mergedWorkspace();
  chmodSync(root, 0o755);
  const output = join(root, 'coverage/workspace');
  const before = tree(output);
  const result = monocov(root, ['merge'], { wrap: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] });
  assertOutcome(result, 74, new RegExp(`monocov merge: cannot \\w+ ${root}/coverage/\\S+: permission denied \\(EACCES\\); check the folder's owner and mode`));
  assert.equal(tree(output), before);
});

// Guards: asMonocovError (ENOTDIR), for merge and for run's data folder.
test('a file where a folder belongs: exit 74 naming the path', () => {
  const root = mergedWorkspace();
  writeFiles(root, { 'out/file': 'x' });
  const merge = monocov(root, ['merge', '--output-dir', 'out/file/reports']);
  assertOutcome(merge, 74, `cannot mkdir ${join(root, 'out/file')}: a file is where a folder belongs (EEXIST); move that file away`);
  assert.is(readFileSync(join(root, 'out/file'), 'utf8'), 'x');

  writeFiles(root, {
    'packages/b/package.json': JSON.stringify({ name: 'b' }),
    'packages/b/t.js': '',
    '.coveragerc.json': JSON.stringify({ run: { dataDir: 'out/file' } }),
  });
  const run = monocov(join(root, 'packages/b'), ['run', '--', process.execPath, 't.js']);
  assertOutcome(run, 74, /cannot \w+ \S*out\/file\/\S*: a part of the path is a file, not a folder \(ENOTDIR\)/);
});

// Guards: writers.ts moveIntoPlace (a link in the way is set aside, its target never touched).
test('html/ a symbolic link out of the output folder: replaced by the report, its target untouched', () => {
  const root = mergedWorkspace();
  const victim = mkdtempSync(join(tmpdir(), 'monocov-victim-'));
  cleanLater(victim);
  writeFileSync(join(victim, 'precious.txt'), 'keep');
  const html = join(root, 'coverage/workspace/html');
  rmSync(html, { recursive: true });
  symlinkSync(victim, html);
  const result = monocov(root, ['merge']);
  assert.is(result.status, 0, result.stderr);
  assert.ok(lstatSync(html).isDirectory(), 'html/ is a folder again');
  assert.equal(tree(victim), { 'precious.txt': 'keep' });
  assert.ok(readFileSync(join(html, 'index.html'), 'utf8').includes('"root":"packages/a"'), 'the projects page lists the project');
});

// Guards: config/load.ts depthExceeds (before any recursive walk).
test('a .coveragerc.json nested 5,000 deep: exit 3', () => {
  const root = mergedWorkspace();
  writeFiles(root, { '.coveragerc.json': `{"run":${'['.repeat(5000)}${']'.repeat(5000)}}` });
  assertOutcome(monocov(root, ['merge']), 3, 'monocov merge: `.coveragerc.json`: nested more than 32 levels deep; no setting is nested so deep');
});

// Guards: config/load.ts listProblems (found by tools/fuzz: 100,000 bad globs made a message of 100,000 lines).
test('a .coveragerc.json with 100,000 bad values: exit 3, the first 20 named and the rest counted', () => {
  const root = mergedWorkspace();
  writeFiles(root, { '.coveragerc.json': JSON.stringify({ run: { include: new Array(100_000).fill(0) } }) });
  const result = monocov(root, ['merge']);
  assertOutcome(result, 3, '`.coveragerc.json`: `run.include[19]` must be a non-empty glob string, got 0\n… and 99980 more problem(s) of the same file');
  assert.ok(result.stderr.split('\n').length < 30);
});

// Guards: config/validate.ts formatValue (Infinity is not "null").
test('perFile: 1e400 says what it read', () => {
  const root = mergedWorkspace();
  writeFiles(root, { '.coveragerc.json': '{"report":{"perFile":1e400}}' });
  assertOutcome(monocov(root, ['merge']), 3, '`.coveragerc.json`: `report.perFile` must be a number from 0 to 100, got a number too large to represent (read as Infinity)');
});

// Guards: paths.ts checked (the workspace root is no file).
test('data keys "." and "a/..": each rejected by name, exit 4', () => {
  for (const key of ['.', 'packages/..']) {
    const root = mergedWorkspace();
    writeProject(root, { projectRoot: 'packages/evil', coverage: { [key]: fileCoverage(key, { s: [1] }) } });
    const result = monocov(root, ['merge']);
    assertOutcome(result, 4, `${join(root, 'coverage/projects/packages/evil/coverage-final.json')}: entry "." names the workspace root, not a file`);
  }
});

// Guards: cli/commands/run.ts (an empty command is a usage error, not a spawn crash).
test("run -- '': exit 64", () => {
  const root = makeWorkspace({ 'packages/a/package.json': '{"name":"a"}' });
  cleanLater(root);
  mkdirSync(join(root, 'packages/a'), { recursive: true });
  assertOutcome(monocov(join(root, 'packages/a'), ['run', '--', '']), 64, 'monocov run: the test command is an empty string');
});

test.run();
