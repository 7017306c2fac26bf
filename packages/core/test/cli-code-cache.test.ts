import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

// The bin runs the CLI's bundle (dist/monocov-cli.js, built by `npm test`) through dist/cli-loader.js with
// V8's code cache, kept beside the bundle in dist/code-cache/: real runs of the bin, as a user runs it, from
// a copy of the built package (its dependencies linked) so that no other test's runs write that folder.
const root = mkdtempSync(join(tmpdir(), 'monocov-code-cache-'));
const PACKAGE = join(root, 'installed', '@monocov', 'core');
for (const part of ['bin', 'dist', 'hooks', 'assets', 'package.json', 'coveragerc.schema.json']) {
  cpSync(join(__dirname, '..', part), join(PACKAGE, part), { recursive: true, filter: (from) => !/[\\/]code-cache([\\/]|$)/.test(from) });
}
symlinkSync(join(__dirname, '..', '..', '..', 'node_modules'), join(PACKAGE, 'node_modules'), 'dir');
const BIN = join(PACKAGE, 'bin', 'monocov.js');
const LOADER = join(PACKAGE, 'dist', 'cli-loader.js');
const CODE_DIR = join(PACKAGE, 'dist', 'code-cache');

const workspace = join(root, 'workspace');
for (const [path, contents] of Object.entries({
  'package.json': JSON.stringify({ name: 'one', private: true }),
  '.coveragerc.json': JSON.stringify({ run: { include: ['lib/**'] } }),
  'lib/add.js': `exports.add = (a, b) => (a > 0 ? a + b : b);\n`,
  'add.test.js': `require('node:assert').equal(require('./lib/add').add(1, 2), 3);\n`,
})) {
  mkdirSync(dirname(join(workspace, path)), { recursive: true });
  writeFileSync(join(workspace, path), contents);
}
mkdirSync(join(workspace, 'node_modules')); // the map cache's home (cache-dir.ts): the code cache must not go there
test.after(() => rmSync(root, { recursive: true, force: true }));

const SUMMARY = 'monocov: one: statements 100%, branches 50%, functions 100%, lines 100% in 1 file; data written to coverage/projects/.root\n';

function run(env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [BIN, 'run', '--', process.execPath, 'add.test.js'], { cwd: workspace, encoding: 'utf8', env: { ...process.env, ...env } });
  assert.is(result.status, 0, result.stderr);
  assert.is(result.stdout, SUMMARY);
  return result;
}

function cacheFiles(): string[] {
  return existsSync(CODE_DIR) ? readdirSync(CODE_DIR) : [];
}

/** The one cache file named `name` (`run`, `babel-parser`); its first 32 bytes are the sha256 of the rest. */
function codeCache(name = 'run'): { path: string; bytes: Buffer; inode: number } {
  const pattern = new RegExp(`^${name}-${process.version.replace(/\./g, '\\.')}-${process.arch}-[0-9a-f]{16}\\.bin$`);
  const names = cacheFiles().filter((file) => file.startsWith(`${name}-`));
  assert.is(names.length, 1, cacheFiles().join(', '));
  assert.match(names[0]!, pattern);
  const path = join(CODE_DIR, names[0]!);
  const bytes = readFileSync(path);
  assert.ok(createHash('sha256').update(bytes.subarray(32)).digest().equals(bytes.subarray(0, 32)), 'digest of the data');
  return { path, bytes, inode: statSync(path).ino };
}

test('the first run writes the code cache of its command; the next run uses it and writes nothing', () => {
  run();
  const first = codeCache();
  assert.ok(!existsSync(join(workspace, 'node_modules', '.cache', 'monocov', 'code')), 'not in the workspace cache CI restores');
  assert.ok(first.bytes.length > 10_000, `${first.bytes.length} bytes`);
  run();
  const second = codeCache();
  assert.is(second.inode, first.inode, 'an accepted cache is not rewritten');
  assert.ok(second.bytes.equals(first.bytes));
});

