import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

// A workspace whose data is larger than the share of a small heap that a merge holds parsed
// (combine/merged-coverage.ts), for merge-bounded.test.ts and merge-spill-once.test.ts: one
// project really measured, then copied (sources and data, renamed) to more projects, as
// tools/bench/merge-scale.mjs does.

export const BIN = join(__dirname, '..', 'bin', 'monocov.js');
/** A heap so small that most of the workspace's data is spilled. */
export const SMALL_HEAP = ['--max-old-space-size=32'];
export const MODULES = 20;

export function write(root: string, path: string, contents: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), contents);
}

export function monocov(cwd: string, args: string[], nodeFlags: string[] = [], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...nodeFlags, BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
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
export function filesIn(dir: string): Map<string, Buffer> {
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

/**
 * A new workspace (in a temporary folder, which the caller removes) of `projects` projects of
 * MODULES modules with the data of a real run, some modules never loaded, `subfolder` modules of
 * each project in `src/lib/` (a folder whose name starts another's: istanbul's package order of
 * files is then not their key order). Returns its root.
 */
export function spillWorkspace({ projects, config, subfolder = 0 }: { projects: number; config: object; subfolder?: number }): string {
  const root = mkdtempSync(join(tmpdir(), 'monocov-bounded-'));
  write(root, 'package.json', JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }));
  write(root, '.coveragerc.json', JSON.stringify(config));
  const template = 'packages/p00';
  const modulePath = (i: number): string => (i < subfolder ? `src/lib/m${i}.js` : `src/m${i}.js`);
  write(root, `${template}/package.json`, JSON.stringify({ name: 'p00', scripts: { test: 'node run.js' } }));
  const requires = Array.from({ length: MODULES }, (_, i) => (i % 10 === 9 ? '' : `require('./${modulePath(i)}').classify(${i});`)).join('\n');
  write(root, `${template}/run.js`, requires);
  for (let i = 0; i < MODULES; i++) write(root, `${template}/${modulePath(i)}`, moduleSource(i));
  const run = monocov(join(root, template), ['run', '--', process.execPath, 'run.js']);
  if (run.status !== 0) throw new Error(`monocov run failed (${run.status}): ${run.stderr}`);
  const data = join(root, 'coverage/projects', template);
  const coverage = readFileSync(join(data, 'coverage-final.json'), 'utf8');
  const meta = readFileSync(join(data, 'meta.json'), 'utf8');
  for (let k = 1; k < projects; k++) {
    const to = `packages/p${String(k).padStart(2, '0')}`;
    cpSync(join(root, template), join(root, to), { recursive: true });
    write(root, `${to}/package.json`, JSON.stringify({ name: `p${k}`, scripts: { test: 'node run.js' } }));
    const rename = (text: string): string => text.replaceAll(`"${template}/`, `"${to}/`).replaceAll(`"${template}"`, `"${to}"`).replaceAll('"p00"', `"p${k}"`);
    write(root, `coverage/projects/${to}/coverage-final.json`, rename(coverage));
    write(root, `coverage/projects/${to}/meta.json`, rename(meta));
  }
  return root;
}

/** The bytes of the workspace's per-project data against the share of the small heap's limit a merge holds parsed. */
export function dataAgainstHeldShare(root: string, share: number): { dataBytes: number; heldBytes: number } {
  const limit = Number(spawnSync(process.execPath, [...SMALL_HEAP, '-p', 'require("v8").getHeapStatistics().heap_size_limit'], { encoding: 'utf8' }).stdout);
  const dataBytes = [...filesIn(join(root, 'coverage/projects')).values()].reduce((sum, bytes) => sum + bytes.length, 0);
  return { dataBytes, heldBytes: limit * share };
}
