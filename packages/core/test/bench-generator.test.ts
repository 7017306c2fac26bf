// Smoke test of the benchmark's synthetic monorepo generator (tools/bench/generate.mjs): the
// workspace it writes is well formed and its tests pass. The benchmark itself is not run here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

interface Generator {
  generateWorkspace(options: { root: string; projects: number; files: number; seed?: number; linkNodeModules?: boolean }): string[];
  parseSize(text: string): { projects: number; files: number };
}

const load = (): Promise<Generator> => import('../../../tools/bench/generate.mjs') as Promise<Generator>;
const root = mkdtempSync(join(tmpdir(), 'monocov-gen-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

test('sizes are <projects>x<files>', async () => {
  const { parseSize } = await load();
  assert.equal(parseSize('50x40'), { projects: 50, files: 40 });
  assert.throws(() => parseSize('50'), /not <projects>x<files>/);
});

test('writes N projects of M modules with tests that pass, the same bytes for the same seed', async () => {
  const { generateWorkspace } = await load();
  const first = join(root, 'a');
  const roots = generateWorkspace({ root: first, projects: 2, files: 12, linkNodeModules: false });
  assert.equal(roots, ['packages/p000', 'packages/p001']);
  for (const name of ['package.json', 'nx.json', '.coveragerc.json']) JSON.parse(readFileSync(join(first, name), 'utf8'));
  assert.equal(JSON.parse(readFileSync(join(first, 'package.json'), 'utf8')).workspaces, ['packages/*']);
  for (const project of roots) {
    const dir = join(first, project);
    assert.is(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts.test, 'node --test');
    const sources = readdirSync(join(dir, 'src'));
    assert.is(sources.length, 12);
    const source = readFileSync(join(dir, 'src', sources[0]!), 'utf8');
    assert.match(source, /if \(|switch \(|\? /, 'modules have branches');
    assert.match(source, /class Store/);
    assert.ok(readdirSync(join(dir, 'test')).length >= 1);
    const run = spawnSync(process.execPath, ['--test'], { cwd: dir, encoding: 'utf8' });
    assert.is(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /# fail 0/);
  }
  const second = join(root, 'b');
  generateWorkspace({ root: second, projects: 2, files: 12, linkNodeModules: false });
  const text = (base: string) => readFileSync(join(base, 'packages/p001/src/mod007.js'), 'utf8');
  assert.is(text(second), text(first));
  assert.not.ok(existsSync(join(first, 'node_modules')));
});

test.run();
