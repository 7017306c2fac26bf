import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createCoverageMap, type CoverageMapData } from 'istanbul-lib-coverage';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../src/errors';
import { ConfigTexts, checkProviderInstalled, installCommand, projectProvider, providerDisagreement, vitestAstAwareRemapping } from '../src/runners/provider';

// One provider per project, the user's (issue 16 item 1): read from the runner's config before the
// tests, forced on every run, its package checked first; two providers' data never summed.
const REPO_ROOT = join(__dirname, '..', '..', '..');
const BIN = join(__dirname, '..', 'bin', 'monocov.js');
const temps: string[] = [];
test.after(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'monocov-provider-')));
  temps.push(root);
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), contents);
  }
  return root;
}

const CONFIGS: Array<[string, Record<string, string>, string | undefined]> = [
  ['Vitest config naming istanbul', { 'p/vitest.config.ts': `export default { test: { coverage: { provider: 'istanbul', include: ['src/**'] } } };` }, 'vitest istanbul named'],
  ['Vitest config naming none', { 'p/vite.config.mts': `export default { test: { environment: 'node' } };` }, 'vitest v8 default'],
  [
    'Vitest browser provider is not the coverage provider',
    { 'p/vitest.config.ts': `export default { test: { browser: { provider: 'playwright' }, coverage: { enabled: true } } };` },
    'vitest v8 default',
  ],
  [
    "Vitest browser mode on: measured by monocov's provider module",
    { 'p/vitest.config.ts': `export default { test: { browser: { enabled: true, provider: playwright(), instances: [{ browser: 'chromium' }] } } };` },
    'vitest v8 default browser',
  ],
  [
    "Vitest browser mode beside Node projects: Vitest's own coverage",
    { 'p/vitest.config.ts': `export default { test: { projects: [{ test: { name: 'unit' } }, { test: { browser: { enabled: true } } }] } };` },
    'vitest v8 default',
  ],
  ['Vitest browser mode off', { 'p/vitest.config.ts': `export default { test: { browser: { enabled: false }, coverage: { provider: 'v8' } } };` }, 'vitest v8 named'],
  ['Vitest provider from a variable cannot be read', { 'p/vitest.config.ts': `const provider = 'istanbul';\nexport default { test: { coverage: { provider } } };` }, undefined],
  ['Vitest coverage options from a variable cannot be read', { 'p/vitest.config.ts': `export default { test: { coverage: shared } };` }, undefined],
  ['no Vitest config in the project folder', { 'p/package.json': '{}' }, undefined],
  ['a folder named like a Vitest config', { 'p/vitest.config.ts/keep': '' }, undefined],
  ['Jest config naming v8', { 'p/jest.config.js': `module.exports = { coverageProvider: 'v8' };` }, 'jest v8 named'],
  ['Jest config in package.json', { 'p/package.json': JSON.stringify({ jest: { testEnvironment: 'node' } }) }, 'jest babel default'],
];
for (const [name, files, expected] of CONFIGS) {
  test(`provider: ${name}`, () => {
    const root = tree(files);
    const runner = Object.keys(files).some((file) => file.includes('jest') || files[file]!.includes('"jest"')) ? 'jest' : 'vitest';
    const found = projectProvider(runner, root, 'p');
    assert.equal(found && `${found.runner} ${found.provider} ${found.named ? 'named' : 'default'}${found.browser ? ' browser' : ''}`, expected);
  });
}

test("install commands for each package manager, at Vitest's version", () => {
  const cases: Array<[string | undefined, string, string]> = [
    [undefined, 'packages/vt', 'npm install -D @vitest/coverage-v8@4.1.12 -w packages/vt'],
    [undefined, '.', 'npm install -D @vitest/coverage-v8@4.1.12'],
    ['pnpm-lock.yaml', 'packages/vt', 'pnpm --filter vt add -D @vitest/coverage-v8@4.1.12'],
    ['pnpm-lock.yaml', '.', 'pnpm add -D -w @vitest/coverage-v8@4.1.12'],
    ['yarn.lock', 'packages/vt', 'yarn workspace vt add -D @vitest/coverage-v8@4.1.12'],
    ['bun.lock', 'packages/vt', 'cd packages/vt && bun add -d @vitest/coverage-v8@4.1.12'],
  ];
  for (const [lock, projectRoot, expected] of cases) {
    const root = tree({ 'packages/vt/package.json': JSON.stringify({ name: 'vt' }), ...(lock ? { [lock]: '' } : {}) });
    assert.is(installCommand(root, projectRoot, '@vitest/coverage-v8@4.1.12'), expected);
  }
});

