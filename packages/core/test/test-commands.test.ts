import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commandAndScriptsItRuns, testCommandKind, withoutRepeats } from '../src/runners/test-commands';
import { testScripts } from '../src/test-scripts';

// What real repos put in `test` and `test:*` scripts, and what monocov makes of each.
const TABLE: Array<[string, ReturnType<typeof testCommandKind>]> = [
  ['vitest --run', 'unit'],
  ['vitest run --coverage.enabled=false', 'unit'],
  ['npx vitest', 'unit'],
  ['jest --ci', 'unit'],
  ['node node_modules/jest/bin/jest.js', 'unit'],
  ['cross-env NODE_ENV=test jest', 'unit'],
  ['mocha "test/**/*.spec.js"', 'unit'],
  ['uvu -r tsx/cjs test', 'unit'],
  ['node --test', 'unit'],
  ['node --import tsx --test test/*.test.ts', 'unit'],
  ['tsx --test', 'unit'],
  ['c8 node test.js', 'unit'],
  ['ava', 'unit'],
  ['tap test/*.js', 'unit'],
  ['bun test', 'unit'],
  ['eslint src', undefined],
  ['tsc --noEmit', undefined],
  ['vite build', undefined],
  ['knip', undefined],
  ['vitest typecheck && eslint .', 'unit'],
  ['eslint . --format tap', undefined],
  ['playwright test', 'e2e'],
  ['cypress run', 'e2e'],
  ['nx affected --target=test:lib', 'workspace'],
  ['npx nx run-many -t test', 'workspace'],
  ['pnpm nx test', 'workspace'],
  ['turbo run test', 'workspace'],
  ['lerna run test', 'workspace'],
  ['pnpm -r test', 'workspace'],
  ['pnpm --filter ./packages/** test', 'workspace'],
  ['npm test --workspaces', 'workspace'],
  ['yarn workspaces foreach run test', 'workspace'],
  // Watch modes never end (monocov refuses them); benchmarks are not tests.
  ['vitest --watch', 'watch'],
  ['vitest -w', 'watch'],
  ['vitest watch', 'watch'],
  ['vitest dev', 'watch'],
  ['jest --watch', 'watch'],
  ['jest --watchAll', 'watch'],
  ['mocha -w', 'watch'],
  ['jest -w 4', 'unit'],
  ['vitest --watch=false', 'unit'],
  ['vitest bench', 'bench'],
  ['vitest bench --run', 'bench'],
  ['vitest run && vitest bench', 'unit'],
];

for (const [command, kind] of TABLE) {
  test(`${JSON.stringify(command)} → ${kind ?? 'no test runner'}`, () => {
    assert.is(testCommandKind(command), kind);
  });
}

test("package-manager scripts are followed through the package's other scripts, each read once", () => {
  const scripts = { test: 'npm run unit && npm run lint', unit: 'pnpm spec', spec: 'vitest run', lint: 'eslint .', loop: 'npm run loop', e2e: 'yarn pw', pw: 'playwright test' };
  assert.is(testCommandKind('npm run unit', scripts), 'unit');
  assert.is(testCommandKind(scripts.test, scripts), 'unit');
  assert.is(testCommandKind('npm run lint', scripts), undefined);
  assert.is(testCommandKind('npm run loop', scripts), undefined);
  assert.is(testCommandKind('yarn e2e', scripts), 'e2e');
  assert.is(testCommandKind('pnpm -r test', scripts), 'workspace');
});

// package.json is the user's: a script reference names one of its own keys, never Object.prototype's, and
// only a string is a script (this runs while Nx builds the project graph: a throw would fail the graph).
test('a script name that is no script of the package: `yarn toString`, `npm run constructor`, a script that is not a string', () => {
  const scripts = { test: 'vitest run', odd: 5 } as unknown as Record<string, string>;
  for (const command of ['yarn toString', 'npm run constructor', 'pnpm hasOwnProperty', 'npm run odd']) {
    assert.equal(commandAndScriptsItRuns(command, scripts), [command], command);
    assert.is(testCommandKind(command, scripts), undefined, command);
  }
});

