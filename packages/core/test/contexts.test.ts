import { readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeWorkspace, writeFiles, runCli } from './fixtures/merge/helpers';

// Who tests what (issue 11): with `run.contexts: "test"`, each covered line records the tests
// that ran it, for node:test (run by `node --test`), uvu (through tsx's CJS hook) and mocha; the
// merge keeps them and `monocov who-tests` prints them.

const REPO_ROOT = join(__dirname, '..', '..', '..');
const UVU = join(REPO_ROOT, 'node_modules', 'uvu', 'bin.js');
const MOCHA = join(REPO_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');

const LIB = (ext: 'js' | 'ts') => `function alpha()${ext === 'ts' ? ': string' : ''} {
  return 'a';
}
function beta()${ext === 'ts' ? ': string' : ''} {
  return 'b';
}
function gamma()${ext === 'ts' ? ': string' : ''} {
  return 'c';
}
${ext === 'ts' ? 'export { alpha, beta, gamma };' : 'module.exports = { alpha, beta, gamma };'}
`;

/** The describe/it block the node:test and mocha suites share, without its closing `});`: mocha's adds a skipped test. */
const GROUP = `describe('group', () => {
  it('beta', () => {
    assert.equal(beta(), 'b');
  });
  it('beta and gamma', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(beta() + gamma(), 'bc');
  });
`;

function workspace(contexts: 'none' | 'test'): string {
  const root = makeWorkspace({
    'nx.json': '{}',
    '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'], contexts }, reporters: ['json'] }),
    'packages/node-lib/package.json': JSON.stringify({ name: 'node-lib', scripts: { test: 'node --test' } }),
    'packages/node-lib/src/lib.js': LIB('js'),
    'packages/node-lib/src/cli.js': `const { gamma } = require('./lib');\nconsole.log(gamma());\n`,
    'packages/node-lib/test/lib.test.js': `const { test, describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { alpha, beta, gamma } = require('../src/lib');

test('alpha', () => {
  assert.equal(alpha(), 'a');
});

${GROUP}});
`,
    'packages/node-lib/test/cli.test.js': `const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

test('the CLI prints gamma', () => {
  const result = spawnSync(process.execPath, [join(__dirname, '..', 'src', 'cli.js')], { encoding: 'utf8' });
  assert.equal(result.stdout, 'c\\n');
});
`,
    'packages/mocha-lib/package.json': JSON.stringify({ name: 'mocha-lib' }),
    'packages/mocha-lib/src/lib.js': LIB('js'),
    'packages/mocha-lib/test/lib.spec.js': `const assert = require('node:assert/strict');
const { alpha, beta, gamma } = require('../src/lib');

it('alpha', () => {
  assert.equal(alpha(), 'a');
});

${GROUP}  it.skip('skipped', () => {
    alpha();
  });
});
`,
    'packages/uvu-lib/package.json': JSON.stringify({ name: 'uvu-lib' }),
    'packages/uvu-lib/src/lib.ts': LIB('ts'),
    'packages/uvu-lib/test/lib.test.ts': `import { suite, test } from 'uvu';
import * as assert from 'uvu/assert';
import { alpha, beta, gamma } from '../src/lib';

test('alpha', () => {
  assert.is(alpha(), 'a');
});
test.run();

const group = suite('group');
group('beta', () => {
  assert.is(beta(), 'b');
});
group('beta and gamma', async () => {
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.is(beta() + gamma(), 'bc');
});
group.run();
`,
  });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  roots.push(root);
  return root;
}

const roots: string[] = [];
test.after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const monocov = (cwd: string, args: string[]) => runCli(cwd, args, { ...process.env, NODE_V8_COVERAGE: undefined, NODE_OPTIONS: undefined });

async function collect(root: string): Promise<void> {
  const nodeLib = await monocov(join(root, 'packages/node-lib'), ['run', '--', process.execPath, '--test']);
  assert.is(nodeLib.status, 0, nodeLib.stderr + nodeLib.stdout);
  const uvuLib = await monocov(join(root, 'packages/uvu-lib'), ['run', '--', process.execPath, UVU, '-r', 'tsx/cjs', 'test']);
  assert.is(uvuLib.status, 0, uvuLib.stderr + uvuLib.stdout);
  const mochaLib = await monocov(join(root, 'packages/mocha-lib'), ['run', '--', process.execPath, MOCHA]);
  assert.is(mochaLib.status, 0, mochaLib.stderr + mochaLib.stdout);
  assert.not.match(nodeLib.stderr + uvuLib.stderr + mochaLib.stderr, 'no test boundary');
}

async function whoTests(root: string, at: string): Promise<string[]> {
  const result = await monocov(root, ['who-tests', at]);
  assert.is(result.status, 0, result.stderr);
  return result.stdout.split('\n').filter(Boolean);
}

let root: string;