test('a missing provider package is named before the tests, with the install command', () => {
  const root = tree({
    'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }),
    'pnpm-lock.yaml': '',
    'packages/vt/package.json': JSON.stringify({ name: 'vt' }),
    'packages/vt/vitest.config.ts': `export default { test: { coverage: { provider: 'istanbul' } } };`,
  });
  // Vitest is installed, its istanbul provider is not.
  mkdirSync(join(root, 'node_modules'));
  symlinkSync(join(REPO_ROOT, 'node_modules/vitest'), join(root, 'node_modules/vitest'), 'dir');
  const chosen = projectProvider('vitest', root, 'packages/vt')!;
  const version = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/vitest/package.json'), 'utf8')).version;
  assert.throws(
    () => checkProviderInstalled(chosen, root, 'packages/vt'),
    (error: Error) =>
      error instanceof ConfigError &&
      error.message ===
        `Vitest's coverage provider "istanbul" (named in packages/vt/vitest.config.ts) needs @vitest/coverage-istanbul, which cannot be found from packages/vt. ` +
          `Install it before measuring coverage: pnpm --filter vt add -D @vitest/coverage-istanbul@${version}`,
  );
  // Through the CLI: nothing runs, nothing is written.
  const result = spawnSync(process.execPath, [BIN, 'run', '--', 'node', '-e', 'require("fs").writeFileSync("ran", "")', 'vitest'], {
    cwd: join(root, 'packages/vt'),
    encoding: 'utf8',
  });
  assert.is(result.status, 3, result.stderr);
  assert.match(result.stderr, 'pnpm --filter vt add -D @vitest/coverage-istanbul@');
  assert.throws(() => readFileSync(join(root, 'packages/vt/ran')));
});

// resend/react-email: Vitest is a devDependency of the root only and every package runs the root's; the
// provider's package goes beside it, one command for all of them (not `pnpm --filter <each> add`).
test("Vitest declared at the workspace root only: the provider's install command is the root's", () => {
  const root = tree({
    'package.json': JSON.stringify({ name: 'ws', private: true, devDependencies: { vitest: '4.1.4' } }),
    'pnpm-lock.yaml': '',
    'pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
    'packages/render/package.json': JSON.stringify({ name: '@scope/render', scripts: { test: 'vitest run' } }),
    'packages/render/vitest.config.ts': `export default { test: { globals: true } };`,
    'packages/own/package.json': JSON.stringify({ name: 'own', devDependencies: { vitest: '4.1.4' }, scripts: { test: 'vitest run' } }),
    'packages/own/vitest.config.ts': `export default { test: { globals: true } };`,
  });
  mkdirSync(join(root, 'node_modules'));
  symlinkSync(join(REPO_ROOT, 'node_modules/vitest'), join(root, 'node_modules/vitest'), 'dir');
  const version = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/vitest/package.json'), 'utf8')).version;
  const run = (folder: string) =>
    spawnSync(process.execPath, [BIN, 'run', '--', 'node', '-e', 'require("fs").writeFileSync("ran", "")', 'vitest', 'run'], { cwd: join(root, folder), encoding: 'utf8' });

  const rootOnly = run('packages/render');
  assert.is(rootOnly.status, 3, rootOnly.stderr);
  assert.match(
    rootOnly.stderr,
    `Vitest's coverage provider "v8" (Vitest's default: packages/render/vitest.config.ts names none) needs @vitest/coverage-v8, which cannot be found from packages/render. ` +
      `Install it before measuring coverage beside Vitest, which the workspace root's package.json declares: pnpm add -D -w @vitest/coverage-v8@${version}`,
  );
  // A package that declares Vitest itself gets the provider beside its own.
  const own = run('packages/own');
  assert.is(own.status, 3, own.stderr);
  assert.match(own.stderr, `Install it before measuring coverage: pnpm --filter own add -D @vitest/coverage-v8@${version}`);
  assert.throws(() => readFileSync(join(root, 'packages/render/ran')));
});

