import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FileMapsCache, neverLoadedSources } from '../src/convert';
import { sourceMapMapping } from '../src/convert/script-mapping';
import { createSourceFilter } from '../src/files';

// Built output outside dist/, build/ and out/ (tsc's outDir "lib", esm/, cjs/): a file no test loaded
// that ends with a sourceMappingURL counts through its map's sources, as a loaded one does, never as
// itself (convert/index.ts neverLoadedSources, completeness.ts addedSources).

const BIN = join(__dirname, '..', 'bin', 'monocov.js');
const roots: string[] = [];
test.after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'monocov-built-'));
  roots.push(root);
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), contents);
  }
  return root;
}

/** Compiles the package's src/*.ts into lib/ as `tsc --outDir lib --sourceMap --module commonjs --target es2020` does. */
function compile(pkg: string, names: string[]): void {
  const program = ts.createProgram(
    names.map((name) => join(pkg, 'src', name)),
    // Without the standard library's declarations (noLib), which emitting needs not and would take seconds to read.
    { outDir: join(pkg, 'lib'), rootDir: join(pkg, 'src'), sourceMap: true, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, noLib: true, types: [] },
  );
  const emitted = program.emit();
  assert.is(emitted.emitSkipped, false, ts.formatDiagnostics(emitted.diagnostics, ts.createCompilerHost({})));
}

const GREET = `export function greet(name: string): string {
  if (name === '') {
    return 'hello, nobody';
  }
  return \`hello, \${name}\`;
}

export function shout(text: string): string {
  return text.toUpperCase() + '!';
}
`;
const UNUSED = `export function neverCalled(x: number): number {
  return x > 0 ? x : -x;
}
`;

/** Totals of one file's data: [covered, total] for statements, branches and functions. */
function totals(file: { s: Record<string, number>; b: Record<string, number[]>; f: Record<string, number> }) {
  const count = (hits: number[]) => [hits.filter((hit) => hit > 0).length, hits.length];
  return { statements: count(Object.values(file.s)), branches: count(Object.values(file.b).flat()), functions: count(Object.values(file.f)) };
}

