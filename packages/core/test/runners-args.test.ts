import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../src/config';
import { mergeRunnerArgs, runnerFlags, runnerHookVariables, type FlagValue, type TestRunner } from '../src/runners';

// The command a runner runs under monocov: its own arguments, whatever wrapper started it, with
// monocov's coverage flags merged in (hooks/runner-args.cjs), never appended blindly.

const OPTIONS = { workspaceRoot: '/ws', projectRoot: 'libs/a', run: { ...defaultConfig().run, include: ['src/**'] } };
const FLAGS: Record<TestRunner, Record<string, FlagValue>> = {
  jest: runnerFlags('jest', OPTIONS).flags,
  vitest: { ...runnerFlags('vitest', OPTIONS).flags, 'coverage.reportsDirectory': '/raw/vitest-1' },
};

/** monocov's flags as the runner gets them when its command gives none of them. */
function ours(runner: TestRunner, { withoutRun = false } = {}): string[] {
  const flags = { ...FLAGS[runner] };
  if (withoutRun) delete flags.run;
  return Object.entries(flags).flatMap(([name, value]) =>
    value === true ? [`--${name}`] : Array.isArray(value) ? value.map((item) => `--${name}=${item}`) : [`--${name}=${String(value)}`],
  );
}

/** Stand for monocov's flags in the table (`--run` left out after `vitest run`). */
const OURS = '<ours>';
const OURS_WITHOUT_RUN = '<ours-but-run>';

/** [runner, the runner's arguments in the user's command, what it runs with under monocov ('' splits on spaces)]. */
const TABLE: Array<[TestRunner, string, string]> = [
  // Vitest
  ['vitest', '', OURS],
  ['vitest', 'run', `run ${OURS_WITHOUT_RUN}`],
  ['vitest', '--run', OURS],
  ['vitest', '--run --reporter=dot', `--reporter=dot ${OURS}`],
  ['vitest', 'run --coverage.enabled=false', `run ${OURS_WITHOUT_RUN}`],
  ['vitest', '--run --coverage.enabled false', `false ${OURS}`], // cac reads `false` after a boolean flag as a test filter, as Vitest would
  ['vitest', 'run --coverage', `run ${OURS_WITHOUT_RUN}`],
  ['vitest', 'run --no-coverage', `run ${OURS_WITHOUT_RUN}`],
  ['vitest', 'run --coverage=false', `run ${OURS_WITHOUT_RUN}`],
  ['vitest', 'run --coverage.reporter text --coverage.reporter=html src', `run src ${OURS_WITHOUT_RUN}`],
  ['vitest', 'run --coverage.reportsDirectory out --coverage.include=lib/** --coverage.exclude x', `run ${OURS_WITHOUT_RUN}`],
  ['vitest', 'run --coverage.thresholds.lines 90 --coverage.thresholds.100 --coverage.thresholds.perFile', `run ${OURS_WITHOUT_RUN}`],
  ['vitest', 'run --coverage.reportOnFailure=false --report-on-failure', `run --report-on-failure ${OURS_WITHOUT_RUN}`],
  ['vitest', 'run --coverage.provider=istanbul --coverage.ignoreClassMethods=skip', `run --coverage.provider=istanbul --coverage.ignoreClassMethods=skip ${OURS_WITHOUT_RUN}`],
  ['vitest', '--run --config vitest.ssr.config.ts', `--config vitest.ssr.config.ts ${OURS}`],
  ['vitest', 'run --project web --project api', `run --project web --project api ${OURS_WITHOUT_RUN}`],
  ['vitest', 'run --workspace vitest.workspace.ts', `run --workspace vitest.workspace.ts ${OURS_WITHOUT_RUN}`],
  ['vitest', 'run src/a -- --weird-name', `run src/a ${OURS_WITHOUT_RUN} -- --weird-name`],
  ['vitest', 'run --watch=false', `run --watch=false ${OURS_WITHOUT_RUN}`],
  ['vitest', 'related src/a.ts', `related src/a.ts ${OURS}`],
  // The project's provider, when monocov knows it, replaces one on the command line.
  ['vitest', 'run --coverage.provider=v8 --coverage.provider istanbul', `run ${OURS_WITHOUT_RUN} --coverage.provider=istanbul`],
  // Jest
  ['jest', '', OURS],
  ['jest', '--ci', `--ci ${OURS}`],
  ['jest', '--ci --coverage', `--ci ${OURS}`],
  ['jest', '--coverage=false --ci', `--ci ${OURS}`],
  ['jest', '--no-coverage', OURS],
  ['jest', '--collectCoverage --collect-coverage=true', OURS],
  ['jest', '--coverageReporters text lcov --ci', `--ci ${OURS}`],
  // Jest's coverageDirectory is the user's: nothing is written there, and it keys Jest's transform cache (flags.ts).
  ['jest', '--coverage-reporters=text --coverage-directory out', `--coverage-directory out ${OURS}`],
  ['jest', '--collectCoverageFrom src/** --coveragePathIgnorePatterns a b --coverageThreshold {}', OURS],
  ['jest', '--coverageProvider=v8', `--coverageProvider=v8 ${OURS}`],
  ['jest', '--coverageProvider=v8 --coverage-provider babel', `${OURS} --coverageProvider=babel`],
  ['jest', '--selectProjects web api --ci', `--selectProjects web api --ci ${OURS}`],
  ['jest', '--config jest.ci.config.ts -w 2', `--config jest.ci.config.ts -w 2 ${OURS}`],
  ['jest', '--watchAll=false', `--watchAll=false ${OURS}`],
  ['jest', 'src/a -- --not-a-flag', `src/a ${OURS} -- --not-a-flag`],
];

