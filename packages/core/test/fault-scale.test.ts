import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, fstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CoverageMapData } from 'istanbul-lib-coverage';
import { FORMAT_VERSION } from '../src/store/format';
import { writeProjectData } from '../src/store/write';
import { TOOL_NAME, TOOL_VERSION } from '../src/version';

// Issue 7, item 6 (scale): 2,000 source files in one project, and 500 projects in one merge,
// stay within the memory budget documented in docs/troubleshooting.md ("Memory"). Each run is
// a child process that reports its own peak resident set (process.resourceUsage().maxRSS), so
// the number is monocov's alone, not the test command's. Measured on Node 20 (x64 Linux):
// about 185 MB for the 2,000-file collection and 155 MB for the 500-project merge with every
// reporter. The assertions allow close to three times that; memory only, never time.

const BUDGET_MB = 512;
const MAIN = join(__dirname, '..', 'dist', 'cli', 'main.js');
const MEASURED = `require(${JSON.stringify(MAIN)}).main(process.argv.slice(1)).then((code) => {
  process.stderr.write('maxRSS ' + process.resourceUsage().maxRSS + '\\n');
  process.exitCode = code;
});`;

const temps: string[] = [];
test.after(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'monocov-scale-'));
  temps.push(root);
  for (const [path, contents] of Object.entries(files)) write(root, path, contents);
  return root;
}
function write(root: string, path: string, contents: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), contents);
}

