/**
 * A small monorepo whose merged HTML report shows every project data state at once, shared by
 * the report-ui e2e and tools/report-screenshots.ts (the pictures in docs/). Two builds:
 * 1. the baseline: strings (one test), math and dates measured and merged; `coverage/` kept as
 *    the baseline;
 * 2. today's: strings gains a test (its numbers change), math gains a source file without
 *    being rerun (stale), flaky's tests fail (failed), halted's test command is killed by a signal after its tests
 *    ran (killed), dates is not run (carried forward from the baseline), cli-app has
 *    tests but never ran (missing), legacy has no tests (not measured), and a tools/ folder
 *    that is not a project of the workspace has left data (unexpected).
 * `monocov` runs the CLI in a folder: the installed tarball in the e2e, this repository's build
 * in the screenshot script. The dates project's name is markup, to show it stays text.
 */
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFiles } from './lib';

/** Runs `monocov <args>` in `cwd`, returning its output; throws when its exit status is not `status`. */
export type MonocovCli = (cwd: string, args: string[], status?: number) => string;

/** The projects the report must show, by root: name and data state. */
export const REPORT_PROJECTS: Record<string, { name: string; state: string }> = {
  'apps/cli': { name: 'cli-app', state: 'missing' },
  'libs/dates': { name: '<img src=x onerror="window.__injected=1">', state: 'carried-forward' },
  'libs/flaky': { name: '@demo/flaky', state: 'failed' },
  'libs/halted': { name: '@demo/halted', state: 'killed' },
  'libs/legacy': { name: 'legacy', state: 'untested' },
  'libs/math': { name: '@demo/math', state: 'stale' },
  'libs/strings': { name: '@demo/strings', state: 'current' },
  'tools/gen': { name: 'gen', state: 'unexpected' },
};

const testFile = (module: string, lines: string[]) =>
  [`const { test } = require('node:test');`, `const assert = require('node:assert');`, `const lib = require('../src/${module}');`, ...lines, ''].join('\n');

const pkg = (name: string, test?: string) => JSON.stringify({ name, private: true, ...(test ? { scripts: { test } } : {}) }, null, 2);

export function writeReportWorkspace(root: string): void {
  writeFiles(root, {
    'package.json': JSON.stringify({ name: 'report-ws', private: true, workspaces: ['apps/*', 'libs/*', 'tools/*'] }, null, 2),
    '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'], contexts: 'test' }, reporters: ['json', 'json-summary', 'html'] }, null, 2),
    'libs/strings/package.json': pkg('@demo/strings', 'node --test'),
    'libs/strings/src/strings.js': [
      `exports.shout = (text) => text.toUpperCase() + '!';`,
      `exports.whisper = (text) => {`,
      `  return text.toLowerCase();`,
      `};`,
      `exports.pad = (text, width) => {`,
      `  if (text.length >= width) return text;`,
      `  return text + ' '.repeat(width - text.length);`,
      `};`,
      ``,
    ].join('\n'),
    'libs/strings/src/format/title.js': [
      `exports.title = (text) =>`,
      `  text`,
      `    .split(' ')`,
      `    .map((word) => (word ? word[0].toUpperCase() + word.slice(1) : word))`,
      `    .join(' ');`,
      ``,
    ].join('\n'),
    'libs/strings/test/shout.test.js': testFile('strings', [
      `test('shout', () => assert.equal(lib.shout('a'), 'A!'));`,
      `test('pad', () => assert.equal(lib.pad('ab', 4), 'ab  '));`,
    ]),
    'libs/math/package.json': pkg('@demo/math', 'node --test'),
    'libs/math/src/math.js': [
      `exports.add = (a, b) => a + b;`,
      `exports.divide = (a, b) => {`,
      `  if (b === 0) throw new RangeError('division by zero');`,
      `  return a / b;`,
      `};`,
      `exports.clamp = (value, low, high) => Math.min(high, Math.max(low, value));`,
      ``,
    ].join('\n'),
    'libs/math/test/math.test.js': testFile('math', [`test('add', () => assert.equal(lib.add(1, 2), 3));`, `test('divide', () => assert.equal(lib.divide(6, 3), 2));`]),
    // npm refuses such a package name; Nx takes a project's name from project.json, and so do `--expect` and `run --project`.
    'libs/dates/package.json': pkg('@demo/dates', 'node --test'),
    'libs/dates/project.json': JSON.stringify({ name: REPORT_PROJECTS['libs/dates']!.name }, null, 2),
    'libs/dates/src/dates.js': [
      `exports.isWeekend = (date) => {`,
      `  const day = date.getUTCDay();`,
      `  return day === 0 || day === 6;`,
      `};`,
      `exports.iso = (date) => date.toISOString().slice(0, 10);`,
      ``,
    ].join('\n'),
    'libs/dates/test/dates.test.js': testFile('dates', [`test('iso', () => assert.equal(lib.iso(new Date(0)), '1970-01-01'));`]),
    'libs/flaky/package.json': pkg('@demo/flaky', 'node --test'),
    'libs/flaky/src/flaky.js': `exports.half = (n) => {\n  if (n % 2) return (n - 1) / 2;\n  return n / 2;\n};\n`,
    'libs/flaky/test/flaky.test.js': testFile('flaky', [`test('half of 4', () => assert.equal(lib.half(4), 2));`, `test('half of 3', () => assert.equal(lib.half(3), 1.5));`]),
    'libs/halted/package.json': pkg('@demo/halted', 'node --test'),
    'libs/halted/src/halted.js': `exports.stop = (reason) => {\n  if (!reason) return 'stopped';\n  return \`stopped: \${reason}\`;\n};\n`,
    'libs/halted/test/halted.test.js': testFile('halted', [`test('stop', () => assert.equal(lib.stop(), 'stopped'));`]),
    'libs/legacy/package.json': pkg('legacy'),
    'libs/legacy/src/legacy.js': `exports.old = () => 'old';\n`,
    'apps/cli/package.json': pkg('cli-app', 'node --test'),
    'apps/cli/src/cli.js': `exports.main = (argv) => argv.length;\n`,
    'apps/cli/test/cli.test.js': testFile('cli', [`test('main', () => assert.equal(lib.main([]), 0));`]),
    'tools/gen/package.json': pkg('gen', 'node --test'),
    'tools/gen/src/gen.js': `exports.generate = (n) => Array.from({ length: n }, (_, i) => i);\nexports.unused = () => null;\n`,
    'tools/gen/test/gen.test.js': testFile('gen', [`test('generate', () => assert.equal(lib.generate(2).length, 2));`]),
  });
}

