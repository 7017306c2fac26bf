import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../src/errors';
import { checkReportFolder } from '../src/workspace-report';

// Issue 7, item 1 (config), what config-load.test.ts and config-fuzz.test.ts do not already
// prove: include globs that match nothing are warned about, a configured report folder outside
// the workspace is refused, and bad config reaches the user as exit 3 with one message and no
// stack trace from the real bin.

const BIN = join(__dirname, '..', 'bin', 'monocov.js');
const root = mkdtempSync(join(tmpdir(), 'monocov-fault-config-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
function write(path: string, contents: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), contents);
}
function monocov(cwd: string, args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
}

write('package.json', JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }));
write('packages/p/package.json', JSON.stringify({ name: 'p' }));
write('packages/p/src/lib.js', 'exports.one = () => 1;\n');
write('packages/p/spec/x.spec.js', 'exports.two = () => 2;\n');
const pkg = join(root, 'packages/p');

// Guards: scanSourceFiles' unmatchedIncludes returned by collectProjectCoverage and printed by
// `monocov run` (the Nx executor's copy is proven in packages/nx/test/fault-processes.test.ts).
test('monocov run warns about each include glob that matches no source file, and still succeeds', () => {
  write('.coveragerc.json', JSON.stringify({ run: { include: ['src/**', 'scr/**', 'spec/**'] } }));
  const result = monocov(pkg, ['run', '--', process.execPath, '-e', 'require("./src/lib").one()']);
  assert.is(result.status, 0, result.stderr);
  const warnings = result.stderr.split('\n').filter((line) => line.includes('warning:'));
  assert.equal(warnings, [
    'monocov: warning: run.include glob "scr/**" matches no source file in packages/p; check it for a typo (globs are relative to the project root)',
    // Every file it selects is omitted (spec files are tests): as useless as a typo.
    'monocov: warning: run.include glob "spec/**" matches no source file in packages/p; check it for a typo (globs are relative to the project root)',
  ]);
});

test('no warning when every include glob selects a file, with run.all off too', () => {
  write('.coveragerc.json', JSON.stringify({ run: { include: ['src/**'], all: false } }));
  const result = monocov(pkg, ['run', '--', process.execPath, '-e', 'require("./src/lib").one()']);
  assert.is(result.status, 0, result.stderr);
  assert.not.match(result.stderr, 'warning');
});

// An e2e project's folder holds only its specs (tests, omitted): under source "workspace" its
// include globs are meant for the files its tests run in other packages, relative to theirs.
test('source "workspace": no warning for the default include or a glob that selects files the tests ran elsewhere; a typo is still named', () => {
  write('packages/e2e/package.json', JSON.stringify({ name: 'e2e' }));
  write('packages/e2e/src/app.spec.js', 'require("../../p/src/lib").one();\n');
  const e2e = join(root, 'packages/e2e');
  const warnings = (run: object) => {
    write('.coveragerc.json', JSON.stringify({ run }));
    const result = monocov(e2e, ['run', '--', process.execPath, 'src/app.spec.js']);
    assert.is(result.status, 0, result.stderr);
    return result.stderr.split('\n').filter((line) => line.includes('warning:'));
  };
  assert.equal(warnings({ source: 'workspace' }), [], 'the default include selects nothing in the e2e folder: not a typo of the user');
  assert.equal(warnings({ source: 'workspace', include: ['src/**'] }), [], 'src/** selects packages/p/src/lib.js, which the test ran');
  assert.equal(warnings({ source: 'workspace', include: ['src/**', 'scr/**'] }), [
    'monocov: warning: run.include glob "scr/**" matches no source file in packages/e2e nor any file its tests ran; check it for a typo (with source "workspace", globs are relative to each file\'s package folder)',
  ]);
  // Under source "project" the other package's files are not the project's: the glob is a misconfiguration there.
  assert.equal(warnings({ include: ['src/**'] }), [
    'monocov: warning: run.include glob "src/**" matches no source file in packages/e2e; check it for a typo (globs are relative to the project root)',
  ]);
});

// Guards: checkReportFolder, which the Nx merge executor applies to its `outputDir` option.
test('a configured report folder outside the workspace, or the workspace itself, is refused', () => {
  const refused = (outputDir: string) => {
    try {
      checkReportFolder(root, outputDir, 'executor option `outputDir`');
    } catch (error) {
      assert.instance(error, ConfigError);
      return (error as Error).message;
    }
    return undefined;
  };
  assert.is(refused('../reports'), 'executor option `outputDir` must be a folder inside the workspace, got "../reports"');
  assert.is(refused('/tmp/reports'), 'executor option `outputDir` must be a folder inside the workspace, got "/tmp/reports"');
  assert.is(refused('coverage/../../x'), 'executor option `outputDir` must be a folder inside the workspace, got "coverage/../../x"');
  assert.is(refused('.'), 'executor option `outputDir` must be a folder inside the workspace, got "."');
  assert.is(refused('coverage/workspace'), undefined);
  assert.is(refused('..reports'), undefined, 'a folder whose name starts with dots is inside');
  assert.is(refused(join(root, 'out')), undefined, 'an absolute folder inside the workspace');
});

// Guards: cli/main.ts printing a MonocovError as its message plus a docs pointer, exit 3, never
// a stack trace (the wording itself is locked by config-load.test.ts).
test('bad config through the real bin: exit 3, the file, line and column or key named, no stack trace', () => {
  const cases: Array<[string, RegExp]> = [
    ['{\n  "run": {\n    "all": true,\n  }\n}', /`\.coveragerc\.json`: invalid JSON at line 3, column 16: trailing comma/],
    ['{"report": {"fail_under": 80}}', /`report\.fail_under` is not a known key; did you mean `report\.failUnder`\?/],
    ['{"run": {"dataDir": "../elsewhere"}}', /`run\.dataDir` must be a folder inside the workspace/],
    ['{"$schema": "./no/such/schema.json"}', /^$/],
  ];
  for (const [rc, message] of cases) {
    write('.coveragerc.json', rc);
    const result = monocov(root, ['check']);
    if (message.source === '^$') {
      assert.is(result.status, 0, `a $schema pointing nowhere is no error (checks the data of the runs above): ${result.stderr}`);
      continue;
    }
    assert.is(result.status, 3, result.stderr);
    assert.match(result.stderr, message);
    assert.match(result.stderr, '(see https://github.com/monocov/monocov/blob/main/docs/troubleshooting.md)');
    assert.not.match(result.stderr, /^\s+at /m);
  }
});

test.run();
