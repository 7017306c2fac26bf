// The root `coverage` script `monocov init` writes when a package keeps a `coverage` script of its
// own (open-circle/valibot's `vitest run --coverage`), run by each real tool: npm, pnpm, yarn 4,
// bun and Turborepo. It runs only the packages whose script runs monocov, selected by name with
// the tool's own filter, so the other package's coverage — which here fails, as its own
// thresholds would — neither runs nor stops the script before `monocov merge`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inTempDir, log, ourVersion, PACKAGE_MANAGERS, readJson, registryShell, removeDir, runOk, run, snapshotFiles, writeFiles, type Shell } from './lib';

const TURBO = 'turbo@2.11.11';
const BUN = 'bun@1.4.4';

let scratch: string | undefined;
let shell: Shell;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const NODE_TEST = `const { test } = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('../src/add');\ntest('add', () => assert.equal(add(1, 2), 3));\n`;

/** Two packages tested by `node --test` (init gives them `monocov run`), one with its own failing coverage, one without tests. */
function files(root: Record<string, unknown>): Record<string, string> {
  return {
    'package.json': json({ name: 'ws', private: true, workspaces: ['packages/*'], ...root }),
    'packages/a/package.json': json({ name: '@ws/a', version: '1.0.0', scripts: { test: 'node --test' } }),
    'packages/a/src/add.js': 'exports.add = (a, b) => a + b;\n',
    'packages/a/test/add.test.js': NODE_TEST,
    'packages/b/package.json': json({ name: 'b', version: '1.0.0', scripts: { test: 'node --test' } }),
    'packages/b/src/add.js': 'exports.add = (a, b) => a + b;\n',
    'packages/b/test/add.test.js': NODE_TEST,
    'packages/own/package.json': json({ name: '@ws/own', version: '1.0.0', scripts: { test: 'node --test', coverage: 'node own-coverage.js' } }),
    'packages/own/own-coverage.js': "require('fs').writeFileSync('own-coverage-ran', '');\nconsole.error('ERROR: coverage thresholds not met');\nprocess.exit(1);\n",
    'packages/docs/package.json': json({ name: 'docs', version: '1.0.0' }),
  };
}

test.after(() => {
  if (scratch) removeDir(scratch);
});

test(`${PACKAGE_MANAGERS.pnpm}, ${PACKAGE_MANAGERS.yarn}, ${BUN}, ${TURBO} and @monocov/core installed from the registry`, async () => {
  scratch = await inTempDir('init-root-script', async (dir) => {
    const base = await registryShell();
    const tools = join(dir, 'tools');
    const packages = [PACKAGE_MANAGERS.pnpm, PACKAGE_MANAGERS.yarn, BUN, TURBO, `@monocov/core@${ourVersion('@monocov/core')}`];
    runOk(base, dir, 'npm', ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', tools, ...packages]);
    shell = {
      ...base,
      binDirs: [join(tools, 'node_modules', '.bin')],
      env: { ...base.env, YARN_GLOBAL_FOLDER: join(dir, 'yarn-global'), YARN_ENABLE_IMMUTABLE_INSTALLS: 'false', YARN_ENABLE_TELEMETRY: '0', YARN_NODE_LINKER: 'node-modules' },
    };
    return dir;
  });
  for (const tool of ['pnpm', 'yarn', 'bun', 'turbo', 'monocov']) log(`${tool} ${runOk(shell, scratch, tool, ['--version']).trim()}`);
});

/**
 * `monocov init` writes `rootScript`; `<pm> run coverage` measures a and b and merges, without
 * running @ws/own's coverage; a second init changes nothing.
 */
function initAndRun(name: string, manager: string, setUp: { root?: Record<string, unknown>; extra?: Record<string, string>; install?: string[] }, rootScript: string): void {
  if (!scratch) throw new Error('no tools: the install step failed');
  const root = join(scratch, name);
  writeFiles(root, { ...files(setUp.root ?? {}), ...setUp.extra });
  if (setUp.install) runOk(shell, root, setUp.install[0]!, setUp.install.slice(1));
  const init = runOk(shell, root, 'monocov', ['init']);
  log(init.trim().replace(/\n/g, '\n  '));
  assert.is(readJson(join(root, 'package.json')).scripts.coverage, rootScript);
  assert.match(init, 'note: the root `coverage` script runs only the packages whose `coverage` script runs monocov: the own `coverage` scripts of packages/own are left out');

  const measured = run(shell, root, manager, ['run', 'coverage']);
  assert.is(measured.status, 0, measured.output);
  assert.not.ok(existsSync(join(root, 'packages/own/own-coverage-ran')), `@ws/own's own coverage script ran:\n${measured.output}`);
  assert.equal(Object.keys(readJson(join(root, 'coverage/workspace/coverage-final.json'))).sort(), ['packages/a/src/add.js', 'packages/b/src/add.js']);

  const manifests = snapshotFiles(root);
  assert.match(runOk(shell, root, 'monocov', ['init']), 'already set up: nothing to change');
  assert.equal(snapshotFiles(root), manifests, 'a second init changes no file');
}

test('npm: `npm run coverage -w <name> …`', () => {
  initAndRun('npm', 'npm', {}, 'npm run coverage -w @ws/a -w b && monocov merge');
});

test('pnpm: `pnpm --filter <name> … run coverage`', () => {
  initAndRun('pnpm', 'pnpm', { extra: { 'pnpm-workspace.yaml': 'packages:\n  - "packages/*"\n' } }, 'pnpm --filter @ws/a --filter b run coverage && monocov merge');
});

test('yarn 4: `yarn workspaces foreach --all --topological --include <name> … run coverage`', () => {
  initAndRun(
    'yarn',
    'yarn',
    { extra: { '.yarnrc.yml': 'nodeLinker: node-modules\n' }, install: ['yarn', 'install'] },
    'yarn workspaces foreach --all --topological --include @ws/a --include b run coverage && monocov merge',
  );
});

test('bun: `bun run --filter <name> … coverage`', () => {
  initAndRun('bun', 'bun', { root: { packageManager: BUN } }, 'bun run --filter @ws/a --filter b coverage && monocov merge');
});

test('Turborepo (npm): `turbo run coverage --filter <name> …`', () => {
  const npmVersion = runOk(shell, scratch!, 'npm', ['--version']).trim();
  initAndRun(
    'turbo',
    'npm',
    { root: { packageManager: `npm@${npmVersion}` }, extra: { 'turbo.json': json({ tasks: { test: {} } }) }, install: ['npm', 'install', '--no-audit', '--no-fund'] },
    'turbo run coverage --filter @ws/a --filter b && monocov merge',
  );
});

test.run();
