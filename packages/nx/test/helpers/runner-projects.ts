/**
 * The issue-10 fixture: TypeScript libraries tested by Jest 30 through ts-jest and by Vitest,
 * each runner in both of its target forms and with both of its coverage providers, and one
 * tested by uvu under V8, in a workspace that registers the monocov plugin, so `run-many -t
 * coverage` ends with the merge:
 *   jest-lib         @nx/jest:jest executor (options route), babel provider
 *   jest-v8-lib      package.json script `jest` (hook route), v8 provider
 *   vitest-lib       package.json script `vitest run` (hook route), v8 provider
 *   vitest-nx-lib    @nx/vitest:test executor (options route), istanbul provider
 *   uvu-lib          uvu through tsx, V8
 * Each runner's own config asks for things monocov must override: a 100% threshold the tests
 * miss, reporters other than json, and a coverage selection narrower than monocov's include.
 */

/** One TS source shared by every project: types before code shift transpiled lines, so wrong source mapping shows. */
const MATH_TS = `export interface Options {
  strict: boolean;
}

export function add(a: number, b: number): number {
  return a + b;
}

export function classify(n: number, options?: Options): string {
  if (n < 0) {
    return options?.strict ? 'error' : 'negative';
  }
  return n === 0 ? 'zero' : 'positive';
}

export function neverCalled(): string {
  return 'never';
}
`;

/** Loaded by the tests but called for one branch only. */
const FORMAT_TS = `type Unit = 'cm' | 'in';

export function format(value: number, unit: Unit = 'cm'): string {
  if (unit === 'in') {
    return (value / 2.54).toFixed(1) + ' in';
  }
  return value + ' cm';
}
`;

/** No test imports it. */
const UNUSED_TS = `export function describe(sides: number): string {
  return sides > 3 ? 'polygon' : 'triangle';
}
`;

/** Expected uncovered lines after the tests below, the same for every runner. */
export const UNCOVERED_LINES: Record<string, number[]> = {
  'src/math.ts': [11, 17],
  'src/format.ts': [5],
  'src/unused.ts': [2],
};

function testBody(importLine: string): string {
  return `${importLine}
import { add, classify } from '../src/math';
import { format } from '../src/format';

test('add', () => {
  expect(add(1, 2)).toBe(3);
  expect(add(2, 2)).toBe(4);
});

test('classify and format', () => {
  expect(classify(5)).toBe('positive');
  expect(classify(0)).toBe('zero');
  expect(format(3)).toBe('3 cm');
});
`;
}

const json = (value: unknown): string => JSON.stringify(value, null, 2);

// isolatedModules: ts-jest transpiles file by file instead of type-checking the program, 8x faster.
const TSCONFIG = json({ compilerOptions: { module: 'commonjs', target: 'es2022', strict: true, esModuleInterop: true, isolatedModules: true, types: [] } });

function sources(projectRoot: string): Record<string, string> {
  return { [`${projectRoot}/src/math.ts`]: MATH_TS, [`${projectRoot}/src/format.ts`]: FORMAT_TS, [`${projectRoot}/src/unused.ts`]: UNUSED_TS };
}

/** Where the Jest projects keep their cache (at the workspace root, outside every project's inputs). */
export const JEST_CACHE_DIR = '.jest-cache';

/** The user's own Jest config: leaves unused.ts out of its selection, reports lcov, wants 100% of lines. */
function jestConfig(provider: 'babel' | 'v8'): string {
  return `module.exports = {
  testEnvironment: 'node',
  cacheDirectory: '<rootDir>/../../${JEST_CACHE_DIR}',
  transform: { '^.+\\\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  coverageProvider: '${provider}',
  collectCoverageFrom: ['src/math.ts', 'src/format.ts'],
  coverageReporters: ['lcov'],
  coverageThreshold: { global: { lines: 100 } },
};
`;
}

/** The user's own Vitest config: the same asks. */
function vitestConfig(provider: 'v8' | 'istanbul'): string {
  return `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    coverage: { provider: '${provider}', include: ['src/math.ts', 'src/format.ts'], reporter: ['lcov'], thresholds: { lines: 100 } },
  },
});
`;
}

export function runnerProjectFiles(): Record<string, string> {
  return {
    'package.json': json({ name: 'fixture', private: true, workspaces: ['libs/*'] }),
    'nx.json': json({ namedInputs: { default: ['{projectRoot}/**/*'] }, plugins: ['@monocov/nx'] }),
    '.coveragerc.json': json({ run: { include: ['src/**'] }, reporters: ['json', 'lcov'] }),

    'libs/jest-lib/project.json': json({
      name: 'jest-lib',
      targets: { test: { executor: '@nx/jest:jest', options: { jestConfig: 'libs/jest-lib/jest.config.js' } } },
    }),
    'libs/jest-lib/jest.config.js': jestConfig('babel'),
    'libs/jest-lib/tsconfig.json': TSCONFIG,
    ...sources('libs/jest-lib'),
    'libs/jest-lib/test/math.test.ts': testBody("import { expect, test } from '@jest/globals';"),

    'libs/jest-v8-lib/package.json': json({ name: 'jest-v8-lib', private: true, scripts: { test: 'jest' } }),
    'libs/jest-v8-lib/jest.config.js': jestConfig('v8'),
    'libs/jest-v8-lib/tsconfig.json': TSCONFIG,
    ...sources('libs/jest-v8-lib'),
    'libs/jest-v8-lib/test/math.test.ts': testBody("import { expect, test } from '@jest/globals';"),

    'libs/vitest-lib/package.json': json({ name: 'vitest-lib', private: true, type: 'module', scripts: { test: 'vitest run' } }),
    'libs/vitest-lib/vitest.config.ts': vitestConfig('v8'),
    ...sources('libs/vitest-lib'),
    'libs/vitest-lib/test/math.test.ts': testBody("import { expect, test } from 'vitest';"),

    'libs/vitest-nx-lib/project.json': json({ name: 'vitest-nx-lib', targets: { test: { executor: '@nx/vitest:test' } } }),
    'libs/vitest-nx-lib/vitest.config.ts': vitestConfig('istanbul'),
    'libs/vitest-nx-lib/tsconfig.json': TSCONFIG,
    ...sources('libs/vitest-nx-lib'),
    'libs/vitest-nx-lib/test/math.test.ts': testBody("import { expect, test } from 'vitest';"),

    'libs/uvu-lib/package.json': json({ name: 'uvu-lib', private: true, scripts: { test: 'uvu -r tsx/cjs test' } }),
    ...sources('libs/uvu-lib'),
    'libs/uvu-lib/test/math.test.ts': `import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { add, classify } from '../src/math';
import { format } from '../src/format';

const expect = (actual: unknown) => ({ toBe: (expected: unknown) => assert.is(actual, expected) });

${testBody('').split('\n').slice(4).join('\n')}
test.run();
`,
  };
}
