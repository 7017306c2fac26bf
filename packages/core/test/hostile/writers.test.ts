import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stableStringify } from '../../src/stable-json';
import { coverageOf, fileCoverage, makeWorkspace, source, writeProject } from '../fixtures/merge/helpers';
import { assertOutcome, cleanLater, cleanUp, monocov, tree } from './helpers';

// Issue 17, item 3: every writer escapes for its format, names no format can hold are rejected
// with a message, and every git call ends its options. Each case is a name an attacker controls:
// a committed file name, a data key, a function name, a project name in meta.json, a git ref.

test.after(cleanUp);

const XSS = '<img src=x onerror=alert(1)>';

function htmlPages(root: string): Record<string, string> {
  return Object.fromEntries(Object.entries(tree(join(root, 'coverage/workspace/html'))).filter(([name]) => name.endsWith('.html')));
}

// Guards: writers.ts escapeHtmlHeadings (istanbul's heading), escapeCoberturaFilenames.
test('a committed file named like markup: HTML pages and cobertura stay markup-free and valid', () => {
  const name = `packages/a/src/${XSS}/x&"y'.ts`;
  const root = makeWorkspace({ [name]: source(2) });
  cleanLater(root);
  writeProject(root, { projectRoot: 'packages/a', coverage: coverageOf({ [name]: { s: [1, 0] } }) });
  const result = monocov(root, ['merge']);
  assert.is(result.status, 0, result.stderr);
  const pages = htmlPages(root);
  assert.ok(Object.keys(pages).length >= 2);
  for (const [page, html] of Object.entries(pages)) {
    assert.not.ok(html.includes('<img'), `${page} holds a raw <img> tag`);
  }
  const cobertura = readFileSync(join(root, 'coverage/workspace/cobertura-coverage.xml'), 'utf8');
  assert.is(XMLValidator.validate(cobertura), true);
  assert.ok(cobertura.includes('filename="packages/a/src/&lt;img src=x onerror=alert(1)&gt;/x&amp;&quot;y&#39;.ts"'));
  const lcov = readFileSync(join(root, 'coverage/workspace/lcov.info'), 'utf8');
  assert.ok(lcov.includes(`SF:${name}\n`));
});

// Guards: paths.ts checked (control characters), writers.ts representableCoverage.
test('a data key with a line break is rejected by name; no lcov record is injected', () => {
  const root = makeWorkspace({ 'packages/a/src/a.ts': source(2) });
  cleanLater(root);
  const key = 'packages/a/src/a.ts\nSF:/etc/passwd';
  writeProject(root, { projectRoot: 'packages/a', coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 1] } }) });
  writeProject(root, { projectRoot: 'packages/evil', coverage: { [key]: fileCoverage(key, { s: [1] }) } });
  const strict = monocov(root, ['merge']);
  assertOutcome(strict, 4, 'entry "packages/a/src/a.ts\\nSF:/etc/passwd" holds the control character U+000A, which no report can represent');
  const lenient = monocov(root, ['merge', '--ignore-errors']);
  assert.is(lenient.status, 0, lenient.stderr);
  const lcov = readFileSync(join(root, 'coverage/workspace/lcov.info'), 'utf8');
  assert.equal(lcov.match(/^SF:.*$/gm), ['SF:packages/a/src/a.ts']);
});

// Guards: writers.ts representableCoverage (function names shown with visible escapes).
test('a function name with a line break and ESC: lcov keeps one record, cobertura stays valid XML', () => {
  const root = makeWorkspace({ 'packages/a/src/a.ts': source(2) });
  cleanLater(root);
  const file = fileCoverage('packages/a/src/a.ts', { s: [1, 0], f: [1] });
  file.fnMap[0]!.name = 'f\nend_of_record\nSF:/etc/passwd\u001b[2J';
  writeProject(root, { projectRoot: 'packages/a', coverage: { 'packages/a/src/a.ts': file } });
  const result = monocov(root, ['merge']);
  assert.is(result.status, 0, result.stderr);
  const lcov = readFileSync(join(root, 'coverage/workspace/lcov.info'), 'utf8');
  assert.equal(lcov.match(/^SF:.*$/gm), ['SF:packages/a/src/a.ts']);
  assert.equal(lcov.match(/^end_of_record$/gm)?.length, 1);
  assert.ok(lcov.includes('FN:1,f\\nend_of_record\\nSF:/etc/passwd\\u001b[2J\n'));
  assert.is(XMLValidator.validate(readFileSync(join(root, 'coverage/workspace/cobertura-coverage.xml'), 'utf8')), true);
  const merged = JSON.parse(readFileSync(join(root, 'coverage/workspace/coverage-final.json'), 'utf8'));
  assert.is(merged['packages/a/src/a.ts'].fnMap['0'].name, file.fnMap[0]!.name, 'the merged data keeps the name as it was');
});

