// An npm workspace tested by mocha on tsc output, modelled on libp2p/js-libp2p-daemon (aegir):
// the test script builds with `tsc -b` (TypeScript to dist/ with .js.map files) and starts mocha in
// a child process; the tests start an HTTP server and spawn the package's CLI; a protocol package
// without tests is loaded through its node_modules link. `monocov init`, then `npm run coverage`:
// every count on the .ts sources equals istanbul's own (istanbul-lib-instrument on the same
// sources, run by the same tests), a failing test fails the run, and with `run.source: "workspace"`
// the protocol package is counted and has its own row in the merged report.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertSameAsRunner, installedInside, installedWorkspace, log, readJson, removeDir, runOk, run, writeJson, type Shell } from './lib';

const TOOLS = ['typescript@5.8.3', 'mocha@11.8.0', '@types/mocha@10.0.10', '@types/node@20.19.43', 'istanbul-lib-instrument@6.0.3'];

let scratch: string | undefined;
let root: string;
let shell: Shell;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const tsconfig = (include: string[], references: string[] = []) =>
  json({
    compilerOptions: {
      module: 'nodenext',
      target: 'es2022',
      strict: true,
      rootDir: '.',
      outDir: 'dist',
      sourceMap: true,
      declaration: true,
      composite: true,
      types: ['node', 'mocha'],
    },
    include,
    references: references.map((path) => ({ path })),
  });

