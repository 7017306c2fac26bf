// Issue 15 (d): a Turborepo workspace as create-turbo lays one out (pnpm, apps without tests,
// shared config packages), with a Vitest package that imports a sibling built by `^build` and a
// package tested by `node --test`. `monocov init`, then the one command it
// prints, measures both tested packages on the first try; a second run is all cache hits with
// identical reports; and a typo in one package's `outputs` makes the merge after a cached run
// name that package. init keeps turbo.json's layout (Prettier's), adding only its task.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  filesContaining,
  installedWorkspace,
  reinstallAndCommit,
  type InstalledWorkspace,
  log,
  readJson,
  removeDir,
  REPO_ROOT,
  run,
  runOk,
  snapshotFiles,
  type Shell,
} from './lib';
import { rerunFromTurboCache, turboCached } from './turbo-cache';

const TURBO = '2.11.11';
const VITEST = '4.1.12';
const TESTED = ['packages/strings', 'packages/utils'];
const UNTESTED = ['apps/docs', 'apps/web', 'packages/math', 'packages/typescript-config'];

let workspace: InstalledWorkspace | undefined;
let shell: Shell;
let scratch: string | undefined;
let root: string;
let firstRun: Record<string, string>;

const requireWorkspace = () => {
  if (!scratch) throw new Error('no workspace: the install step failed');
};
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
/**
 * As Prettier and Biome print it, short arrays on one line (resend/react-email's is so): init adds its
 * task and leaves every other line as it is. A test imports @repo/math through its built entry: without
 * ^build a clean checkout fails.
 */
const TURBO_JSON = `{
  "$schema": "https://turbo.build/schema.json",
  "tasks": {
    "build": {
      "dependsOn": ["^build"],
      "outputs": ["dist/**"]
    },
    "test": {
      "dependsOn": ["^build"]
    },
    "lint": {}
  }
}
`;
const localPaths = () => [root, scratch!, REPO_ROOT, tmpdir() + '/'];

function files(): Record<string, string> {
  return {
    'package.json': json({
      name: 'turbo-monorepo',
      private: true,
      packageManager: 'pnpm@10.34.9',
      scripts: { build: 'turbo run build', test: 'turbo run test', lint: 'turbo run lint' },
      devDependencies: { turbo: TURBO },
    }),
    'pnpm-workspace.yaml': 'packages:\n  - "apps/*"\n  - "packages/*"\n',
    'turbo.json': TURBO_JSON,
    '.gitignore': 'node_modules\n.turbo\ndist\n',
    'packages/typescript-config/package.json': json({ name: '@repo/typescript-config', private: true }),
    'packages/typescript-config/base.json': json({ compilerOptions: { strict: true, module: 'commonjs', target: 'es2022', declaration: true } }),
    // Built by tsc into dist/, which is what other packages import.
    'packages/math/package.json': json({
      name: '@repo/math',
      private: true,
      main: './dist/index.js',
      types: './dist/index.d.ts',
      scripts: { build: 'tsc -p tsconfig.json' },
      devDependencies: { '@repo/typescript-config': 'workspace:*', typescript: '5.9.3' },
    }),
    'packages/math/tsconfig.json': json({ extends: '@repo/typescript-config/base.json', compilerOptions: { outDir: 'dist', rootDir: 'src' }, include: ['src'] }),
    'packages/math/src/index.ts': 'export function clamp(value: number, low: number, high: number): number {\n  return Math.min(high, Math.max(low, value));\n}\n',
    'packages/strings/package.json': json({
      name: '@repo/strings',
      private: true,
      type: 'module',
      scripts: { test: 'vitest run', lint: 'echo lint' },
      dependencies: { '@repo/math': 'workspace:*' },
      devDependencies: { vitest: VITEST, '@vitest/coverage-v8': VITEST },
    }),
    'packages/strings/src/pad.ts':
      "import { clamp } from '@repo/math';\n\nexport function pad(text: string, width: number): string {\n  const target = clamp(width, 0, 80);\n  if (text.length >= target) {\n    return text;\n  }\n  return text + ' '.repeat(target - text.length);\n}\n\nexport function unused(): string {\n  return 'never';\n}\n",
    'packages/strings/src/pad.test.ts':
      "import { expect, test } from 'vitest';\nimport { pad } from './pad';\n\ntest('pads', () => expect(pad('a', 3)).toBe('a  '));\ntest('clamps', () => expect(pad('a', -1)).toBe('a'));\n",
    'packages/utils/package.json': json({ name: '@repo/utils', private: true, main: 'src/index.js', scripts: { test: 'node --test' } }),
    'packages/utils/src/index.js':
      "function shout(text) {\n  return text.toUpperCase() + '!';\n}\n\nfunction whisper(text) {\n  return text.toLowerCase();\n}\n\nmodule.exports = { shout, whisper };\n",
    'packages/utils/test/index.test.js':
      "const { test } = require('node:test');\nconst assert = require('node:assert');\nconst { shout } = require('../src/index.js');\ntest('shout', () => assert.equal(shout('a'), 'A!'));\n",
    'apps/web/package.json': json({ name: 'web', private: true, scripts: { dev: 'vite', build: 'vite build' }, dependencies: { '@repo/strings': 'workspace:*' } }),
    'apps/web/vite.config.ts': 'export default {};\n',
    'apps/web/src/main.ts': "import { pad } from '@repo/strings';\ndocument.body.textContent = pad('hi', 4);\n",
    'apps/docs/package.json': json({ name: 'docs', private: true, scripts: { dev: 'vite' } }),
    'apps/docs/README.md': '# docs\n',
  };
}