/** Runs the monocov CLI (built dist) in `cwd`; returns its exit status and peak RSS in MB. */
function measuredMonocov(cwd: string, args: string[]): { status: number | null; rssMB: number; stderr: string } {
  const result = spawnSync(process.execPath, ['-e', MEASURED, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const kb = Number(/maxRSS (\d+)/.exec(result.stderr)?.[1] ?? NaN);
  return { status: result.status, rssMB: Math.round(kb / 1024), stderr: result.stderr };
}

/** A realistic small module: branches, a default value, a loop, a class, about 30 lines. */
function moduleSource(i: number): string {
  return `'use strict';
const LIMIT = ${i % 11};
function classify(n) {
  if (n < LIMIT) {
    return 'low';
  } else if (n === LIMIT) {
    return 'equal';
  }
  return n > LIMIT * 2 ? 'high' : 'mid';
}
function describe(items, label = 'item') {
  const parts = [];
  for (const item of items) {
    parts.push(item && item.name ? item.name : label);
  }
  return parts.join(', ') || 'none';
}
class Counter {
  constructor(start) {
    this.value = start || 0;
  }
  add(step) {
    this.value += step ?? 1;
    return this;
  }
}
module.exports = { classify, describe, Counter, id: ${i} };
`;
}

const FILES = 2000;
const names = Array.from({ length: FILES }, (_, i) => `src/d${String(Math.floor(i / 100)).padStart(2, '0')}/m${String(i).padStart(4, '0')}.js`);
const big = workspace({
  'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['big'] }),
  '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] } }),
  'big/package.json': JSON.stringify({ name: 'big' }),
  'big/run-tests.js': `const names = ${JSON.stringify(names)};
for (const [i, name] of names.entries()) {
  const m = require('./' + name);
  if (i % 2 === 0) m.classify(i);
  if (i % 3 === 0) new m.Counter(1).add();
}
`,
  ...Object.fromEntries(names.map((name, i) => [`big/${name}`, moduleSource(i)])),
});

let bigData: CoverageMapData;

test(`2,000 source files in one project: collected within ${BUDGET_MB} MB`, () => {
  const result = measuredMonocov(join(big, 'big'), ['run', '--', process.execPath, 'run-tests.js']);
  assert.is(result.status, 0, result.stderr);
  console.log(`  monocov run, ${FILES} source files: peak RSS ${result.rssMB} MB (budget ${BUDGET_MB} MB)`);
  assert.ok(result.rssMB > 0 && result.rssMB < BUDGET_MB, `peak RSS ${result.rssMB} MB`);
  bigData = JSON.parse(readFileSync(join(big, 'coverage/projects/big/coverage-final.json'), 'utf8'));
  assert.is(Object.keys(bigData).length, FILES);
  const first = bigData['big/src/d00/m0000.js']!;
  const classify = Object.keys(first.fnMap).find((key) => first.fnMap[key]!.name === 'classify')!;
  assert.is(first.f[classify], 1);
});

test(`500 projects in one merge, every reporter: within ${BUDGET_MB} MB`, () => {
  // The 2,000 files above, four to a project, with their real maps, hits and content hashes.
  const root = workspace({ 'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }) });
  const keys = Object.keys(bigData).sort();
  for (let k = 0; k < 500; k++) {
    const projectRoot = `packages/p${String(k).padStart(3, '0')}`;
    const coverage: CoverageMapData = {};
    for (let j = 0; j < 4; j++) {
      const from = keys[k * 4 + j]!;
      const to = `${projectRoot}/src/m${j}.js`;
      mkdirSync(dirname(join(root, to)), { recursive: true });
      copyFileSync(join(big, from), join(root, to));
      coverage[to] = { ...bigData[from]!, path: to };
    }
    const meta = {
      tool: { name: '@monocov/core', version: '0.0.0' },
      project: `p${k}`,
      projectRoot,
      target: 'coverage',
      node: process.version,
      configHash: 'x',
      collector: 'v8',
      tests: { exitCode: 0, signal: null },
    };
    writeProjectData({ workspaceRoot: root, dataDir: 'coverage', projectRoot, coverage, meta });
  }
  const result = measuredMonocov(root, ['merge']);
  assert.is(result.status, 0, result.stderr);
  console.log(`  monocov merge, 500 projects (${FILES} files): peak RSS ${result.rssMB} MB (budget ${BUDGET_MB} MB)`);
  assert.ok(result.rssMB > 0 && result.rssMB < BUDGET_MB, `peak RSS ${result.rssMB} MB`);
  const merged = JSON.parse(readFileSync(join(root, 'coverage/workspace/coverage-final.json'), 'utf8'));
  assert.is(Object.keys(merged).length, FILES);
  const workspaceMeta = JSON.parse(readFileSync(join(root, 'coverage/workspace/meta.json'), 'utf8'));
  assert.is(workspaceMeta.projects.length, 500);
});

test('merged data over 256 MiB (read entry by entry, not as one string) gives the same totals', () => {
  // The 2,000 files' data repeated under new names until the merged file passes the size from
  // which readCoverageFile reads it entry by entry; one V8 string holds at most 512 MiB.
  const root = workspace({ 'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }) });
  const dir = join(root, 'coverage', 'workspace');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'coverage-final.json');
  const fd = openSync(file, 'w');
  const keys = Object.keys(bigData).sort();
  const sources = Object.fromEntries(keys.map((key) => [key, readFileSync(join(big, key), 'utf8')]));
  let copies = 0;
  let separator = '{';
  while (fstatSync(fd).size <= 260 * 2 ** 20) {
    const chunk = keys.map((key) => {
      const path = `packages/c${copies}/${key}`;
      // A report admits an entry only for a real source within its lines (docs/security.md).
      write(root, path, sources[key]!);
      return `${JSON.stringify(path)}:${JSON.stringify({ ...bigData[key]!, path })}`;
    });
    writeSync(fd, separator + chunk.join(','));
    separator = ',';
    copies++;
  }
  writeSync(fd, '}\n');
  closeSync(fd);
  // The mark of a merge's folder: report replaces its output folder whole, so it must be monocov's.
  const meta = {
    formatVersion: FORMAT_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    kind: 'workspace',
    dataTime: new Date(0).toISOString(),
    projects: [],
    sources: {},
  };
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
  const result = measuredMonocov(root, ['report', '--reporter', 'json-summary']);
  assert.is(result.status, 0, result.stderr);
  console.log(`  monocov report, ${copies * FILES} files from a ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB merged file: peak RSS ${result.rssMB} MB`);
  const summary = JSON.parse(readFileSync(join(dir, 'coverage-summary.json'), 'utf8')) as Record<string, { statements: { total: number; covered: number } }>;
  assert.is(Object.keys(summary).length, copies * FILES + 1); // every file, and the total
  const one = Object.values(bigData).reduce((sum, data) => sum + Object.keys(data.s).length, 0);
  const covered = Object.values(bigData).reduce((sum, data) => sum + Object.values(data.s).filter((hits) => hits > 0).length, 0);
  assert.is(summary.total!.statements.total, copies * one);
  assert.is(summary.total!.statements.covered, copies * covered);
});

test.run();