const words = (text: string): string[] => (text === '' ? [] : text.split(' '));

for (const [runner, given, expected] of TABLE) {
  test(`${runner} ${given || '(no arguments)'}`, () => {
    const want = words(expected).flatMap((word) => (word === OURS ? ours(runner) : word === OURS_WITHOUT_RUN ? ours(runner, { withoutRun: true }) : [word]));
    const provider = expected.includes('--coverage.provider=') || expected.endsWith('--coverageProvider=babel') ? want.pop()! : undefined;
    const flags = provider === undefined ? FLAGS[runner] : { ...FLAGS[runner], [provider.slice(2, provider.indexOf('='))]: provider.slice(provider.indexOf('=') + 1) };
    assert.equal(mergeRunnerArgs(runner, words(given), flags), { args: provider === undefined ? want : [...want, provider] });
  });
}

// A command that watches for changes never ends: refused with the change to make.
const WATCHING: Array<[TestRunner, string, string]> = [
  ['vitest', 'watch', '`watch`'],
  ['vitest', 'dev', '`dev`'],
  ['vitest', '--watch', '`--watch`'],
  ['vitest', 'run -w', '`-w`'],
  ['jest', '--watch', '`--watch`'],
  ['jest', '--ci --watchAll', '`--watchAll`'],
];
for (const [runner, given, named] of WATCHING) {
  test(`refused: ${runner} ${given}`, () => {
    const merged = mergeRunnerArgs(runner, words(given), FLAGS[runner]);
    assert.is(merged.args, undefined);
    assert.ok(merged.refusal!.includes(`in watch mode (${named})`), merged.refusal);
    assert.match(merged.refusal!, runner === 'vitest' ? /run `vitest run` in the test target or script/ : /`--watchAll=false`/);
  });
}

// Package-manager wrappers between monocov and the runner, run for real in front of stand-in
// runner CLIs that record the arguments they were started with: whatever the wrapper passes on,
// the runner's process merges monocov's flags into it.
const RECORDER = `#!/usr/bin/env node\nrequire('node:fs').appendFileSync(process.env.RECORD_TO, JSON.stringify(process.argv.slice(2)) + '\\n');\n`;

