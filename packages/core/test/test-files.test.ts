import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasTestFile, isTestFile, ownTestDiscovery } from '../src/test-files';
import { writeFiles } from './fixtures/merge/helpers';

// Which files the runners find by default (Jest, Vitest, Karma, node --test, mocha, ava, bun), and
// what shows that a run picks files of its own: the two halves of "this project has no tests".

const names: Array<[string, boolean]> = [
  ['src/math.test.ts', true],
  ['src/button.spec.tsx', true],
  ['src/math.test.mjs', true],
  ['src/math-test.js', true],
  ['src/math_test.cjs', true],
  ['src/math_spec.js', true],
  ['test-math.js', true],
  ['test.js', true],
  ['test/math.js', true],
  ['tests/unit/math.ts', true],
  ['src/__tests__/math.ts', true],
  ['spec/math.js', true],
  ['src/test.ts', true],
  ['src/main.ts', false],
  ['src/latest.js', false],
  ['src/contest.ts', false],
  ['src/math.test.json', false],
  ['test/fixture.json', false],
  ['README.test.md', false],
  ['node_modules/dep/test.js', false],
  ['src/testing.ts', false],
];

for (const [path, expected] of names) {
  test(`${path} ${expected ? 'is' : 'is not'} a test file`, () => assert.is(isTestFile(path), expected));
}

test('hasTestFile walks the project, not node_modules, build output or dot folders', () => {
  const root = mkdtempSync(join(tmpdir(), 'monocov-test-files-'));
  try {
    writeFiles(root, { 'a/src/main.ts': '', 'a/node_modules/dep/test.js': '', 'a/dist/main.test.js': '', 'a/.cache/x.test.js': '', 'b/src/deep/er/x.spec.ts': '' });
    assert.is(hasTestFile(join(root, 'a')), false);
    assert.is(hasTestFile(join(root, 'b')), true);
    assert.is(hasTestFile(join(root, 'missing')), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('ownTestDiscovery: a path or glob in the command, a discovery option, a runner config or package.json section that picks files', () => {
  const root = mkdtempSync(join(tmpdir(), 'monocov-test-files-'));
  try {
    writeFiles(root, {
      'plain/package.json': '{}',
      'plain/vite.config.ts': 'export default { plugins: [] };\n',
      'jest-config/jest.config.js': "module.exports = { testMatch: ['**/*.check.js'] };\n",
      'vitest-config/vitest.config.ts': "export default { test: { include: ['src/**/*.check.ts'] } };\n",
      'manifest/package.json': JSON.stringify({ jest: { testRegex: 'check' } }),
      'mocharc/.mocharc.json': JSON.stringify({ spec: 'src/**/*.check.js' }),
      'named/custom.jest.js': "module.exports = { roots: ['<rootDir>/checks'] };\n",
      'pw/playwright.config.ts': "export default { testDir: './e2e', testMatch: '**/*.e2e.ts' };\n",
      // As in TanStack/store's Angular examples: karma's default *.spec.ts, none written yet.
      'ng/angular.json': JSON.stringify({
        projects: { ng: { architect: { test: { builder: '@angular-devkit/build-angular:karma', options: { tsConfig: 'tsconfig.spec.json' } } } } },
      }),
      'ng-include/angular.json': JSON.stringify({ projects: { ng: { architect: { test: { options: { include: ['src/**/*.check.ts'] } } } } } }),
    });
    const own = (projectRoot: string, commands: Array<string | undefined>, options: Array<Record<string, unknown> | undefined> = []) =>
      ownTestDiscovery({ workspaceRoot: root, projectRoot, commands, options });
    assert.is(own('plain', ['vitest run', 'node --test', 'ng test --watch=false', 'jest --ci']), undefined);
    assert.is(own('plain', [undefined], [{ tsConfig: 'plain/tsconfig.spec.json', cwd: 'plain' }]), undefined);
    assert.is(own('plain', ["mocha 'src/**/*.check.js'"]), `its command names "'src/**/*.check.js'"`);
    assert.is(own('plain', ['node --test checks/']), 'its command names "checks/"');
    assert.is(own('plain', ['jest --config jest.ci.js']), 'its command names "jest.ci.js"');
    assert.is(own('plain', [undefined], [{ include: ['**/*.check.ts'] }]), 'its option "include" picks the test files');
    assert.is(own('plain', [undefined], [{ jestConfig: 'named/custom.jest.js' }]), 'its jestConfig named/custom.jest.js picks the test files');
    assert.is(own('jest-config', ['jest']), 'jest.config.js picks the test files');
    assert.is(own('vitest-config', ['vitest run']), 'vitest.config.ts picks the test files');
    assert.is(own('manifest', ['jest']), 'package.json "jest" picks the test files');
    assert.is(own('mocharc', ['mocha']), '.mocharc.json picks the test files');
    assert.is(own('pw', ['playwright test']), 'playwright.config.ts picks the test files');
    assert.is(own('ng', ['ng test']), undefined, 'a tsconfig.spec.json value is not a discovery key');
    assert.is(own('ng-include', ['ng test']), 'angular.json picks the test files');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
