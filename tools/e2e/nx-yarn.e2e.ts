// Issue 15 (c): yarn 4 workspaces (node-modules linker) with Nx 22 as most package-based
// repositories add it: members from package.json `workspaces`, a package tested by Vitest, one by
// `node --test`, a docs site without tests, and a config package with no scripts at all.
import { test } from 'uvu';
import { nxAddScenario } from './nx-add';

const VITEST = '4.1.12';
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

nxAddScenario({
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
      devDependencies: { nx: '22.6.1', vitest: VITEST, '@vitest/coverage-v8': VITEST },
    }),
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
    'packages/tsconfig/package.json': json({ name: '@acme/tsconfig', version: '1.0.0', files: ['base.json'] }),
    'packages/tsconfig/base.json': json({ compilerOptions: { strict: true } }),
    'apps/docs/package.json': json({ name: '@acme/docs', version: '1.0.0', private: true, scripts: { build: 'node build.js', test: 'echo "Error: no test specified" && exit 1' } }),
    'apps/docs/build.js': "console.log('built');\n",
  },
  tested: { '@acme/parser': ['packages/parser/src/parse.ts'], '@acme/logger': ['packages/logger/src/format.js'] },
  untested: ['@acme/docs', '@acme/tsconfig'],
});

test.run();
