// Lint for the server, the dashboard, the tests, benchmarks and scripts (`npm run lint`,
// part of `npm test`). Formatting is Prettier's alone (.prettierrc.json), so no rule here
// argues about layout.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'web/dist/', 'src/generated/', 'node_modules/', 'test-artifacts/', 'docs/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**', 'test/**', 'bench/**', 'scripts/**', '*.js', '*.cjs'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    // The rules of hooks, not the React Compiler's (set-state-in-effect, refs): the dashboard
    // is not compiled by it, and keeps the latest listener in a ref for its socket on purpose.
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
    languageOptions: { globals: globals.browser },
  },
  {
    rules: {
      // An argument or binding named _x is there on purpose (a handler's unused request, a field left out).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          caughtErrors: 'none',
        },
      ],
    },
  },
  prettier,
);