/** The two builds; leaves today's merged report in `coverage/workspace` and the baseline in `<root>/../baseline`. */
export function buildReportWorkspace(root: string, monocov: MonocovCli): { baseline: string } {
  const run = (project: string) => monocov(join(root, project), ['run', '--project', REPORT_PROJECTS[project]!.name, '--', 'node', '--test']);
  for (const project of ['libs/strings', 'libs/math', 'libs/dates']) run(project);
  monocov(root, ['merge']);
  const baseline = join(root, '..', 'baseline');
  rmSync(baseline, { recursive: true, force: true });
  cpSync(join(root, 'coverage'), baseline, { recursive: true });

  writeFiles(root, {
    'libs/strings/test/title.test.js': [
      `const { test } = require('node:test');`,
      `const assert = require('node:assert');`,
      `const { title } = require('../src/format/title');`,
      `const { whisper } = require('../src/strings');`,
      `test('title', () => assert.equal(title('a b'), 'A B'));`,
      `test('whisper', () => assert.equal(whisper('A'), 'a'));`,
      ``,
    ].join('\n'),
  });
  run('libs/strings');
  run('tools/gen');
  // A failing test: the tests' exit status passes through, and the data is marked failed.
  monocov(join(root, 'libs/flaky'), ['run', '--project', REPORT_PROJECTS['libs/flaky']!.name, '--', 'node', '--test'], 1);
  // Tests that ran, then a test command killed by a signal (as a CI runner's timeout does): the data is marked killed; 128 + SIGKILL.
  monocov(join(root, 'libs/halted'), ['run', '--project', REPORT_PROJECTS['libs/halted']!.name, '--', 'sh', '-c', 'node --test && kill -KILL $$'], 137);
  rmSync(join(root, 'coverage/projects/libs/dates'), { recursive: true, force: true });
  // A source file added since math's data was made: the data stays, marked stale.
  writeFiles(root, { 'libs/math/src/round.js': `exports.round = (value) => Math.round(value);\n` });
  monocov(root, ['merge', '--expect', 'apps/*', '--expect', 'libs/*', '--carry-forward', join(baseline, 'projects'), '--baseline', baseline]);
  return { baseline };
}