// Guards: writers.ts representableCoverage (found by tools/fuzz: a function without "decl" crashed cobertura, exit 70).
test('a function without decl: every report written, its line taken from loc', () => {
  const root = makeWorkspace({ 'packages/a/src/a.ts': source(2) });
  cleanLater(root);
  const file = fileCoverage('packages/a/src/a.ts', { s: [1, 0], f: [1] });
  delete (file.fnMap[0] as { decl?: unknown }).decl;
  writeProject(root, { projectRoot: 'packages/a', coverage: { 'packages/a/src/a.ts': file } });
  const result = monocov(root, ['merge']);
  assert.is(result.status, 0, result.stderr);
  assert.ok(readFileSync(join(root, 'coverage/workspace/lcov.info'), 'utf8').includes('FN:1,fn0\n'));
  assert.is(XMLValidator.validate(readFileSync(join(root, 'coverage/workspace/cobertura-coverage.xml'), 'utf8')), true);
});

// Guards: markdown.ts code/escapeText (visibleControls), cli/main.ts terminalSafe.
test('a project name with line breaks and terminal escapes: one table row in summary.md, no escape on the terminal', () => {
  const root = makeWorkspace({ 'packages/a/src/a.ts': source(2) });
  cleanLater(root);
  const project = 'a\n\n# Injected\n<script>alert(1)</script>\u001b]0;owned\u0007\u001b[2J';
  writeProject(root, { projectRoot: 'packages/a', project, coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 0] } }) });
  const result = monocov(root, ['merge', '--format', 'markdown', '--reporter', 'markdown', '--reporter', 'text']);
  assert.is(result.status, 0, result.stderr);
  assert.not.ok(/[\u0000-\u0008\u000b-\u001f\u007f]/.test(result.stdout + result.stderr), 'no control character reaches the terminal');
  const summary = readFileSync(join(root, 'coverage/workspace/summary.md'), 'utf8');
  assert.not.match(summary, /^# Injected/m);
  assert.not.match(summary, /^<script>/m);
  const rows = summary.split('\n').filter((line) => line.startsWith('| '));
  assert.is(rows.length, 4, 'header, the project, the total (and the alignment row)');
  assert.ok(rows[2]!.includes('`packages/a (a\\n\\n# Injected\\n<script>alert(1)</script>\\u001b]0;owned\\u0007\\u001b[2J)`'), rows[2]);
});

/** The column where each row's first cell ends: the same for every row of an aligned table. */
function firstColumnEnds(table: string): number[] {
  return table
    .split('\n')
    .filter((line) => line.includes('|'))
    .map((line) => line.indexOf('|'));
}

// Guards: files.ts (a name no report can hold is left out at run, as the merge would reject it), cli/main.ts terminalSafe.
test('`monocov run --verbose`: a source named with terminal escapes is left out and named escaped; no control character reaches the terminal', () => {
  const name = 'a\u001b]0;owned\u0007\u001b[2J.js';
  const root = makeWorkspace({
    'packages/a/package.json': JSON.stringify({ name: 'a' }),
    [`packages/a/src/${name}`]: 'exports.f = () => 1;\n',
    'packages/a/src/plain.js': 'exports.g = () => 2;\n',
  });
  cleanLater(root);
  const script = `require(${JSON.stringify(`./src/${name}`)}).f(); require('./src/plain.js').g();`;
  const result = monocov(join(root, 'packages/a'), ['run', '--verbose', '--', process.execPath, '-e', script]);
  assert.is(result.status, 0, result.stderr);
  assert.not.ok(/[\u0000-\u0008\u000b-\u001f\u007f]/.test(result.stdout + result.stderr), 'no control character reaches the terminal');
  assert.match(result.stderr, '"packages/a/src/a\\u001b]0;owned\\u0007\\u001b[2J.js" (U+001B)');
  const ends = firstColumnEnds(result.stdout);
  assert.is(ends.length, 7, result.stdout); // three rules, the header, the total, the project and its one file
  assert.is(new Set(ends).size, 1, `every row aligned:\n${result.stdout}`);
  assert.match(result.stdout, '  packages/a/src/plain.js |');
  // The merge, which would reject the name, gets data without it.
  assert.is(monocov(root, ['merge']).status, 0);
});

