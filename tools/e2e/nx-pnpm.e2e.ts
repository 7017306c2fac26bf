// Issue 15 (a): pnpm + Nx 22, laid out like TanStack's repositories: members from
// pnpm-workspace.yaml only (no `workspaces` in package.json), packages whose tests are the
// `test:lib` script running Vitest next to `test:types`/`test:eslint` checks, a package whose code
// is in lib/ rather than src/, example Vite apps without tests, and root scripts that call nx.
import { test } from 'uvu';
import { nxAddScenario } from './nx-add';

const VITEST = '4.1.12';
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const viteExample = (name: string) => ({
  [`examples/${name}/package.json`]: json({
    name: `@tanstack/query-example-${name.replace('/', '-')}`,
    private: true,
    type: 'module',
    scripts: { dev: 'vite', build: 'vite build' },
  }),
  [`examples/${name}/vite.config.ts`]: 'export default {};\n',
  [`examples/${name}/src/main.ts`]: "document.body.textContent = 'example';\n",
});

nxAddScenario({
  name: 'nx-pnpm',
  manager: 'pnpm',
  files: {
    'package.json': json({
      name: 'query-monorepo',
      private: true,
      type: 'module',
      packageManager: 'pnpm@10.34.9',
      scripts: { 'test:lib': 'nx affected --targets=test:lib', 'test:pr': 'nx affected --targets=test:eslint,test:lib,test:types' },
      devDependencies: { nx: '22.6.1', typescript: '5.9.3', vitest: VITEST, '@vitest/coverage-v8': VITEST },
    }),
    'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  - 'examples/react/*'\n  - 'examples/vue/*'\n",
    'nx.json': json({
      $schema: './node_modules/nx/schemas/nx-schema.json',
      namedInputs: { default: ['{projectRoot}/**/*'], production: ['default', '!{projectRoot}/tests/**/*'] },
      targetDefaults: {
        'test:lib': { cache: true, inputs: ['default', '^production'] },
        'test:types': { cache: true },
        build: { cache: true, dependsOn: ['^build'], outputs: ['{projectRoot}/build'] },
      },
    }),
    '.gitignore': 'node_modules\n.nx\n',
    'packages/query-core/package.json': json({
      name: '@tanstack/query-core',
      type: 'module',
      scripts: { 'test:lib': 'vitest run', 'test:types': 'tsc --noEmit', 'test:eslint': 'eslint ./src', build: 'tsc -p tsconfig.json' },
    }),
    'packages/query-core/vite.config.ts': "import { defineConfig } from 'vitest/config';\n\nexport default defineConfig({ test: { include: ['tests/**/*.test.ts'] } });\n",
    'packages/query-core/src/query.ts':
      'export function hashKey(key: unknown[]): string {\n  return JSON.stringify(key);\n}\n\nexport function isStale(updatedAt: number, staleTime: number, now: number): boolean {\n  if (staleTime === Infinity) {\n    return false;\n  }\n  return updatedAt + staleTime <= now;\n}\n',
    'packages/query-core/tests/query.test.ts':
      "import { expect, test } from 'vitest';\nimport { hashKey, isStale } from '../src/query';\n\ntest('hashKey', () => expect(hashKey(['a', 1])).toBe('[\"a\",1]'));\ntest('isStale', () => expect(isStale(0, 10, 20)).toBe(true));\n",
    // Plain JavaScript with its code in lib/.
    'packages/query-devtools/package.json': json({
      name: '@tanstack/query-devtools',
      type: 'module',
      main: 'lib/index.js',
      scripts: { 'test:lib': 'vitest run', 'test:eslint': 'eslint ./lib' },
    }),
    'packages/query-devtools/lib/index.js': "export function formatStatus(status) {\n  return status === 'success' ? 'fresh' : status;\n}\n",
    'packages/query-devtools/tests/index.test.js':
      "import { expect, test } from 'vitest';\nimport { formatStatus } from '../lib/index.js';\n\ntest('formatStatus', () => expect(formatStatus('success')).toBe('fresh'));\n",
    ...viteExample('react/basic'),
    ...viteExample('vue/basic'),
  },
  tested: {
    '@tanstack/query-core': ['packages/query-core/src/query.ts'],
    '@tanstack/query-devtools': ['packages/query-devtools/lib/index.js'],
  },
  untested: ['@tanstack/query-example-react-basic', '@tanstack/query-example-vue-basic'],
});

test.run();