test.after(() => {
  if (scratch) removeDir(scratch);
});

test(`pnpm workspace with turbo ${TURBO}: pnpm installs everything, and @monocov/core by name, from the registry`, async () => {
  workspace = await installedWorkspace('turbo-init', { manager: 'pnpm', files: files(), devDependencies: ['@monocov/core'] });
  ({ scratch, root, shell } = workspace);
  log(`workspace ${root}`);
  assert.match(readJson(join(root, 'package.json')).devDependencies['@monocov/core'], /^\^\d/);
});

test('monocov init: a coverage script in each tested package, none in the others; the coverage task carries ^build; outputs per package; data ignored', () => {
  requireWorkspace();
  const output = runOk(shell, root, 'pnpm', ['exec', 'monocov', 'init']);
  log(output.trim().replace(/\n/g, '\n  '));
  for (const projectRoot of TESTED) {
    assert.is(readJson(join(root, projectRoot, 'package.json')).scripts.coverage, 'monocov run -- pnpm run test', projectRoot);
    assert.equal(readJson(join(root, projectRoot, 'turbo.json')).tasks.coverage.outputs, [`$TURBO_ROOT$/coverage/projects/${projectRoot}/**`]);
    assert.match(output, `measured      ${projectRoot} (script "test")`);
  }
  for (const projectRoot of UNTESTED) {
    assert.is(readJson(join(root, projectRoot, 'package.json')).scripts?.coverage, undefined, projectRoot);
    assert.match(output, `not measured  ${projectRoot}: no test script`);
  }
  assert.fixture(
    readFileSync(join(root, 'turbo.json'), 'utf8'),
    TURBO_JSON.replace(
      '    "lint": {}\n',
      '    "lint": {},\n    "coverage": {\n      "dependsOn": ["^build"],\n      "inputs": ["$TURBO_DEFAULT$", "$TURBO_ROOT$/.coveragerc.json"]\n    }\n',
    ),
  );
  assert.is(readJson(join(root, 'package.json')).scripts.coverage, 'turbo run coverage && monocov merge');
  assert.match(readFileSync(join(root, '.gitignore'), 'utf8'), /^\/coverage$/m);
  assert.match(output, 'measure every package and merge: pnpm run coverage');
  reinstallAndCommit(workspace!, 'monocov init');
});

test('pnpm run coverage on a clean checkout: math is built first, both tested packages are measured, and the merged report lists them', () => {
  requireWorkspace();
  const output = runOk(shell, root, 'pnpm', ['run', 'coverage']);
  assert.match(output, /Tasks:\s+3 successful, 3 total/);
  assert.equal(turboCached(output), { cached: 0, total: 3 });
  const merged = readJson(join(root, 'coverage/workspace/coverage-final.json'));
  assert.equal(Object.keys(merged).sort(), ['packages/strings/src/pad.ts', 'packages/utils/src/index.js']);
  const fnHits = (file: string, name: string) => {
    const entry = Object.entries<any>(merged[file].fnMap).find(([, fn]) => fn.name === name);
    return entry && merged[file].f[entry[0]];
  };
  assert.is(fnHits('packages/strings/src/pad.ts', 'pad'), 2);
  assert.is(fnHits('packages/strings/src/pad.ts', 'unused'), 0);
  assert.is(fnHits('packages/utils/src/index.js', 'whisper'), 0);
  for (const projectRoot of TESTED) assert.is(readJson(join(root, 'coverage/projects', projectRoot, 'meta.json')).projectRoot, projectRoot);
  assert.equal(filesContaining(join(root, 'coverage'), localPaths()), [], 'data and reports holding an absolute path');
  assert.not.match(output, 'no data');
  firstRun = snapshotFiles(join(root, 'coverage'));
});

test("a second run is all cache hits: turbo restores each package's data and the merge writes the same bytes", () => {
  requireWorkspace();
  rerunFromTurboCache(shell, root, ['pnpm', 'run', 'coverage'], firstRun);
});

test("a typo in one package's outputs: after a cached run the merge names the package whose data was not restored", () => {
  requireWorkspace();
  const turboJson = join(root, 'packages/utils/turbo.json');
  writeFileSync(turboJson, readFileSync(turboJson, 'utf8').replace('coverage/projects/packages/utils', 'coverage/project/packages/utils'));
  runOk(shell, root, 'pnpm', ['run', 'coverage']);
  rmSync(join(root, 'coverage'), { recursive: true });
  const result = run(shell, root, 'pnpm', ['run', 'coverage']);
  assert.equal(turboCached(result.output), { cached: 3, total: 3 });
  assert.ok(
    result.output.includes(
      'monocov merge: packages/utils (@repo/utils): no data — its coverage did not run, failed before writing, or its data was deleted or not restored by a cache',
    ),
    result.output,
  );
  assert.not.match(result.output, 'packages/strings (@repo/strings): no data');
});

test.run();