function wrapperWorkspace(): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'monocov-wrappers-')));
  const files: Record<string, string> = {
    'package.json': JSON.stringify({
      name: 'wrapped',
      private: true,
      scripts: { test: 'vitest --run', unit: 'jest --ci --coverage', both: 'tsc-stand-in && vitest run --coverage.enabled=false && npm run unit' },
    }),
    'recorder.cjs': RECORDER,
    'node_modules/vitest/vitest.mjs': `#!/usr/bin/env node\nimport { createRequire } from 'node:module';\ncreateRequire(import.meta.url)('../../recorder.cjs');\n`,
    'node_modules/vitest/package.json': JSON.stringify({ name: 'vitest', bin: { vitest: 'vitest.mjs' } }),
    'node_modules/jest/bin/jest.js': RECORDER,
    'node_modules/jest/package.json': JSON.stringify({ name: 'jest', bin: { jest: 'bin/jest.js' } }),
    'node_modules/.bin/tsc-stand-in': '#!/bin/sh\nexit 0\n',
  };
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), contents, { mode: 0o755 });
  }
  symlinkSync('../vitest/vitest.mjs', join(root, 'node_modules/.bin/vitest'));
  symlinkSync('../jest/bin/jest.js', join(root, 'node_modules/.bin/jest'));
  return root;
}

test('wrappers: npm test, npm run, npm test -- <flags>, npx, npm exec, && chains of scripts', () => {
  const root = wrapperWorkspace();
  try {
    const outputDir = join(root, 'raw');
    const variables = runnerHookVariables(
      [runnerFlags('jest', OPTIONS), runnerFlags('vitest', OPTIONS)].map((set) => ({ ...set, flags: FLAGS[set.runner] })),
      outputDir,
      {},
    );
    const run = (...command: string[]): string[][] => {
      const recordTo = join(root, `record-${Math.random()}.jsonl`);
      const result = spawnSync(command[0]!, command.slice(1), { cwd: root, env: { ...process.env, ...variables, RECORD_TO: recordTo }, encoding: 'utf8' });
      assert.is(result.status, 0, result.stderr);
      return readFileSync(recordTo, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as string[]);
    };
    const vitestOurs = ours('vitest').map((arg) => (arg.startsWith('--coverage.reportsDirectory=') ? '<out>' : arg));
    const jestOurs = ours('jest');
    const outputless = (args: string[]) => args.map((arg) => (arg.startsWith('--coverage.reportsDirectory=') ? '<out>' : arg));

    assert.equal(run('npm', 'test').map(outputless), [vitestOurs]);
    assert.equal(run('npm', 'run', 'test').map(outputless), [vitestOurs]);
    assert.equal(run('npm', 'test', '--', '--coverage.enabled=false', '--reporter=dot').map(outputless), [['--reporter=dot', ...vitestOurs]]);
    assert.equal(run('npx', 'vitest', '--run').map(outputless), [vitestOurs]);
    assert.equal(run('npm', 'exec', '--', 'vitest', 'run').map(outputless), [
      ['run', ...ours('vitest', { withoutRun: true }).map((arg) => (arg.startsWith('--coverage.reportsDirectory=') ? '<out>' : arg))],
    ]);
    assert.equal(run('npm', 'run', 'unit').map(outputless), [['--ci', ...jestOurs]]);
    assert.equal(run('npm', 'run', 'both').map(outputless), [
      ['run', ...ours('vitest', { withoutRun: true }).map((arg) => (arg.startsWith('--coverage.reportsDirectory=') ? '<out>' : arg))],
      ['--ci', ...jestOurs],
    ]);
    // Every runner process writes into a folder of its own, named in start order.
    const folders = readdirSync(outputDir).sort();
    assert.ok(
      folders.every((name) => /^(?:jest|vitest)-\d{15}-\w+$/.test(name)),
      folders.join(),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