// Guards: report/table.ts renderTable (a line break in a name cannot split a row).
test('a project name with line breaks is one row of the workspace text table', () => {
  const root = makeWorkspace({ 'packages/a/src/a.ts': source(2) });
  cleanLater(root);
  writeProject(root, { projectRoot: 'packages/a', project: 'a\n# Injected\u001b[2J', coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 0] } }) });
  const result = monocov(root, ['merge', '--reporter', 'text']);
  assert.is(result.status, 0, result.stderr);
  assert.ok(result.stdout.includes(' packages/a (a\\n# Injected\\u001b[2J) |'), result.stdout);
  assert.not.match(result.stdout, /^# Injected/m);
  assert.is(new Set(firstColumnEnds(result.stdout)).size, 1, `every row aligned:\n${result.stdout}`);
});

// Guards: baseline.ts and git-diff.ts (--end-of-options on every git call).
test('a git ref that looks like an option stays a ref: a clear error, nothing written', () => {
  const root = makeWorkspace({ 'packages/a/src/a.ts': source(2) });
  cleanLater(root);
  writeProject(root, { projectRoot: 'packages/a', coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 0] } }) });
  const git = (...args: string[]) => spawnSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: root, encoding: 'utf8' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'data');
  const pwned = join(root, 'pwned');
  const baseline = monocov(root, ['merge', `--baseline-ref=--output=${pwned}`]);
  assertOutcome(baseline, 4, `baseline --output=${pwned}: coverage/workspace/coverage-final.json cannot be read from git`);
  const diff = monocov(root, ['merge', `--diff=--output=${pwned}`]);
  assertOutcome(diff, 3, `diff base "--output=${pwned}" cannot be compared with HEAD`);
  assert.not.ok(existsSync(pwned), 'git wrote no file');
});

// Guards: combine/admit.ts (maps checked against the source), writers.ts createSourceFinder (no padding).
test('a 1 KB data file naming line 30,000,000: a data error naming it, of a missing source or of a 2-line one', () => {
  const root = makeWorkspace({ 'packages/a/src/short.ts': source(2), 'packages/a/src/ok.ts': source(2) });
  cleanLater(root);
  const far = (key: string) => {
    const file = fileCoverage(key, { s: [1] });
    file.statementMap[0] = { start: { line: 30_000_000, column: 0 }, end: { line: 30_000_000, column: 5 } };
    return file;
  };
  const coverage = {
    'packages/a/src/gone.ts': far('packages/a/src/gone.ts'),
    'packages/a/src/short.ts': far('packages/a/src/short.ts'),
    ...coverageOf({ 'packages/a/src/ok.ts': { s: [1, 0] } }),
  };
  writeProject(root, { projectRoot: 'packages/a', coverage });
  assert.ok(stableStringify({ 'packages/a/src/gone.ts': coverage['packages/a/src/gone.ts'] }).length < 1024);
  const data = join(root, 'coverage/projects/packages/a/coverage-final.json');
  const strict = monocov(root, ['merge']);
  assertOutcome(strict, 4, `${data}: entry "packages/a/src/gone.ts" names a file that is not in the workspace; the entry was left out`);
  assert.match(strict.stderr, `${data}: entry "packages/a/src/short.ts" names line 30000000, beyond the 3 line(s) of the file; the entry was left out`);
  const lenient = monocov(root, ['merge', '--ignore-errors']);
  assert.is(lenient.status, 0, lenient.stderr);
  const merged = JSON.parse(readFileSync(join(root, 'coverage/workspace/coverage-final.json'), 'utf8'));
  assert.equal(Object.keys(merged), ['packages/a/src/ok.ts']);
});

test.run();