test('node:test, uvu and mocha: who-tests names exactly the tests that ran each line', async () => {
  root = workspace('test');
  await collect(root);
  const merged = await monocov(root, ['merge']);
  assert.is(merged.status, 0, merged.stderr);

  const node = 'packages/node-lib/test/lib.test.js';
  assert.equal(await whoTests(root, 'packages/node-lib/src/lib.js:2'), [`${node} > alpha`]);
  assert.equal(await whoTests(root, 'packages/node-lib/src/lib.js:5'), [`${node} > group > beta`, `${node} > group > beta and gamma`]);
  // gamma: the test that awaited before calling it, and the test whose CLI child process called it.
  assert.equal(await whoTests(root, 'packages/node-lib/src/lib.js:8'), [`packages/node-lib/test/cli.test.js > the CLI prints gamma`, `${node} > group > beta and gamma`]);
  // Loading the module counts for no test in the test file's process (it happens before the
  // first test), and for the CLI test in the process that test started.
  assert.equal(await whoTests(root, 'packages/node-lib/src/lib.js:10'), ['packages/node-lib/test/cli.test.js > the CLI prints gamma']);

  const uvu = 'packages/uvu-lib/test/lib.test.ts';
  assert.equal(await whoTests(root, 'packages/uvu-lib/src/lib.ts:2'), [`${uvu} > alpha`]);
  assert.equal(await whoTests(root, 'packages/uvu-lib/src/lib.ts:5'), [`${uvu} > group > beta`, `${uvu} > group > beta and gamma`]);
  assert.equal(await whoTests(root, 'packages/uvu-lib/src/lib.ts:8'), [`${uvu} > group > beta and gamma`]);

  const mocha = 'packages/mocha-lib/test/lib.spec.js';
  assert.equal(await whoTests(root, 'packages/mocha-lib/src/lib.js:2'), [`${mocha} > alpha`]);
  assert.equal(await whoTests(root, 'packages/mocha-lib/src/lib.js:5'), [`${mocha} > group > beta`, `${mocha} > group > beta and gamma`]);
  assert.equal(await whoTests(root, 'packages/mocha-lib/src/lib.js:8'), [`${mocha} > group > beta and gamma`]);

  // Relative to the current folder, and a whole file.
  assert.equal(await whoTests(join(root, 'packages/uvu-lib'), 'src/lib.ts:2'), [`${uvu} > alpha`]);
  assert.equal(await whoTests(root, 'packages/uvu-lib/src/lib.ts'), [
    'packages/uvu-lib/src/lib.ts:2',
    `  ${uvu} > alpha`,
    'packages/uvu-lib/src/lib.ts:5',
    `  ${uvu} > group > beta`,
    `  ${uvu} > group > beta and gamma`,
    'packages/uvu-lib/src/lib.ts:8',
    `  ${uvu} > group > beta and gamma`,
  ]);
});

test("the HTML report names the tests on each line's hit count", async () => {
  const result = await monocov(root, ['merge', '--reporter', 'html']);
  assert.is(result.status, 0, result.stderr);
  const html = join(root, 'coverage/workspace/html');
  const page = readdirSync(html, { recursive: true })
    .map(String)
    .find((file) => file.endsWith('node-lib/src/lib.js.html'))!;
  const text = readFileSync(join(html, page), 'utf8');
  const column = /<td class="line-coverage quiet">([\s\S]*?)<\/td>/.exec(text)![1]!.split('\n');
  const node = 'packages/node-lib/test/lib.test.js';
  assert.match(column[1]!, `title="1 test ran this line:&#10;${node} &gt; alpha"`);
  assert.match(column[4]!, `title="2 tests ran this line:&#10;${node} &gt; group &gt; beta&#10;${node} &gt; group &gt; beta and gamma"`);
  assert.not.match(column[0]!, 'title=');
});

test('contexts change nothing in coverage-final.json: the per-test snapshots add up to the same hits', async () => {
  const plain = workspace('none');
  await collect(plain);
  for (const project of ['packages/node-lib', 'packages/uvu-lib', 'packages/mocha-lib']) {
    const withContexts = readFileSync(join(root, 'coverage/projects', project, 'coverage-final.json'), 'utf8');
    assert.is(withContexts, readFileSync(join(plain, 'coverage/projects', project, 'coverage-final.json'), 'utf8'), project);
  }
  const noContexts = await monocov(plain, ['who-tests', 'packages/node-lib/src/lib.js:2']);
  assert.is(noContexts.status, 5);
  assert.match(noContexts.stderr, 'set `run.contexts: "test"`');
});

test('contexts.json is stable and written beside the data; turning contexts off removes it', async () => {
  const stored = JSON.parse(readFileSync(join(root, 'coverage/projects/packages/uvu-lib/contexts.json'), 'utf8'));
  assert.equal(stored.contexts, [
    'packages/uvu-lib/test/lib.test.ts > alpha',
    'packages/uvu-lib/test/lib.test.ts > group > beta',
    'packages/uvu-lib/test/lib.test.ts > group > beta and gamma',
  ]);
  assert.equal(stored.lines, { 'packages/uvu-lib/src/lib.ts': { 2: [0], 5: [1, 2], 8: [2] } });
  assert.ok(readFileSync(join(root, 'coverage/workspace/contexts.json'), 'utf8').includes('packages/node-lib/src/lib.js'));

  writeFiles(root, { '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] }, reporters: ['json'] }) });
  const again = await monocov(join(root, 'packages/uvu-lib'), ['run', '--', process.execPath, UVU, '-r', 'tsx/cjs', 'test']);
  assert.is(again.status, 0, again.stderr);
  assert.throws(() => readFileSync(join(root, 'coverage/projects/packages/uvu-lib/contexts.json')));
});

test.run();