const FILES: Record<string, string> = {
  'package.json': json({ name: 'mocha-tsc', private: true, workspaces: ['packages/*'] }),
  '.gitignore': 'node_modules\ndist\n*.tsbuildinfo\n',
  'packages/proto/package.json': json({ name: '@ws/proto', version: '1.0.0', type: 'module', exports: './dist/src/index.js', types: './dist/src/index.d.ts' }),
  'packages/proto/tsconfig.json': tsconfig(['src']),
  'packages/proto/src/index.ts': [
    "export interface Frame { kind: 'ping' | 'data'; body: string }",
    '',
    'export function encode(frame: Frame): string {',
    "  if (frame.kind === 'ping') return 'P';",
    '  return `D${frame.body.length}:${frame.body}`;',
    '}',
    '',
    'export function decode(text: string): Frame | undefined {',
    "  if (text === 'P') return { kind: 'ping', body: '' };",
    "  const colon = text.indexOf(':');",
    "  if (!text.startsWith('D') || colon < 0) return undefined;",
    "  return { kind: 'data', body: text.slice(colon + 1) };",
    '}',
    '',
  ].join('\n'),
  'packages/server/package.json': json({
    name: '@ws/server',
    version: '1.0.0',
    type: 'module',
    dependencies: { '@ws/proto': '1.0.0' },
    scripts: { test: 'tsc -b && node run-mocha.mjs' },
  }),
  'packages/server/tsconfig.json': tsconfig(['src', 'test'], ['../proto']),
  // As aegir starts mocha (execa): a child process whose status is the test script's.
  'packages/server/run-mocha.mjs': [
    "import { spawn } from 'node:child_process';",
    "import { createRequire } from 'node:module';",
    "const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');",
    "const child = spawn(process.execPath, [mocha, '--exit', 'dist/test/**/*.spec.js'], { stdio: 'inherit' });",
    "child.on('exit', (code) => process.exit(code ?? 1));",
    '',
  ].join('\n'),
  'packages/server/src/server.ts': [
    "import { createServer, type Server } from 'node:http';",
    "import { decode, encode } from '@ws/proto';",
    '',
    'export function startServer(): Promise<Server> {',
    '  const server = createServer((request, response) => {',
    "    let body = '';",
    "    request.on('data', (chunk: Buffer) => {",
    '      body += chunk.toString();',
    '    });',
    "    request.on('end', () => {",
    '      const frame = decode(body);',
    '      if (frame === undefined) {',
    '        response.statusCode = 400;',
    "        response.end('not a frame');",
    '        return;',
    '      }',
    "      response.end(encode(frame.kind === 'ping' ? frame : { kind: 'data', body: frame.body.toUpperCase() }));",
    '    });',
    '  });',
    "  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));",
    '}',
    '',
  ].join('\n'),
  'packages/server/src/cli.ts': [
    "import { encode } from '@ws/proto';",
    '',
    'const [kind, body] = process.argv.slice(2);',
    "if (kind === 'ping') console.log(encode({ kind: 'ping', body: '' }));",
    "else console.log(encode({ kind: 'data', body: body ?? '' }));",
    '',
  ].join('\n'),
  'packages/server/src/admin.ts': "export function shutdown(): string {\n  return 'bye';\n}\n",
  'packages/server/test/server.spec.ts': [
    "import assert from 'node:assert';",
    "import { execFileSync } from 'node:child_process';",
    "import type { AddressInfo } from 'node:net';",
    "import { fileURLToPath } from 'node:url';",
    "import { startServer } from '../src/server.js';",
    '',
    "const cli = fileURLToPath(new URL('../src/cli.js', import.meta.url));",
    '',
    'async function post(port: number, body: string): Promise<[number, string]> {',
    "  const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body });",
    '  return [response.status, await response.text()];',
    '}',
    '',
    "describe('server', () => {",
    "  it('answers a data frame in capitals and refuses what is no frame', async () => {",
    '    const server = await startServer();',
    '    try {',
    '      const { port } = server.address() as AddressInfo;',
    "      assert.deepStrictEqual(await post(port, 'D2:hi'), [200, 'D2:HI']);",
    "      assert.deepStrictEqual(await post(port, 'X'), [400, 'not a frame']);",
    '    } finally {',
    '      server.close();',
    '    }',
    '  });',
    "  it('the CLI prints a frame', () => {",
    "    assert.strictEqual(execFileSync(process.execPath, [cli, 'data', 'abc'], { encoding: 'utf8' }), 'D3:abc\\n');",
    '  });',
    "  it('fails when WS_FAIL is set', () => {",
    '    assert.strictEqual(process.env.WS_FAIL, undefined);',
    '  });',
    '});',
    '',
  ].join('\n'),
  // istanbul's own counts: each src/*.ts instrumented by istanbul-lib-instrument, its types removed
  // by TypeScript, written over its tsc output (map removed); dump.cjs writes each process's counters.
  'reference/instrument.cjs': [
    "const { readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');",
    "const { join, resolve } = require('node:path');",
    "const { createInstrumenter } = require('istanbul-lib-instrument');",
    "const ts = require('typescript');",
    "const instrumenter = createInstrumenter({ esModules: true, parserPlugins: ['typescript'] });",
    'for (const pkg of process.argv.slice(2)) {',
    "  for (const name of readdirSync(join(pkg, 'src'))) {",
    "    const file = resolve(pkg, 'src', name);",
    "    const code = instrumenter.instrumentSync(readFileSync(file, 'utf8'), file);",
    '    const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;',
    "    const out = join(pkg, 'dist/src', name.replace(/\\.ts$/, '.js'));",
    '    writeFileSync(out, js);',
    "    rmSync(out + '.map');",
    '  }',
    '}',
    '',
  ].join('\n'),
  'reference/dump.cjs': [
    "const { writeFileSync } = require('node:fs');",
    "const { join } = require('node:path');",
    "process.on('exit', () => {",
    '  if (globalThis.__coverage__) writeFileSync(join(process.env.REFERENCE_OUT, `process-${process.pid}.json`), JSON.stringify(globalThis.__coverage__));',
    '});',
    '',
  ].join('\n'),
};

test.after(() => {
  if (scratch) removeDir(scratch);
});

const requireWorkspace = () => {
  if (!scratch) throw new Error('no workspace: the install step failed');
};

test(`npm installs ${TOOLS.join(', ')} and @monocov/core by name from the registry`, async () => {
  ({ scratch, root, shell } = await installedWorkspace('init-mocha-tsc', { manager: 'npm', files: FILES, devDependencies: [...TOOLS, '@monocov/core'] }));
  assert.ok(installedInside(root, '@monocov/core'));
  // The tests pass without monocov.
  assert.match(runOk(shell, root, 'npm', ['test', '-w', '@ws/server']), '3 passing');
});

test('monocov init measures the package with tests and names the one without', () => {
  requireWorkspace();
  const init = runOk(shell, root, 'npx', ['--no-install', 'monocov', 'init']);
  log(init.trim().replace(/\n/g, '\n  '));
  assert.match(init, 'measured      packages/server (script "test")');
  assert.match(init, 'not measured  packages/proto: no test script');
  assert.match(
    init,
    'note: packages/proto has no tests of its own, but packages/server depends on it: to count its code as their tests run it, set `"run": { "source": "workspace" }`',
  );
  assert.is(readJson(join(root, 'packages/server/package.json')).scripts.coverage, 'monocov run -- npm run test');
  assert.is(readJson(join(root, 'package.json')).scripts.coverage, 'npm run coverage --workspaces --if-present && monocov merge');
});

