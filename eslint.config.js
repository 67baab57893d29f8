// Lint configuration: typescript-eslint's recommended type-checked rules over the TypeScript
// sources and tests, the recommended JavaScript rules over scripts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'proto/generated/**', 'var/**', 'build/**', '**/*.d.ts'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.test.json', './proto/tsconfig.json', './shared/tsconfig.json', './agent/tsconfig.json', './collector/tsconfig.json', './console/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      'no-console': 'error',
    },
  },
  {
    // The console's browser code builds pages from data only: no HTML is ever parsed from a string.
    files: ['console/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-properties': ['error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'srcdoc'].map((property) => ({ property, message: 'build DOM nodes with h() (console/src/dom.ts): text is never parsed as HTML' })),
        { object: 'document', property: 'write', message: 'build DOM nodes with h()' },
        { object: 'document', property: 'writeln', message: 'build DOM nodes with h()' }],
      'no-restricted-syntax': ['error',
        { selector: "Literal[value=/^(innerHTML|outerHTML|insertAdjacentHTML|srcdoc)$/]", message: 'no HTML sinks, even by name' },
        { selector: "CallExpression[callee.property.name='setAttribute'][arguments.0.value=/^(on|style$)/i]", message: 'no event-handler or style attributes' }],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
);
