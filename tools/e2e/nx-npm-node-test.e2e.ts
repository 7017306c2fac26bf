// An npm workspace of ES modules tested by `node --test`, with Nx added as `nx init` adds it to a
// package-based repository (nx in devDependencies, an nx.json with nothing else), modelled on
// mdx-js/mdx-analyzer where monocov was tried (docs/nx-plugin.md): a package whose test script
// packs it first (`npm pack && npm run test-api`, its prepack running tsc to emit declarations
// from JSDoc), a language server whose tests talk to its bin in a child process over stdio (the
// bin imports the sibling package), a plugin whose `node --test` finds no test file, and an
// editor extension without tests.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readJson } from './lib';
import { nxAddScenario } from './nx-add';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const SERVICE = ['packages/service/lib/commands.js', 'packages/service/lib/index.js', 'packages/service/lib/virtual-code.js'];
const SERVER = ['packages/server/bin/server.js', 'packages/server/lib/index.js'];

const steps = nxAddScenario({
  name: 'nx-npm-node-test',
  manager: 'npm',
  files: {
    'package.json': json({
      name: 'analyzer-monorepo',
      private: true,
      type: 'module',
      workspaces: ['packages/*'],
      scripts: { test: 'npm test --workspaces --if-present' },
      devDependencies: { nx: '22.6.1', typescript: '5.9.3' },
    }),
    'nx.json': json({ $schema: './node_modules/nx/schemas/nx-schema.json' }),
    '.gitignore': 'node_modules/\n*.tgz\n*.tsbuildinfo\ntypes/\n.nx/cache\n.nx/workspace-data\n',
    'packages/service/package.json': json({
      name: '@acme/service',
      version: '1.0.0',
      type: 'module',
      exports: { '.': { types: './types/index.d.ts', default: './lib/index.js' } },
      files: ['lib', 'types'],
      scripts: { prepack: 'tsc -p tsconfig.json', 'test-api': 'node --test', test: 'npm pack && npm run test-api' },
    }),
    'packages/service/tsconfig.json': json({
      compilerOptions: { allowJs: true, checkJs: true, declaration: true, emitDeclarationOnly: true, outDir: 'types', rootDir: 'lib', module: 'nodenext', strict: true, types: [] },
      include: ['lib/**/*.js'],
    }),
    'packages/service/lib/index.js':
      "export { describeCommands } from './commands.js';\nexport { createVirtualCode } from './virtual-code.js';\n\nexport const languageId = 'mdx';\n",
    'packages/service/lib/commands.js':
      "/**\n * @param {boolean} experimental\n * @returns {string[]} The commands the service offers.\n */\nexport function describeCommands(experimental) {\n  return experimental ? ['toggle-bold', 'toggle-delete'] : ['toggle-bold'];\n}\n",
    'packages/service/lib/virtual-code.js': `/** @typedef {{esm: number, markdown: number, expressions: number}} VirtualCode */

/**
 * Counts the ESM, Markdown and expression lines of an MDX text.
 * @param {string} text
 * @returns {VirtualCode}
 */
export function createVirtualCode(text) {
  const code = { esm: 0, markdown: 0, expressions: 0 };
  for (const line of text.split(/\\r?\\n/)) {
    if (line.trim() === '') continue;
    if (/^(import|export)\\s/.test(line)) code.esm++;
    else if (line.startsWith('{') && line.endsWith('}')) code.expressions++;
    else code.markdown++;
  }
  return code;
}
`,
    'packages/service/test/virtual-code.js': `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createVirtualCode, describeCommands } from '../lib/index.js';

test('createVirtualCode', () => {
  assert.deepEqual(createVirtualCode('import a from "a"\\n\\n# Hi\\n{1 + 1}\\n'), { esm: 1, markdown: 1, expressions: 1 });
});

test('describeCommands', () => {
  assert.deepEqual(describeCommands(false), ['toggle-bold']);
});
`,
    'packages/server/package.json': json({
      name: '@acme/server',
      version: '1.0.0',
      type: 'module',
      bin: { 'acme-server': './bin/server.js' },
      dependencies: { '@acme/service': '1.0.0' },
      scripts: { 'test-api': 'node --test', test: 'npm run test-api' },
    }),
    'packages/server/bin/server.js': "#!/usr/bin/env node\nimport { serve } from '../lib/index.js';\n\nawait serve(process.stdin, process.stdout);\nprocess.exit(0);\n",
    'packages/server/lib/index.js': `import { createInterface } from 'node:readline';
import { createVirtualCode, describeCommands } from '@acme/service';

/**
 * Answers one JSON request a line until the exit request.
 * @param {NodeJS.ReadableStream} input
 * @param {NodeJS.WritableStream} output
 * @returns {Promise<void>}
 */
export function serve(input, output) {
  const lines = createInterface({ input });
  return new Promise((resolve) => {
    lines.on('line', (line) => {
      const request = JSON.parse(line);
      if (request.method === 'exit') {
        lines.close();
        resolve();
        return;
      }
      output.write(JSON.stringify(answer(request)) + '\\n');
    });
  });
}

function answer(request) {
  switch (request.method) {
    case 'virtualCode':
      return { result: createVirtualCode(request.text) };
    case 'commands':
      return { result: describeCommands(request.experimental) };
    default:
      return { error: 'unknown method ' + request.method };
  }
}
`,
    'packages/server/test/utils.js': `import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/server.js', import.meta.url));

/** The server's bin in a child process, as an editor starts it. */
export function startServer() {
  const child = spawn(process.execPath, [bin], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async request(message) {
      child.stdin.write(JSON.stringify(message) + '\\n');
      return JSON.parse((await lines.next()).value);
    },
    exit() {
      const closed = new Promise((resolve) => child.on('close', resolve));
      child.stdin.write(JSON.stringify({ method: 'exit' }) + '\\n');
      return closed;
    },
  };
}
`,
    'packages/server/test/server.test.js': `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from './utils.js';

test('the server answers over stdio and exits on request', async () => {
  const server = startServer();
  assert.deepEqual(await server.request({ method: 'virtualCode', text: 'export const a = 1\\n# Title' }), { result: { esm: 1, markdown: 1, expressions: 0 } });
  assert.deepEqual(await server.request({ method: 'commands', experimental: true }), { result: ['toggle-bold', 'toggle-delete'] });
  assert.equal(await server.exit(), 0);
});
`,
    'packages/typescript-plugin/package.json': json({
      name: '@acme/typescript-plugin',
      version: '1.0.0',
      main: 'lib/index.cjs',
      scripts: { 'test-api': 'node --test', test: 'npm pack && npm run test-api' },
    }),
    'packages/typescript-plugin/lib/index.cjs': 'module.exports = function init() {\n  return { create: (info) => info.languageService };\n};\n',
    'packages/vscode-mdx/package.json': json({ name: 'vscode-mdx', version: '1.0.0', private: true, main: 'out/extension.js', scripts: { build: 'tsc' } }),
    'packages/vscode-mdx/src/extension.ts': 'export function activate(): void {}\n',
  },
  tested: { '@acme/service': SERVICE, '@acme/server': SERVER },
  untested: ['@acme/typescript-plugin', 'vscode-mdx'],
});

