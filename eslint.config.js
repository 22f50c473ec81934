// Lint for every workspace: ESLint's and typescript-eslint's recommended rules.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', '.data/**', 'server/src/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-eval': 'error',
      'no-new-func': 'error',
    },
  },
  { files: ['runtime-ui/src/**', 'studio/src/**'], languageOptions: { globals: { ...globals.browser } } },
  // Layering: org facts (managers, heads, deputies) live in access/, which workflows and notifications both use.
  {
    files: ['server/src/access/**', 'server/src/notifications/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/workflows/*'], message: 'access/ and notifications/ come before workflows/; shared lookups belong in access/.' }] }] },
  },
);