test('a package script run in watch mode is a watch run: `pnpm run x --watch`, `npm run x -- --watch`', () => {
  const scripts = { 'test:lib': 'vitest', test: 'jest' };
  assert.is(testCommandKind('pnpm run test:lib --watch', scripts), 'watch');
  assert.is(testCommandKind('npm run test -- --watch', scripts), 'watch');
  assert.is(testCommandKind('yarn test:lib --watchAll', scripts), 'watch');
  assert.is(testCommandKind('pnpm run test:lib', scripts), 'unit');
});

// TanStack/store's vue-store package, and the sibling suites real repos keep.
const VUE_STORE = {
  'test:lib': 'pnpm run test:lib:3',
  'test:lib:2': 'vue-demi-switch 2 vue2 && vitest',
  'test:lib:2.7': 'vue-demi-switch 2.7 vue2.7 && vitest',
  'test:lib:3': 'vue-demi-switch 3 && vitest',
  'test:lib:fixme': 'pnpm run test:lib:2 && pnpm run test:lib:2.7 && pnpm run test:lib:3',
  'test:lib:dev': 'pnpm run test:lib --watch',
  'test:bench': 'vitest bench',
  'test:eslint': 'eslint ./src',
};

const SCRIPT_TABLE: Array<[string, Record<string, string>, string[]]> = [
  ['vue-store: the variants of test:lib, its watch mode and the benchmarks are left out', VUE_STORE, ['test:lib']],
  ['sibling suites are both selected', { 'test:unit': 'vitest run', 'test:integration': 'vitest run -c vitest.integration.ts' }, ['test:unit', 'test:integration']],
  ['`test` beside test:unit is no parent: both run their own suite', { test: 'vitest run', 'test:unit': 'jest' }, ['test', 'test:unit']],
  [
    '`test` that only runs two selected suites is not selected again',
    { test: 'npm run test:unit && npm run test:integration', 'test:unit': 'vitest run', 'test:integration': 'jest' },
    ['test:unit', 'test:integration'],
  ],
  ['`test` that runs a suite and more stays', { test: 'npm run test:unit && node --test', 'test:unit': 'vitest run' }, ['test', 'test:unit']],
  ['a variant whose parent is not selected stays (test:types is no test run)', { 'test:types': 'tsc', 'test:types:runtime': 'vitest run' }, ['test:types:runtime']],
  ['a `test` script that runs Playwright is an e2e run, not measured', { test: 'playwright test', 'test:unit': 'vitest run' }, ['test:unit']],
  ['test:dev in watch mode', { test: 'vitest run', 'test:dev': 'vitest' + ' --watch', 'test:watch': 'jest --watchAll' }, ['test']],
];

for (const [title, scripts, expected] of SCRIPT_TABLE) {
  test(`testScripts: ${title}`, () => {
    assert.equal(
      testScripts(scripts).map((script) => script.name),
      expected,
    );
  });
}

test('withoutRepeats says why each run is left out', () => {
  const runs = Object.entries(VUE_STORE)
    .filter(([name]) => name.startsWith('test:lib') && name !== 'test:lib:dev')
    .map(([name, command]) => ({ name, command }));
  const { kept, repeats } = withoutRepeats(runs, VUE_STORE);
  assert.equal(
    kept.map((run) => run.name),
    ['test:lib'],
  );
  assert.equal(repeats.find((repeat) => repeat.name === 'test:lib:3')?.reason, 'it is a variant of test:lib, which is measured (name both in testTargetName to run both)');
  const suites = { test: 'pnpm unit && pnpm integration', unit: 'vitest run', integration: 'jest' };
  const only = withoutRepeats(
    Object.entries(suites).map(([name, command]) => ({ name, command })),
    suites,
  );
  assert.equal(only.repeats, [{ name: 'test', reason: 'it only runs unit and integration, which are measured already' }]);
});

test.run();