/** monocov's merged counts of a file: [statements, functions] hit. */
function hits(data: Record<string, { s: Record<string, number>; f: Record<string, number> }>, file: string): [number, number] {
  assert.ok(data[file], `${file} is in the merged data`);
  return [Object.values(data[file]!.s).filter((count) => count > 0).length, Object.values(data[file]!.f).filter((count) => count > 0).length];
}

test("npm run coverage: the package's own .ts sources, the CLI run in a grandchild process counted, the unloaded file at 0", () => {
  requireWorkspace();
  const output = runOk(shell, root, 'npm', ['run', 'coverage']);
  const merged = readJson(join(root, 'coverage/workspace/coverage-final.json'));
  // run-mocha.mjs is a script of the package like any other (nyc's default too): run.omit would leave it out.
  assert.equal(Object.keys(merged).sort(), ['packages/server/run-mocha.mjs', 'packages/server/src/admin.ts', 'packages/server/src/cli.ts', 'packages/server/src/server.ts']);
  assert.equal(hits(merged, 'packages/server/src/cli.ts'), [3, 0]); // of 4: the CLI printed a data frame, not a ping
  assert.equal(hits(merged, 'packages/server/src/admin.ts'), [0, 0]);
  assert.match(output, 'not measured: 1 project(s) without a coverage target (packages/proto)');
});

test('a failing test fails `npm run coverage`; the data is written and recorded as failed', () => {
  requireWorkspace();
  const failed = run(shell, root, 'npm', ['run', 'coverage'], { env: { WS_FAIL: '1' } });
  assert.is.not(failed.status, 0, failed.output);
  assert.match(failed.output, '1 failing');
  assert.match(failed.output, 'monocov: the test command failed (exit status 1)');
  assert.match(failed.output, 'recorded as failed');
});

test('run.source "workspace": the protocol package, loaded through its node_modules link, is counted on its .ts source and has its own row; every count equals istanbul\'s', () => {
  requireWorkspace();
  const rcPath = join(root, '.coveragerc.json');
  const rc = readJson(rcPath);
  writeJson(rcPath, { ...rc, run: { ...rc.run, source: 'workspace' } });
  const output = runOk(shell, root, 'npm', ['run', 'coverage']);
  assert.match(output, /\n packages\/proto \(@ws\/proto\) +\| +[\d.]+ \|/, output);
  assert.not.match(output, 'files outside any project');
  const mergedJson = join(root, 'coverage/workspace/coverage-final.json');
  assert.ok(readJson(mergedJson)['packages/proto/src/index.ts']);

  // The same tests on istanbul-instrumented sources, in the same processes (mocha's child, the CLI's grandchild).
  const out = join(scratch!, 'reference');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
  runOk(shell, root, 'node', ['reference/instrument.cjs', 'packages/server', 'packages/proto']);
  assert.not.ok(existsSync(join(root, 'packages/server/dist/src/server.js.map')));
  runOk(shell, join(root, 'packages/server'), 'node', ['run-mocha.mjs'], { env: { NODE_OPTIONS: `--require ${join(root, 'reference/dump.cjs')}`, REFERENCE_OUT: out } });
  const reference: Record<string, any> = {};
  for (const dump of readdirSync(out).filter((name) => name.endsWith('.json'))) {
    for (const [file, coverage] of Object.entries<any>(JSON.parse(readFileSync(join(out, dump), 'utf8')))) {
      const sum = reference[file];
      if (!sum) {
        reference[file] = coverage;
        continue;
      }
      for (const id of Object.keys(sum.s)) sum.s[id] += coverage.s[id];
      for (const id of Object.keys(sum.f)) sum.f[id] += coverage.f[id];
      for (const id of Object.keys(sum.b)) sum.b[id] = sum.b[id].map((count: number, arm: number) => count + coverage.b[id][arm]);
    }
  }
  writeJson(join(out, 'coverage-final.json'), reference);
  const compared = assertSameAsRunner(join(out, 'coverage-final.json'), mergedJson, root);
  assert.equal(compared.sort(), ['packages/proto/src/index.ts', 'packages/server/src/cli.ts', 'packages/server/src/server.ts']);
});

test.run();