test('tsc output in lib/: the loaded module counts on its TypeScript source, the unloaded one at 0 on its source, no lib/ file as itself; the merge finds the data complete', () => {
  const root = workspace({
    'package.json': JSON.stringify({ name: 'libt', private: true, workspaces: ['packages/*'] }),
    'packages/a/package.json': JSON.stringify({ name: 'a', version: '1.0.0', main: 'lib/index.js', scripts: { test: 'node --test test/' } }),
    'packages/a/src/index.ts': GREET,
    'packages/a/src/unused.ts': UNUSED,
    'packages/a/test/a.test.js': `const test = require('node:test');
const assert = require('node:assert');
const { greet } = require('../lib/index.js');
test('greet', () => assert.strictEqual(greet('x'), 'hello, x'));
`,
  });
  const pkg = join(root, 'packages/a');
  compile(pkg, ['index.ts', 'unused.ts']);
  // Left behind by a build of a source deleted since: its map names a file that no longer exists.
  writeFileSync(join(pkg, 'lib/old.js'), `exports.old = 1;\n//# sourceMappingURL=old.js.map\n`);
  writeFileSync(join(pkg, 'lib/old.js.map'), JSON.stringify({ version: 3, file: 'old.js', sources: ['../src/old.ts'], names: [], mappings: 'AAAA' }));

  const run = spawnSync(process.execPath, [BIN, 'run', '--', process.execPath, '--test', 'test/'], { cwd: pkg, encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  assert.ok(
    run.stdout.endsWith('monocov: a: statements 40%, branches 25%, functions 33.33%, lines 40% in 2 files; data written to ../../coverage/projects/packages/a\n'),
    run.stdout,
  );
  const data = JSON.parse(readFileSync(join(root, 'coverage/projects/packages/a/coverage-final.json'), 'utf8'));
  assert.equal(Object.keys(data), ['packages/a/src/index.ts', 'packages/a/src/unused.ts']);
  // greet ran (its `if` false), shout did not.
  assert.equal(totals(data['packages/a/src/index.ts']), { statements: [2, 4], branches: [1, 2], functions: [1, 2] });
  assert.equal(totals(data['packages/a/src/unused.ts']), { statements: [0, 1], branches: [0, 2], functions: [0, 1] });
  assert.is(data['packages/a/src/unused.ts'].all, true);
  assert.equal(
    run.stderr.split('\n').filter((line) => line.includes('built file')),
    [
      'monocov: warning: 1 built file(s) no test loaded count for no source: each ends with a sourceMappingURL, so it counts through its source map, as when a test loads it, but the map names no source file in the workspace: packages/a/lib/old.js (its sources do not exist); delete stale build output or rebuild it, or leave it out with run.omit (docs/configuration.md#built-output)',
    ],
  );

  // The built files are not "added since" the data was made: they are counted through their sources.
  const merge = spawnSync(process.execPath, [BIN, 'merge', '--expect', 'packages/a', '--require-complete', '--reporter', 'json'], { cwd: root, encoding: 'utf8' });
  assert.is(merge.status, 0, merge.stdout + merge.stderr);
  assert.not.match(merge.stdout + merge.stderr, 'stale');
  // A source added since is, once, however many built files stand for it.
  writeFileSync(join(pkg, 'src/added.ts'), UNUSED);
  compile(pkg, ['added.ts']);
  const stale = spawnSync(process.execPath, [BIN, 'merge', '--expect', 'packages/a', '--reporter', 'json'], { cwd: root, encoding: 'utf8' });
  assert.ok((stale.stdout + stale.stderr).includes('monocov merge: packages/a: stale data — 1 source file(s) added since: packages/a/src/added.ts\n'), stale.stdout + stale.stderr);

  // An include that selects the built files only leaves their sources out: nothing counts, and that is said.
  writeFileSync(join(root, '.coveragerc.json'), JSON.stringify({ run: { include: ['lib/**'] } }));
  const builtOnly = spawnSync(process.execPath, [BIN, 'run', '--', process.execPath, '--test', 'test/'], { cwd: pkg, encoding: 'utf8' });
  assert.is(builtOnly.status, 0, builtOnly.stderr);
  assert.match(builtOnly.stdout, ' in 0 files;');
  assert.ok(
    builtOnly.stderr.includes(
      'monocov: warning: nothing of this project is counted: the files run.include selects are built output (packages/a/lib/added.js, packages/a/lib/index.js, packages/a/lib/old.js, and 1 more), ' +
        'which counts through its source map\'s sources, and run.include or run.omit leave those out; select the sources instead ("src/**") (docs/configuration.md#built-output)\n',
    ),
    builtOnly.stderr,
  );
});

/** neverLoadedSources over real files, as the run asks it after the tests: the files no test loaded, in the scan's order. */
async function neverLoaded(root: string, files: string[], run: Partial<Parameters<typeof createSourceFilter>[0]['run']> = {}) {
  const cache = new FileMapsCache();
  const include = createSourceFilter({ workspaceRoot: root, projectRoot: 'pkg', run: { include: ['**/*'], omit: [], source: 'project', dataDir: 'coverage', ...run } });
  const found = await neverLoadedSources(
    files.map((file) => join(root, file)),
    { files: cache, workspaceRoot: root, include },
  );
  const relative = (path: string) => path.slice(root.length + 1);
  return {
    sources: found.sources.map(({ path, content }) => (content === undefined ? relative(path) : `${relative(path)} (from the map)`)),
    withoutSources: found.withoutSources.map(({ path, reason }) => `${relative(path)}: ${reason}`),
    read: [...cache.contentHashes().keys()].map((path) => (path.startsWith(root) ? relative(path) : path)).sort(),
  };
}

const map = (sources: string[], extra: Record<string, unknown> = {}) => JSON.stringify({ version: 3, sources, names: [], mappings: 'AAAA', ...extra });
const inline = (json: string) => `//# sourceMappingURL=data:application/json;base64,${Buffer.from(json).toString('base64')}`;

test('what a never-loaded file stands for: .mjs/.cjs and inline maps, a map the file cannot use, sources outside the workspace or missing, Windows separators', async () => {
  const outside = workspace({ 'secret.ts': 'export const secret = 1;\n', 'outside.js.map': map(['pkg/src/a.ts']) });
  const root = workspace({
    'pkg/package.json': '{}',
    'pkg/src/a.ts': 'export const a = 1;\n',
    'pkg/src/b.ts': 'export const b = 2;\n',
    'pkg/src/legacy.ts': 'export const legacy = 3;\n',
    'pkg/esm/a.mjs': `export const a = 1;\n${inline(map(['../src/a.ts']))}\n`,
    'pkg/cjs/b.cjs': `exports.b = 2;\n/*# sourceMappingURL=b.cjs.map */\n`,
    'pkg/cjs/b.cjs.map': map(['..\\src\\b.ts']), // written on Windows
    'pkg/lib/gone.js': `exports.gone = 1;\n${inline(map(['../src/gone.ts'], { sourcesContent: ['export const gone = 1;\n'] }))}\n`,
    'pkg/lib/hostile.js': `exports.h = 1;\n${inline(map(['/etc/passwd', `../../../${'../'.repeat(20)}etc/hosts`]))}\n`,
    'pkg/lib/drive.js': `exports.d = 1;\n${inline(map(['C:\\repo\\src\\d.ts']))}\n`,
    'pkg/lib/legacy.js': `exports.legacy = 3;\n${inline(map(['../src/legacy.ts']))}\n`,
    'pkg/lib/empty.js': `\n${inline(map([]))}\n`,
    'pkg/lib/malformed.js': `exports.m = 1;\n//# sourceMappingURL=malformed.js.map\n`,
    'pkg/lib/malformed.js.map': '{"version":3,',
    'pkg/lib/plain.js': `exports.plain = 1;\n`,
    'pkg/lib/generated-from.ts': `export const t = 1;\n${inline(map(['../src/a.ts']))}\n`,
  });
  // A map read through a link out of the workspace is not read: the file counts as itself.
  writeFileSync(join(root, 'pkg/lib/linked.js'), `exports.l = 1;\n//# sourceMappingURL=linked.js.map\n`);
  symlinkSync(join(outside, 'outside.js.map'), join(root, 'pkg/lib/linked.js.map'));
  // A source reached through a link out of the workspace is outside it.
  symlinkSync(join(outside, 'secret.ts'), join(root, 'pkg/src/secret.ts'));
  writeFileSync(join(root, 'pkg/lib/secret.js'), `exports.secret = 1;\n${inline(map(['../src/secret.ts']))}\n`);

  const scanned = [
    'pkg/cjs/b.cjs',
    'pkg/esm/a.mjs',
    'pkg/lib/drive.js',
    'pkg/lib/empty.js',
    'pkg/lib/generated-from.ts',
    'pkg/lib/gone.js',
    'pkg/lib/hostile.js',
    'pkg/lib/legacy.js',
    'pkg/lib/linked.js',
    'pkg/lib/malformed.js',
    'pkg/lib/plain.js',
    'pkg/lib/secret.js',
    'pkg/src/a.ts',
    'pkg/src/b.ts',
  ];
  const found = await neverLoaded(root, scanned, { omit: ['src/legacy.ts'] });
  assert.equal(found.sources, [
    'pkg/src/b.ts', // `..\src\b.ts` resolves as Node resolves it
    'pkg/src/a.ts',
    'pkg/lib/generated-from.ts', // TypeScript is never built output
    'pkg/src/gone.ts (from the map)', // as the loaded file's conversion takes it
    'pkg/lib/linked.js',
    'pkg/lib/malformed.js',
    'pkg/lib/plain.js',
  ]);
  // legacy.js stands for a source run.omit leaves out: not counted, and nothing to say.
  assert.equal(found.withoutSources, [
    'pkg/lib/drive.js: outside the workspace',
    'pkg/lib/empty.js: none named',
    'pkg/lib/hostile.js: outside the workspace',
    'pkg/lib/secret.js: outside the workspace',
  ]);
  // Nothing outside the workspace was read, nor any source the filter leaves out.
  assert.equal(
    found.read.filter((path) => !scanned.includes(path)),
    [],
  );
});

test('a Windows drive path in a map names that file on Windows and none elsewhere, for a loaded script too', () => {
  const mapping = sourceMapMapping({
    map: { version: 3, sources: ['C:\\repo\\src\\x.ts', '../src/y.ts'], names: [], mappings: 'AAAA,CCAA' },
    mapUrl: 'file:///ws/lib/x.js.map',
    lineLengths: [2],
  });
  // Resolved as a URL, the drive path became /ws/lib/C:/repo/src/x.ts, a file of the workspace that does not exist.
  assert.equal(mapping.sources, [process.platform === 'win32' ? 'C:\\repo\\src\\x.ts' : '', '/ws/src/y.ts']);
});

test.run();
