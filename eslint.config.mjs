// ESLint (flat config): JavaScript's and typescript-eslint's recommended rules, plus the type-aware rules that catch
// promises nobody awaits. `npm run lint`; .ci/run runs it.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/fixtures/**', 'coverage/**', 'dist-packages/**', 'tmp/**', '.nx/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      // `_` marks a parameter a signature needs but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Heavy modules (babel, istanbul's reporters, the CLI's commands) are loaded with require() where first needed,
      // so that a run that does not need them does not pay for them.
      '@typescript-eslint/no-require-imports': 'off',
      // The writers escape control characters on purpose (escape.ts and its tests match them).
      'no-control-regex': 'off',
    },
  },
  {
    // Tests and tools read JSON outputs and reach into Nx's and istanbul's untyped objects.
    files: ['packages/*/test/**', 'tools/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
  // The HTML report's page script (shipped in @monocov/core) runs in the browser, as a classic script.
  { files: ['packages/core/assets/**/*.js'], languageOptions: { sourceType: 'script', globals: { ...globals.browser } } },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.lint.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
);