// A package whose test script is `vitest run` with no config file: Vitest's default provider, v8, whose
// package Vitest itself only asks for after the tests (MISSING DEPENDENCY); found in a bun workspace.
test("no Vitest config anywhere: the default provider's package is named before the tests; a config at the root or on the command line is left to Vitest", () => {
  const root = tree({
    'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }),
    'packages/vt/package.json': JSON.stringify({ name: 'vt', scripts: { test: 'vitest run' } }),
  });
  mkdirSync(join(root, 'node_modules'));
  symlinkSync(join(REPO_ROOT, 'node_modules/vitest'), join(root, 'node_modules/vitest'), 'dir');
  const version = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/vitest/package.json'), 'utf8')).version;
  const run = (...command: string[]) =>
    spawnSync(process.execPath, [BIN, 'run', '--', 'node', '-e', 'require("fs").writeFileSync("ran", "")', ...command], { cwd: join(root, 'packages/vt'), encoding: 'utf8' });

  const stopped = run('vitest', 'run');
  assert.is(stopped.status, 3, stopped.stderr);
  assert.match(
    stopped.stderr,
    `Vitest's coverage provider "v8" (Vitest's default: no config file) needs @vitest/coverage-v8, which cannot be found from packages/vt. ` +
      `Install it before measuring coverage: npm install -D @vitest/coverage-v8@${version} -w packages/vt`,
  );
  assert.throws(() => readFileSync(join(root, 'packages/vt/ran')));

  // A provider or a config named on the command line, or a config at the root: monocov cannot tell the provider, Vitest can.
  // The command runs (that it leaves no Vitest output is another matter).
  const runs = (command: string[]) => {
    assert.not.match(run(...command).stderr, 'needs @vitest/coverage-v8', command.join(' '));
    rmSync(join(root, 'packages/vt/ran'));
  };
  runs(['vitest', 'run', '--coverage.provider=istanbul']);
  runs(['vitest', 'run', '--config', '../../vitest.shared.ts']);
  writeFileSync(join(root, 'vitest.config.ts'), `export default { test: { coverage: { provider: 'istanbul' } } };`);
  runs(['vitest', 'run']);
});

test('two configs of one target that disagree: one warning naming both', () => {
  const root = tree({
    'p/vitest.config.ts': `export default { test: { coverage: { provider: 'istanbul' } } };`,
    'p/vitest.ssr.config.ts': `export default { test: { coverage: { enabled: false } } };`,
  });
  const chosen = projectProvider('vitest', root, 'p')!;
  assert.is(
    providerDisagreement(chosen, 'vitest run && vitest run --config vitest.ssr.config.ts', root, 'p'),
    'warning: the Vitest configs of this target disagree on the coverage provider: p/vitest.config.ts "istanbul", p/vitest.ssr.config.ts "v8" (the default). ' +
      'Every run uses "istanbul" so that their counts add up on the same statements (data of two providers is never summed); set it in each config to silence this',
  );
  assert.is(providerDisagreement(chosen, 'vitest run && vitest run -c vitest.config.ts', root, 'p'), undefined);
});

// Vitest 3.2's v8 provider counts as istanbul does only with coverage.experimentalAstAwareRemapping
// (real runs: tools/e2e/turbo-runners.e2e.ts, on Vitest 3.2.4). Which installs and settings get it:
// the @vitest/coverage-v8 version the project folder resolves, and the user's own setting, if any.
test('coverage.experimentalAstAwareRemapping: for @vitest/coverage-v8 3.2 and later 3.x, unless the provider is another or the user sets it', () => {
  const cases: Array<[string, { version?: string; provider?: string; command?: string; files?: Record<string, string> }, boolean]> = [
    ['3.2.4, the default provider', { version: '3.2.4' }, true],
    ['3.2.0, provider v8', { version: '3.2.0', provider: 'v8' }, true],
    ['3.2.7, provider unknown (Vitest decides)', { version: '3.2.7', command: 'vitest run' }, true],
    ['3.1.4: no such option', { version: '3.1.4' }, false],
    ['2.1.9: no such option', { version: '2.1.9' }, false],
    ['3.2.0-beta.2: its prerelease has it', { version: '3.2.0-beta.2' }, true],
    ['4.1.12: always AST-aware, no such option', { version: '4.1.12' }, false],
    ['not installed', {}, false],
    ['provider istanbul', { version: '3.2.4', provider: 'istanbul' }, false],
    ['the command turns it off', { version: '3.2.4', command: 'vitest run --no-coverage.experimentalAstAwareRemapping' }, false],
    [
      "the project's config sets it",
      { version: '3.2.4', files: { 'p/vite.config.ts': 'export default { test: { coverage: { experimentalAstAwareRemapping: false } } };' } },
      false,
    ],
    [
      "the workspace root's config sets it",
      { version: '3.2.4', files: { 'vitest.config.mts': 'export default { test: { coverage: { experimentalAstAwareRemapping: false } } };' } },
      false,
    ],
    [
      'a config the command names sets it',
      {
        version: '3.2.4',
        command: 'vitest run -c vitest.node.ts',
        files: { 'p/vitest.node.ts': 'export default { test: { coverage: { experimentalAstAwareRemapping: false } } };' },
      },
      false,
    ],
    ['a config that leaves it unset', { version: '3.2.4', files: { 'p/vitest.config.ts': "export default { test: { coverage: { provider: 'v8' } } };" } }, true],
  ];
  for (const [name, { version, provider, command, files = {} }, expected] of cases) {
    const installed: Record<string, string> =
      version === undefined ? {} : { 'node_modules/@vitest/coverage-v8/package.json': JSON.stringify({ name: '@vitest/coverage-v8', version }) };
    const root = tree({ 'package.json': '{}', 'p/package.json': '{}', ...installed, ...files });
    assert.is(vitestAstAwareRemapping(provider, command, root, 'p'), expected, name);
  }
});