test("a run that parses its sources (no map cache: a first run, CI without node_modules/.cache) writes @babel/parser's code cache; the next such run uses it", () => {
  const mapCache = join(workspace, 'node_modules', '.cache');
  rmSync(CODE_DIR, { recursive: true, force: true });
  rmSync(mapCache, { recursive: true, force: true });
  run();
  const first = codeCache('babel-parser');
  assert.ok(first.bytes.length > 10_000, `${first.bytes.length} bytes`);
  rmSync(mapCache, { recursive: true, force: true });
  run();
  assert.is(codeCache('babel-parser').inode, first.inode, 'an accepted cache is not rewritten');
  rmSync(first.path);
  run();
  assert.equal(
    cacheFiles().filter((file) => file.startsWith('babel-parser-')),
    [],
    'a run with its maps in the map cache parses nothing, and does not load the parser',
  );
});

test('a run that fails writes no code cache: it compiled only part of its command', () => {
  rmSync(CODE_DIR, { recursive: true, force: true });
  writeFileSync(join(workspace, '.coveragerc.json'), '{ "run": ');
  const failed = spawnSync(process.execPath, [BIN, 'run', '--', process.execPath, 'add.test.js'], { cwd: workspace, encoding: 'utf8' });
  writeFileSync(join(workspace, '.coveragerc.json'), JSON.stringify({ run: { include: ['lib/**'] } }));
  assert.is(failed.status, 3, failed.stderr);
  assert.equal(cacheFiles(), []);
  run();
  codeCache();
});

test('an install whose code cache folder cannot be written runs all the same, without one', () => {
  rmSync(CODE_DIR, { recursive: true, force: true });
  writeFileSync(CODE_DIR, ''); // a file where the folder would go (ENOTDIR): chmod does not stop root
  try {
    run();
    assert.is(readFileSync(CODE_DIR, 'utf8'), '');
  } finally {
    rmSync(CODE_DIR);
  }
  run();
  codeCache();
});

test('a damaged, cut short or foreign cache file is never handed to V8 as it is: the run succeeds and writes a good one', () => {
  const good = codeCache().bytes;
  const damaged = Buffer.from(good);
  // The header intact: Node 20's V8 crashes on this (SIGTRAP) unless the digest keeps it out.
  for (let i = 0; i < 64; i++) damaged[(damaged.length >> 1) + i] ^= 0x5a;
  const garbage = randomBytes(good.length - 32);
  const cases = {
    damaged,
    'cut short': good.subarray(0, good.length >> 1),
    empty: Buffer.alloc(0),
    'not V8 data, with a matching digest': Buffer.concat([createHash('sha256').update(garbage).digest(), garbage]),
  };
  for (const [label, bytes] of Object.entries(cases)) {
    const { path } = codeCache();
    writeFileSync(path, bytes);
    const before = statSync(path).ino;
    run();
    const after = codeCache();
    assert.is.not(after.inode, before, `${label}: rewritten`);
    assert.ok(after.bytes.length > 10_000, label);
  }
});

test("a cache of another bundle (an older monocov) is replaced, and other commands' and Node versions' caches are kept", () => {
  const old = join(CODE_DIR, `run-${process.version}-${process.arch}-0000000000000000.bin`);
  const otherNode = join(CODE_DIR, `run-v0.0.0-${process.arch}-0000000000000000.bin`);
  const otherCommand = join(CODE_DIR, `merge-${process.version}-${process.arch}-0000000000000000.bin`);
  const { path } = codeCache();
  for (const file of [old, otherNode, otherCommand]) writeFileSync(file, 'x');
  rmSync(path);
  run();
  assert.ok(!existsSync(old));
  assert.ok(existsSync(otherNode) && existsSync(otherCommand));
  rmSync(otherNode);
  rmSync(otherCommand);
  codeCache();
});

