import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../src/config';
import type { CoverageConfig } from '../src/config/types';
import { ConfigError } from '../src/errors';
import { resolveCollection } from '../src/collection/choose-route';
import { detectCommandRunner, detectTargetRunner, mergeRunnerArgs, runnerFlags, runnersInCommand, type FlagValue, type TestRunner } from '../src/runners';

const dir = mkdtempSync(join(tmpdir(), 'monocov-detect-'));
writeFileSync(
  join(dir, 'package.json'),
  JSON.stringify({
    scripts: {
      test: 'jest --ci',
      unit: 'cross-env TZ=UTC vitest run',
      lint: 'eslint .',
      both: 'jest && vitest run',
      ci: 'npm run lint && npm run unit -- --silent',
      loop: 'npm run loop',
    },
  }),
);
test.after(() => rmSync(dir, { recursive: true, force: true }));

// Command line → the runners it starts.
const COMMANDS: Array<[string, string[]]> = [
  ['jest', ['jest']],
  ['jest --ci --coverage=false', ['jest']],
  ['npx jest', ['jest']],
  ['cross-env TZ=UTC jest', ['jest']],
  ['node --experimental-vm-modules node_modules/jest/bin/jest.js', ['jest']],
  ['./node_modules/.bin/jest -c jest.config.ts', ['jest']],
  ['vitest', ['vitest']],
  ['vitest run --reporter=dot', ['vitest']],
  ['pnpm exec vitest run', ['vitest']],
  ['node node_modules/vitest/vitest.mjs run', ['vitest']],
  ['tsc -b && jest', ['jest']],
  ['jest && vitest run', ['jest', 'vitest']],
  ['uvu -r tsx/cjs test', []],
  ['node --test', []],
  ['ts-jest-runner', []],
  ['jest-junit', []],
  ['eslint jest.config.ts vitest.config.ts', []],
  ['nx run @nx/jest-plugin:build', []],
];

for (const [command, runners] of COMMANDS) {
  test(`command ${JSON.stringify(command)} runs ${runners.join(' and ') || 'no known runner'}`, () => {
    assert.equal(runnersInCommand(command), runners);
  });
}

test('targets: the Nx runner executors, run-commands commands, run-script scripts', () => {
  assert.equal(detectTargetRunner({ executor: '@nx/jest:jest', options: { jestConfig: 'x' } }, dir), {
    runners: ['jest'],
    evidence: 'executor "@nx/jest:jest"',
  });
  assert.equal(detectTargetRunner({ executor: '@nx/vitest:test' }, dir)?.runners, ['vitest']);
  assert.equal(detectTargetRunner({ executor: '@nx/vite:test' }, dir)?.runners, ['vitest']);
  // What @nx/jest/plugin and @nx/vitest infer: run-commands with the runner as the command.
  assert.equal(detectTargetRunner({ executor: 'nx:run-commands', options: { command: 'jest', cwd: 'libs/a' } }, dir), {
    runners: ['jest'],
    evidence: 'command "jest"',
    command: 'jest',
  });
  assert.equal(detectTargetRunner({ options: { commands: ['tsc -p .', { command: 'vitest run' }] } }, dir)?.runners, ['vitest']);
  assert.equal(detectTargetRunner({ executor: 'nx:run-script', options: { script: 'unit' } }, dir), {
    runners: ['vitest'],
    evidence: 'package.json script "unit" ("cross-env TZ=UTC vitest run")',
    command: 'cross-env TZ=UTC vitest run',
  });
  assert.is(detectTargetRunner({ executor: 'nx:run-script', options: { script: 'lint' } }, dir), undefined);
  assert.is(detectTargetRunner({ executor: '@acme/custom:test' }, dir), undefined);
});