test('a run reads each config once: the provider and the remapping option are told from the same text', () => {
  const config = 'p/vitest.config.ts';
  const root = tree({
    'package.json': '{}',
    'p/package.json': '{}',
    'node_modules/@vitest/coverage-v8/package.json': JSON.stringify({ name: '@vitest/coverage-v8', version: '3.2.4' }),
    [config]: "export default { test: { coverage: { provider: 'v8' } } };",
  });
  const configs = new ConfigTexts();
  assert.is(projectProvider('vitest', root, 'p', configs)?.provider, 'v8');
  // Edited after it was read: the run goes on with what it read.
  writeFileSync(join(root, config), "export default { test: { coverage: { provider: 'v8', experimentalAstAwareRemapping: false } } };");
  assert.is(vitestAstAwareRemapping('v8', 'vitest run', root, 'p', configs), true);
  assert.is(vitestAstAwareRemapping('v8', 'vitest run', root, 'p', new ConfigTexts()), false);
});

const SUM_TS = `export function sum(values: number[]): number {
  let total = 0;
  for (const value of values) {
    total += value;
  }
  return total;
}

export function describe(n: number): string {
  return n > 10 ? 'big' : 'small';
}
`;

// The case of issue 16: `vitest && vitest --config vitest.ssr.config.ts`, the second config with
// coverage off and no provider (so Vitest's default, v8). Both runs use the project's istanbul, so
// the data is Vitest's own istanbul coverage of the two runs summed: no statement twice.
test("real Vitest, two configs disagreeing on provider and enabled: one provider, numbers equal Vitest's own", () => {
  const root = tree({
    'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }),
    '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] } }),
    'packages/store/package.json': JSON.stringify({ name: 'store', type: 'module', scripts: { test: 'vitest run && vitest run --config vitest.ssr.config.ts' } }),
    'packages/store/vitest.config.ts': `import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['test/*.unit.test.ts'], coverage: { provider: 'istanbul' } } });\n`,
    'packages/store/vitest.ssr.config.ts': `import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['test/*.ssr.test.ts'], coverage: { enabled: false } } });\n`,
    'packages/store/src/sum.ts': SUM_TS,
    'packages/store/test/sum.unit.test.ts': `import { expect, test } from 'vitest';\nimport { sum } from '../src/sum';\ntest('sum', () => expect(sum([1, 2])).toBe(3));\n`,
    'packages/store/test/sum.ssr.test.ts': `import { expect, test } from 'vitest';\nimport { describe as size } from '../src/sum';\ntest('size', () => expect(size(11)).toBe('big'));\n`,
  });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  const pkg = join(root, 'packages/store');
  const result = spawnSync(process.execPath, [BIN, 'run', '--', 'npm', 'test'], { cwd: pkg, encoding: 'utf8' });
  assert.is(result.status, 0, result.stderr + result.stdout);
  assert.match(
    result.stderr,
    'the Vitest configs of this target disagree on the coverage provider: packages/store/vitest.config.ts "istanbul", packages/store/vitest.ssr.config.ts "v8" (the default)',
  );
  const dataDir = join(root, 'coverage/projects/packages/store');
  assert.is(JSON.parse(readFileSync(join(dataDir, 'meta.json'), 'utf8')).collector, 'vitest/istanbul');
  const data = JSON.parse(readFileSync(join(dataDir, 'coverage-final.json'), 'utf8')) as CoverageMapData;

  // Vitest's own istanbul coverage of each run, summed by istanbul-lib-coverage.
  const own = createCoverageMap({});
  for (const [config, out] of [
    ['vitest.config.ts', 'own-unit'],
    ['vitest.ssr.config.ts', 'own-ssr'],
  ] as const) {
    const run = spawnSync(
      process.execPath,
      [
        join(REPO_ROOT, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--config',
        config,
        '--coverage.enabled',
        '--coverage.provider=istanbul',
        '--coverage.reporter=json',
        `--coverage.reportsDirectory=${out}`,
      ],
      { cwd: pkg, encoding: 'utf8' },
    );
    assert.is(run.status, 0, run.stderr);
    own.merge(JSON.parse(readFileSync(join(pkg, out, 'coverage-final.json'), 'utf8')));
  }
  const ownFile = own.fileCoverageFor(join(pkg, 'src/sum.ts')).data;
  const ours = data['packages/store/src/sum.ts']!;
  assert.equal(ours.statementMap, ownFile.statementMap, 'the same statements, none twice');
  assert.equal(ours.s, ownFile.s);
  assert.equal(ours.f, ownFile.f);
  assert.equal(ours.b, ownFile.b);
  assert.ok(
    Object.values(ours.f).every((hits) => hits > 0),
    'both runs counted',
  );
});

test('real Vitest: sources in folders whose names end like an omitted root folder (src/vitest/, src/layout/) keep their hits; the root test/ folder stays out', () => {
  // Vitest 4 matches coverage.exclude anywhere in the path: `test/**` matched `src/vitest/`, as in open-circle/valibot's to-json-schema.
  const root = tree({
    'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }),
    'packages/lib/package.json': JSON.stringify({ name: 'lib', type: 'module', scripts: { test: 'vitest run' } }),
    'packages/lib/src/vitest/createContext.ts': 'export function createContext() {\n  return { definitions: {} };\n}\n',
    'packages/lib/src/layout/pad.ts': 'export const pad = (text: string) => ` ${text} `;\n',
    'packages/lib/test/helper.ts': 'export const two = 2;\n',
    'packages/lib/test/a.test.ts': `import { expect, test } from 'vitest';\nimport { createContext } from '../src/vitest/createContext';\nimport { pad } from '../src/layout/pad';\nimport { two } from './helper';\ntest('a', () => {\n  expect(createContext().definitions).toEqual({});\n  expect(pad('x').length).toBe(1 + two);\n});\n`,
  });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  const result = spawnSync(process.execPath, [BIN, 'run', '--', 'npm', 'test'], { cwd: join(root, 'packages/lib'), encoding: 'utf8' });
  assert.is(result.status, 0, result.stderr + result.stdout);
  const data = JSON.parse(readFileSync(join(root, 'coverage/projects/packages/lib/coverage-final.json'), 'utf8')) as CoverageMapData;
  assert.equal(Object.keys(data).sort(), ['packages/lib/src/layout/pad.ts', 'packages/lib/src/vitest/createContext.ts']);
  for (const file of Object.values(data))
    assert.ok(
      Object.values(file.f).every((hits) => hits > 0),
      `${file.path}: every function counted`,
    );
});

test('real Vitest: files run.omit leaves out are not handed to Vitest, which would parse each one (an invalid test-input file printed "Failed to parse")', () => {
  // typescript-eslint's ast-spec: test inputs under src/**/fixtures/, many invalid on purpose; its own coverage.exclude names them, monocov's flags replace it.
  const root = tree({
    'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }),
    '.coveragerc.json': JSON.stringify({ run: { omit: ['**/fixtures/**'] } }),
    'packages/spec/package.json': JSON.stringify({ name: 'spec', type: 'module', scripts: { test: 'vitest run' } }),
    'packages/spec/src/kinds.ts': 'export const kinds = ["ClassDeclaration"];\n',
    'packages/spec/src/ClassDeclaration/fixtures/_error_/missing-name/fixture.ts': 'class {}\n',
    'packages/spec/src/ClassDeclaration/fixtures/valid/fixture.ts': 'class Foo {}\n',
    'packages/spec/tests/kinds.test.ts': `import { expect, test } from 'vitest';\nimport { kinds } from '../src/kinds';\ntest('kinds', () => expect(kinds).toEqual(['ClassDeclaration']));\n`,
  });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  const result = spawnSync(process.execPath, [BIN, 'run', '--', 'npm', 'test'], { cwd: join(root, 'packages/spec'), encoding: 'utf8' });
  assert.is(result.status, 0, result.stderr + result.stdout);
  assert.not.match(result.stdout + result.stderr, /Failed to parse|cannot parse/);
  const data = JSON.parse(readFileSync(join(root, 'coverage/projects/packages/spec/coverage-final.json'), 'utf8')) as CoverageMapData;
  assert.equal(Object.keys(data), ['packages/spec/src/kinds.ts']);
});

test.run();
