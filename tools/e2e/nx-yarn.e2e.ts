// Issue 15 (c): yarn 4 workspaces (node-modules linker) with Nx 22 as most package-based
// repositories add it: members from package.json `workspaces`, a package tested by Vitest, one by
// `node --test`, a docs site without tests, and a config package with no scripts at all. Since
// the trial in nrwl/nx-console (yarn 4 + Nx, Jest with ts-jest): a Jest package whose root
// tsconfig.base.json turns source maps off, as nx-console's does, and whose tsconfig.spec.json
// turns them back on; without that, ts-jest gives Jest the compiled JavaScript without a map.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertSameAsRunner, run } from './lib';
import { nxAddScenario } from './nx-add';

const VITEST = '4.1.12';
const SPEC_TSCONFIG = { extends: '../../tsconfig.base.json', compilerOptions: { module: 'commonjs', sourceMap: true } };
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const steps = nxAddScenario({
  name: 'nx-yarn',
  manager: 'yarn',
  env: {
    YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
    YARN_ENABLE_TELEMETRY: '0',
    YARN_NODE_LINKER: 'node-modules',
    // Yarn 4 quarantines versions published less than a day ago ("The version for tag latest is
    // quarantined"): ours were published seconds ago.
    YARN_NPM_MINIMAL_AGE_GATE: '0',
  },
  files: {
    'package.json': json({
      name: 'yarn-monorepo',
      private: true,
      packageManager: 'yarn@4.18.1',
      workspaces: ['packages/*', 'apps/*'],
      scripts: { test: 'nx run-many -t test' },
      devDependencies: { nx: '22.6.1', vitest: VITEST, '@vitest/coverage-v8': VITEST, jest: '30.5.2', 'ts-jest': '29.4.15', typescript: '5.9.3' },
    }),
    'tsconfig.base.json': json({ compilerOptions: { target: 'es2022', strict: true, sourceMap: false } }),
    '.yarnrc.yml': 'nodeLinker: node-modules\n',
    'nx.json': json({
      $schema: './node_modules/nx/schemas/nx-schema.json',
      namedInputs: { default: ['{projectRoot}/**/*'], production: ['default', '!{projectRoot}/**/*.test.*'] },
      targetDefaults: { test: { cache: true, inputs: ['default', '^production'] } },
    }),
    '.gitignore': 'node_modules\n.nx\n.yarn\n',
    'packages/parser/package.json': json({ name: '@acme/parser', version: '1.0.0', type: 'module', scripts: { test: 'vitest run' } }),
    'packages/parser/src/parse.ts':
      "export function parseList(text: string): string[] {\n  return text\n    .split(',')\n    .map((part) => part.trim())\n    .filter((part) => part !== '');\n}\n\nexport function parseFlag(text: string): boolean {\n  return text === 'true';\n}\n",
    'packages/parser/src/parse.test.ts':
      "import { expect, test } from 'vitest';\nimport { parseList } from './parse';\n\ntest('parseList', () => expect(parseList('a, b,,c')).toEqual(['a', 'b', 'c']));\n",
    'packages/logger/package.json': json({ name: '@acme/logger', version: '1.0.0', scripts: { test: 'node --test' } }),
    'packages/logger/src/format.js': "exports.format = (level, message) => `[${level}] ${message}`;\nexports.unused = () => 'never';\n",
    'packages/logger/test/format.test.js':
      "const { test } = require('node:test');\nconst assert = require('node:assert');\nconst { format } = require('../src/format');\ntest('format', () => assert.equal(format('info', 'hi'), '[info] hi'));\n",
    'packages/settings/package.json': json({ name: '@acme/settings', version: '1.0.0', scripts: { test: 'jest' } }),
    'packages/settings/jest.config.js':
      "module.exports = {\n  testEnvironment: 'node',\n  transform: { '^.+\\\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }] },\n};\n",
    'packages/settings/tsconfig.spec.json': json(SPEC_TSCONFIG),
    'packages/settings/src/settings.ts':
      "export interface Settings {\n  verbose: boolean;\n}\n\nexport function readSettings(text: string): Settings {\n  const verbose = text.includes('verbose');\n  return { verbose };\n}\n\nexport function describeSettings(settings: Settings): string {\n  return settings.verbose ? 'verbose' : 'quiet';\n}\n",
    'packages/settings/src/settings.spec.ts':
      "import { readSettings } from './settings';\n\ntest('readSettings', () => expect(readSettings('verbose')).toEqual({ verbose: true }));\n",
    'packages/tsconfig/package.json': json({ name: '@acme/tsconfig', version: '1.0.0', files: ['base.json'] }),
    'packages/tsconfig/base.json': json({ compilerOptions: { strict: true } }),
    'apps/docs/package.json': json({ name: '@acme/docs', version: '1.0.0', private: true, scripts: { build: 'node build.js', test: 'echo "Error: no test specified" && exit 1' } }),
    'apps/docs/build.js': "console.log('built');\n",
  },
  tested: { '@acme/parser': ['packages/parser/src/parse.ts'], '@acme/logger': ['packages/logger/src/format.js'], '@acme/settings': ['packages/settings/src/settings.ts'] },
  untested: ['@acme/docs', '@acme/tsconfig'],
});

test("nx-yarn: the Jest package's numbers are Jest's own (`jest --coverage` in the package)", () => {
  const { root, scratch, shell } = steps.workspace();
  const own = join(scratch, 'jest-own-settings');
  const result = run(shell, join(root, 'packages/settings'), 'node', [
    join(root, 'node_modules/jest/bin/jest.js'),
    '--coverage',
    '--coverageReporters=json',
    `--coverageDirectory=${own}`,
  ]);
  assert.is(result.status, 0, result.output);
  assert.equal(assertSameAsRunner(join(own, 'coverage-final.json'), join(root, 'coverage/projects/packages/settings/coverage-final.json'), root), [
    'packages/settings/src/settings.ts',
  ]);
});

test('nx-yarn: with source maps off (tsconfig.base.json alone), Jest counts the compiled JavaScript: the coverage task fails naming the fix and keeps the data', () => {
  const { root } = steps.workspace();
  const specFile = join(root, 'packages/settings/tsconfig.spec.json');
  const dataFile = join(root, 'coverage/projects/packages/settings/coverage-final.json');
  const data = readFileSync(dataFile, 'utf8');
  writeFileSync(specFile, json({ ...SPEC_TSCONFIG, compilerOptions: { ...SPEC_TSCONFIG.compilerOptions, sourceMap: undefined } }));
  try {
    const result = steps.nx(['run', '@acme/settings:coverage', '--skip-nx-cache']);
    assert.is.not(result.status, 0, result.output);
    assert.match(result.output, /jest\/babel coverage names places its sources do not have: packages\/settings\/src\/settings\.ts \(line \d+ column \d+, beyond/);
    assert.match(result.output, 'set "sourceMap": true in the tsconfig ts-jest uses');
    assert.is(readFileSync(dataFile, 'utf8'), data, 'the earlier data is kept');
  } finally {
    writeFileSync(specFile, json(SPEC_TSCONFIG));
  }
});

test.run();