test('monocov run commands: pnpm exec, bun x and recursive runs (pnpm -r, --filter, npm --workspaces)', () => {
  const ws = mkdtempSync(join(tmpdir(), 'monocov-detect-ws-'));
  try {
    writeFileSync(join(ws, 'package.json'), JSON.stringify({ name: 'ws', private: true }));
    writeFileSync(join(ws, 'pnpm-workspace.yaml'), 'packages:\n  - "packages/*"\n');
    for (const [name, script] of [
      ['a', 'vitest --run'],
      ['b', 'jest --ci --config jest.ci.js'],
    ]) {
      mkdirSync(join(ws, 'packages', name!), { recursive: true });
      writeFileSync(join(ws, 'packages', name!, 'package.json'), JSON.stringify({ name, scripts: { test: script } }));
    }
    assert.equal(detectCommandRunner(['pnpm', 'exec', 'vitest', '--run'], dir)?.runners, ['vitest']);
    assert.equal(detectCommandRunner(['bun', 'x', 'jest'], dir)?.runners, ['jest']);
    assert.equal(detectCommandRunner(['pnpm', '--filter', 'a', 'run', 'unit'], dir)?.runners, ['vitest'], 'a script of the current package first');
    const recursive = detectCommandRunner(['pnpm', '-r', 'test'], ws);
    assert.equal(recursive, {
      runners: ['vitest', 'jest'],
      evidence: 'package.json script "test" of the workspace\'s packages (pnpm -r test)',
      command: 'vitest --run && jest --ci --config jest.ci.js',
    });
    assert.equal(detectCommandRunner(['npm', 'test', '--workspaces'], ws)?.runners, ['vitest', 'jest']);
    assert.equal(detectCommandRunner(['pnpm', '--filter', 'a', 'test'], ws)?.runners, ['vitest', 'jest'], 'every member with that script');
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});

test('monocov run commands: package manager scripts are read through package.json', () => {
  assert.equal(detectCommandRunner(['npm', 'test'], dir)?.evidence, 'package.json script "test" ("jest --ci")');
  assert.equal(detectCommandRunner(['npm', 'run', 'unit'], dir)?.runners, ['vitest']);
  assert.equal(detectCommandRunner(['yarn', 'unit'], dir)?.runners, ['vitest']);
  assert.equal(detectCommandRunner(['pnpm', 'run', 'both'], dir)?.runners, ['jest', 'vitest']);
  assert.equal(detectCommandRunner(['npx', 'vitest', 'run'], dir), { runners: ['vitest'], evidence: 'command "npx vitest run"', command: 'npx vitest run' });
  assert.is(detectCommandRunner(['npm', 'run', 'lint'], dir), undefined);
  // A script that runs others: followed, each once.
  assert.equal(detectCommandRunner(['npm', 'run', 'ci'], dir), {
    runners: ['vitest'],
    evidence: 'package.json script "ci" ("npm run lint && npm run unit -- --silent")',
    // The scripts it runs are read too, for the runner configs they name.
    command: 'npm run lint && npm run unit -- --silent && eslint . && cross-env TZ=UTC vitest run',
  });
  assert.is(detectCommandRunner(['npm', 'run', 'loop'], dir), undefined);
  assert.is(detectCommandRunner([process.execPath, '--test'], dir), undefined);
});

function run(overrides: Partial<CoverageConfig['run']>): CoverageConfig['run'] {
  return { ...defaultConfig().run, ...overrides };
}

const jestTarget = { runners: ['jest' as const], evidence: 'executor "@nx/jest:jest"' };
const where = { subject: 'web:test', workspaceRoot: '/ws', projectRoot: 'apps/web' };

test('collector auto follows the detection; jest and vitest force the runner route', () => {
  assert.equal(resolveCollection({ run: run({}), detection: jestTarget, ...where }), { kind: 'runner', runners: ['jest'] });
  assert.equal(resolveCollection({ run: run({}), detection: undefined, ...where }), { kind: 'v8' });
  assert.equal(resolveCollection({ run: run({ collector: 'vitest' }), detection: undefined, ...where }), { kind: 'runner', runners: ['vitest'] });
  assert.equal(resolveCollection({ run: run({ collector: 'v8' }), detection: undefined, ...where }), { kind: 'v8' });
  assert.equal(resolveCollection({ run: run({ collector: 'istanbul-json', istanbulJsonPath: 'out/cov' }), detection: jestTarget, ...where }), {
    kind: 'istanbul-json',
    path: join('/ws', 'apps/web', 'out/cov'),
  });
});

test('collector v8 on a Jest target fails, saying why and what to use', () => {
  try {
    resolveCollection({ run: run({ collector: 'v8' }), detection: jestTarget, ...where });
    assert.unreachable('v8 on Jest must fail');
  } catch (error) {
    assert.instance(error, ConfigError);
    assert.is(
      (error as Error).message,
      '`run.collector` "v8" cannot measure web:test: it runs Jest (executor "@nx/jest:jest"), and Jest compiles each file in memory (ts-jest, babel-jest) ' +
        "and runs it in a vm context whose source maps Node never sees, so V8's counts would land on the wrong lines or not on your files at all. " +
        'Use collector "jest" (or "auto"); for V8-based counts, set Jest\'s `coverageProvider: "v8"` in its own config.',
    );
  }
});

test('collector istanbul-json needs its path', () => {
  assert.throws(
    () => resolveCollection({ run: run({ collector: 'istanbul-json' }), detection: undefined, ...where }),
    (error: Error) => error instanceof ConfigError && /`run\.istanbulJsonPath` is not set/.test(error.message),
  );
});

/** The flags as a runner started with no arguments of its own gets them. */
function flagsToArgv(runner: TestRunner, flags: Record<string, FlagValue>): string[] {
  return mergeRunnerArgs(runner, [], flags).args!;
}

test('the flags each runner is given', () => {
  const options = { workspaceRoot: '/ws', projectRoot: 'libs/a (old)', run: run({ include: ['src/**'] }) };
  const jest = runnerFlags('jest', options);
  assert.equal(jest.output, { variable: 'MONOCOV_JEST_OUTPUT_DIR' });
  assert.equal(flagsToArgv('jest', jest.flags), [
    '--coverage',
    `--coverageReporters=${join(__dirname, '..', 'hooks', 'jest-coverage-reporter.cjs')}`,
    '--collectCoverageFrom=[]',
    '--coveragePathIgnorePatterns=[\\\\/]node_modules[\\\\/]',
    '--coverageThreshold={}',
  ]);
  const vitest = runnerFlags('vitest', options);
  assert.equal(vitest.output, { flag: 'coverage.reportsDirectory' });
  const argv = flagsToArgv('vitest', vitest.flags);
  assert.equal(argv.slice(0, 4), ['--run', '--coverage.enabled', '--coverage.reporter=json', '--coverage.include=/ws/libs/a \\(old\\)/src/**']);
  assert.ok(argv.includes('--coverage.exclude=**/*.test.*'));
  assert.ok(argv.includes('--coverage.thresholds=false'));
  assert.ok(argv.includes('--coverage.reportOnFailure'));
  // Vitest 3 matches root-relative paths unless allowExternal is on: without it, the anchored globs select nothing.
  assert.ok(argv.includes('--coverage.allowExternal'));
  // source "workspace": globs stay relative, so other packages' files the tests load match too.
  const workspace = flagsToArgv('vitest', runnerFlags('vitest', { ...options, run: run({ include: ['src/**'], source: 'workspace' }) }).flags);
  assert.ok(workspace.includes('--coverage.include=src/**'));
  assert.ok(workspace.includes('--coverage.allowExternal'));
});

test.run();
