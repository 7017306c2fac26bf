import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

// Issue 19, item 4: merge, report and check keep the data they read within a share of the heap
// (combine/merged-coverage.ts): past a sixteenth of the heap's limit, entries go to a spill file and
// each merged file is read back when a report reads it. Here the same workspace is merged,
// reported and checked with Node's default heap (everything held) and with a heap so small
// that most of the data must be spilled; every output must be the same, byte for byte.

const BIN = join(__dirname, '..', 'bin', 'monocov.js');
const SMALL_HEAP = ['--max-old-space-size=32'];
const PROJECTS = 50;
const MODULES = 20;

const temps: string[] = [];
test.after(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function write(root: string, path: string, contents: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), contents);
}

function monocov(cwd: string, args: string[], nodeFlags: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...nodeFlags, BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A module with branches, default values, loops and classes; `i` varies it. */
function moduleSource(i: number): string {
  const parts = [0, 1, 2, 3].map(
    (k) => `function classify${k}(n) {
  if (n < ${(i + k) % 7}) return 'low';
  return n > ${(i + k) % 7} * 2 ? 'high' : 'mid';
}
function describe${k}(items, label = 'item') {
  const parts = [];
  for (const item of items) parts.push(item && item.name ? item.name : label);
  return parts.join(', ') || 'none';
}
class Counter${k} {
  constructor(start) {
    this.value = start || 0;
  }
  add(step) {
    this.value += step ?? 1;
    return this;
  }
}
`,
  );
  return `'use strict';\n${parts.join('')}module.exports = { classify: classify0, describe: describe1, Counter: Counter2 };\n`;
}

/** Every file under `dir`, by relative path, with its bytes. */
function filesIn(dir: string): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else found.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return found;
}

function assertSameFiles(actual: string, expected: string): void {
  const want = filesIn(expected);
  const got = filesIn(actual);
  assert.equal([...got.keys()].sort(), [...want.keys()].sort());
  for (const [path, bytes] of want) assert.ok(got.get(path)!.equals(bytes), `${path} differs`);
}

// One project really measured, then copied (sources and data, renamed) to PROJECTS projects, as tools/bench/merge-scale.mjs does.
const root = mkdtempSync(join(tmpdir(), 'monocov-bounded-'));
temps.push(root);
write(root, 'package.json', JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }));
write(
  root,
  '.coveragerc.json',
  JSON.stringify({
    run: { include: ['src/**'] },
    report: { perFile: { lines: 10 }, showMissing: true },
    reporters: ['text', 'json', 'lcov', 'json-summary', 'cobertura', 'html', 'markdown'],
  }),
);

test('setup: one project measured, copied to 50', () => {
  const template = 'packages/p00';
  write(root, `${template}/package.json`, JSON.stringify({ name: 'p00', scripts: { test: 'node run.js' } }));
  const requires = Array.from({ length: MODULES }, (_, i) => (i % 10 === 9 ? '' : `require('./src/m${i}.js').classify(${i});`)).join('\n');
  write(root, `${template}/run.js`, requires);
  for (let i = 0; i < MODULES; i++) write(root, `${template}/src/m${i}.js`, moduleSource(i));
  const run = monocov(join(root, template), ['run', '--', process.execPath, 'run.js']);
  assert.is(run.status, 0, run.stderr);
  const data = join(root, 'coverage/projects', template);
  const coverage = readFileSync(join(data, 'coverage-final.json'), 'utf8');
  const meta = readFileSync(join(data, 'meta.json'), 'utf8');
  for (let k = 1; k < PROJECTS; k++) {
    const to = `packages/p${String(k).padStart(2, '0')}`;
    cpSync(join(root, template), join(root, to), { recursive: true });
    write(root, `${to}/package.json`, JSON.stringify({ name: `p${k}`, scripts: { test: 'node run.js' } }));
    const rename = (text: string): string => text.replaceAll(`"${template}/`, `"${to}/`).replaceAll(`"${template}"`, `"${to}"`).replaceAll('"p00"', `"p${k}"`);
    write(root, `coverage/projects/${to}/coverage-final.json`, rename(coverage));
    write(root, `coverage/projects/${to}/meta.json`, rename(meta));
  }
  // The small heap's share for held data must be well below the data, so most of it is spilled.
  const limit = Number(spawnSync(process.execPath, [...SMALL_HEAP, '-p', 'require("v8").getHeapStatistics().heap_size_limit'], { encoding: 'utf8' }).stdout);
  const dataBytes = [...filesIn(join(root, 'coverage/projects')).values()].reduce((sum, bytes) => sum + bytes.length, 0);
  assert.ok(dataBytes > 1.5 * (limit / 16), `${dataBytes} bytes of data against a held share of ${limit / 16}`);
});

test('merge: the same reports from a small heap, the data spilled and read back', () => {
  const full = monocov(root, ['merge', '--files']);
  assert.is(full.status, 2, full.stderr); // report.perFile is missed: some files have no line run
  const expected = join(root, 'expected');
  cpSync(join(root, 'coverage/workspace'), expected, { recursive: true });
  rmSync(join(root, 'coverage/workspace'), { recursive: true });
  const small = monocov(root, ['merge', '--files'], SMALL_HEAP);
  assert.is(small.stderr, full.stderr);
  assert.is(small.stdout, full.stdout);
  assert.is(small.status, full.status);
  assertSameFiles(join(root, 'coverage/workspace'), expected);
  assert.ok(filesIn(expected).size > PROJECTS * MODULES, 'an html page per file');
});

test('report and check of the stored merged data: the same from a small heap', () => {
  const expected = join(root, 'expected');
  for (const args of [['report', '--files'], ['check'], ['report', '--reporter', 'text', '--reporter', 'lcov']]) {
    const full = monocov(root, args);
    const small = monocov(root, args, SMALL_HEAP);
    assert.is(small.status, full.status, args.join(' '));
    assert.is(small.stdout, full.stdout, args.join(' '));
    assert.is(small.stderr, full.stderr, args.join(' '));
  }
  // `report` redraws the reports and leaves the data as it was.
  const stored = join(root, 'coverage/workspace/coverage-final.json');
  assert.ok(readFileSync(stored).equals(readFileSync(join(expected, 'coverage-final.json'))));
  assert.ok(statSync(stored).size > 0);
});

test.run();