test('MONOCOV_CACHE=off keeps no code cache; help, version and unknown commands write none', () => {
  rmSync(CODE_DIR, { recursive: true, force: true });
  run({ MONOCOV_CACHE: 'off' });
  assert.equal(cacheFiles(), []);
  for (const args of [['--version'], ['--help'], ['rnu'], ['run', '--help']]) {
    spawnSync(process.execPath, [BIN, ...args], { cwd: workspace, encoding: 'utf8' });
  }
  assert.equal(cacheFiles(), [], "run --help's cache would be one without the run's functions");
});

test("loadCore (@monocov/nx's executors): the package's entry from its bundle, with a code cache written after a use that succeeded", () => {
  rmSync(CODE_DIR, { recursive: true, force: true });
  const use = (succeeded: boolean): { include: string[]; modules: string[] } => {
    const script = `
      const { loadCore } = require(${JSON.stringify(LOADER)});
      const { core, saveCodeCache } = loadCore('nx-coverage');
      const { config } = core.loadConfig({ workspaceRoot: ${JSON.stringify(workspace)} });
      const modules = Object.keys(require.cache).filter((file) => file.startsWith(${JSON.stringify(PACKAGE)}));
      process.stdout.write(JSON.stringify({ include: config.run.include, modules: modules.map((file) => require('node:path').relative(${JSON.stringify(PACKAGE)}, file)) }));
      saveCodeCache(${succeeded});`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.is(result.status, 0, result.stderr);
    return JSON.parse(result.stdout);
  };
  const first = use(false);
  assert.equal(first.include, ['lib/**']);
  assert.equal(first.modules.sort(), ['dist/cache-dir.js', 'dist/cli-loader.js', 'dist/v8-code-cache.js'], 'the loader alone: no dist/index.js and its sixty modules');
  assert.equal(cacheFiles(), [], 'a use that failed compiled only part of what a task runs');
  use(true);
  const names = cacheFiles();
  assert.is(names.length, 1, names.join(', '));
  assert.match(names[0]!, new RegExp(`^nx-coverage-${process.version.replace(/\./g, '\\.')}-${process.arch}-[0-9a-f]{16}\\.bin$`));
  const inode = statSync(join(CODE_DIR, names[0]!)).ino;
  use(true);
  assert.is(statSync(join(CODE_DIR, names[0]!)).ino, inode, 'an accepted cache is not rewritten');
});

test("an unexpected error's stack points at monocov's sources (src/*.ts) through the bundle's source map", async () => {
  const { loadCli } = require(LOADER) as typeof import('../src/cli-loader');
  let stderr = '';
  const exitCode = await loadCli(undefined).main(['run', '--', process.execPath, 'add.test.js'], {
    cwd: workspace,
    env: { ...process.env, MONOCOV_CACHE: 'off' },
    stdout: new Writable({
      write() {
        throw new TypeError('stdout is gone');
      },
    }),
    stderr: new Writable({
      write(chunk, _encoding, done) {
        stderr += String(chunk);
        done();
      },
    }),
  });
  assert.is(exitCode, 70, stderr);
  assert.match(stderr, 'unexpected error, please report it:\nTypeError: stdout is gone\n');
  assert.match(stderr, /\(.*[/\\]src[/\\]cli[/\\]commands[/\\]run\.ts:\d+:\d+\)/);
  assert.not.match(stderr, 'monocov-cli.js');
});

test("the stack's message cannot make it read a source map outside the package's dist/", () => {
  const { readableStack } = require(join(PACKAGE, 'dist', 'cli', 'readable-stack.js')) as typeof import('../src/cli/readable-stack');
  const outside = join(root, 'outside.js');
  writeFileSync(`${outside}.map`, JSON.stringify({ version: 3, sources: ['SECRET.ts'], names: [], mappings: 'AAAA' }));
  const quoted = `${join(PACKAGE, 'dist')}/../../../../outside.js:1:1`;
  const error = new Error(`cannot read ${quoted}`);
  error.stack = `Error: cannot read ${quoted}\n    at x (${quoted})`;
  assert.not.match(readableStack(error), 'SECRET');
});

test.run();