test('nx-npm-node-test: the test script packed the package (tsc emitted types/) under coverage, and the data holds only the sources', () => {
  const root = steps.workspace().root;
  assert.ok(existsSync(join(root, 'packages/service/acme-service-1.0.0.tgz')), 'npm pack ran');
  assert.ok(existsSync(join(root, 'packages/service/types/virtual-code.d.ts')), 'prepack ran tsc');
  assert.equal(Object.keys(readJson(join(root, 'coverage/projects/packages/service/coverage-final.json'))).sort(), SERVICE);
});

test("nx-npm-node-test: the server's hits come from its bin in a child process; the service code that child ran stays out of the server's data", () => {
  const root = steps.workspace().root;
  const output = steps.nxOk(['run', '@acme/server:coverage', '--skip-nx-cache']);
  // No process the tests started lost its hits (node --test's own process writes none and is not named).
  assert.not.match(output, /monocov: warning/);
  const data = readJson(join(root, 'coverage/projects/packages/server/coverage-final.json'));
  assert.equal(Object.keys(data).sort(), SERVER);
  // `answer` ran (in the child only: the test never imports lib/), its default branch did not.
  const lib = data['packages/server/lib/index.js'];
  const answer = Object.keys(lib.fnMap).find((id) => lib.fnMap[id].name === 'answer')!;
  assert.ok(lib.f[answer] > 0, `answer ran ${lib.f[answer]} times`);
  const merged = readJson(join(root, 'coverage/workspace/coverage-final.json'));
  // describeCommands(true) ran only in the server's child: the service's `experimental` branch stays uncovered.
  assert.equal(Object.values(merged['packages/service/lib/commands.js'].b), [[0, 1]]);
});

test.run();
