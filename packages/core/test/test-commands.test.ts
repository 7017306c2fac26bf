import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testCommandKind } from '../src/runners/test-commands';

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
];

for (const [command, kind] of TABLE) {
  test(`${JSON.stringify(command)} → ${kind ?? 'no test runner'}`, () => {
    assert.is(testCommandKind(command), kind);
  });
}

test('package-manager scripts are followed through the package\'s other scripts, each read once', () => {
  const scripts = { test: 'npm run unit && npm run lint', unit: 'pnpm spec', spec: 'vitest run', lint: 'eslint .', loop: 'npm run loop', e2e: 'yarn pw', pw: 'playwright test' };
  assert.is(testCommandKind('npm run unit', scripts), 'unit');
  assert.is(testCommandKind(scripts.test, scripts), 'unit');
  assert.is(testCommandKind('npm run lint', scripts), undefined);
  assert.is(testCommandKind('npm run loop', scripts), undefined);
  assert.is(testCommandKind('yarn e2e', scripts), 'e2e');
  assert.is(testCommandKind('pnpm -r test', scripts), 'workspace');
});

test.run();
