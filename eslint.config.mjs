// ESLint over every package (`npm run lint`): typescript-eslint's recommended rules, plus what
// STYLE.md asks of TypeScript (Google style: named exports, no namespace, no const enum,
// `unknown` over `any`). Syntax rules only, no type information: it stays fast on two cores.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/', '**/dist/', '**/dist-tools/', '**/coverage/', '.run/', 'bench-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // A warning, not an error: a few `any`s exist today; new code says `unknown` and narrows.
      '@typescript-eslint/no-explicit-any': 'warn',
      // `declare namespace NodeJS` is how a global's types are extended; no other namespace.
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
      // `_`-prefixed names are deliberately unused (a parameter a signature requires).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A cleanup registered before the value it cleans up exists reads the variable first.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration[const=true]', message: 'No `const enum` (STYLE.md): it does not survive isolatedModules; use a union of literals or a plain object.' },
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only (STYLE.md); Taro pages and config files are the exception.' },
        { selector: "ExportSpecifier[exported.name='default']", message: 'Named exports only (STYLE.md); Taro pages and config files are the exception.' },
      ],
    },
  },
  {
    // Taro finds the app, its pages and its build config by their default exports; the Taro
    // stub used by the tests mirrors the real module's default export.
    files: [
      'miniprogram/src/app.ts',
      'miniprogram/src/app.config.ts',
      'miniprogram/src/pages/*/index.tsx',
      'miniprogram/src/pages/*/index.config.ts',
      'miniprogram/config/*.ts',
      'miniprogram/test/stubs/taro.ts',
    ],
    rules: { 'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration[const=true]', message: 'No `const enum` (STYLE.md).' }] },
  },
  {
    files: ['miniprogram/src/**/*.{ts,tsx}', 'miniprogram/test/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.test.{ts,tsx}', 'jest.setup.js', 'miniprogram/test/**', 'miniprogram/e2e/**'],
    languageOptions: { globals: { ...globals.jest } },
  },
  {
    // Deliberate: `require` in a branch that Taro's build constant removes, so socket.io-client
    // is bundled into H5 only (the comment in the file says why).
    files: ['miniprogram/src/services.tsx'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Deliberate: these regexes are about control characters and emoji modifiers themselves
    // (what counts as ASCII; what may follow an emoji before a joiner).
    files: ['bot/src/commands/parse.ts', 'shared/src/text.ts'],
    rules: { 'no-control-regex': 'off', 'no-misleading-character-class': 'off' },
  },
  {
    // Tool configuration files (jest, babel, this one): CommonJS or ESM for Node.
    files: ['**/*.{js,cjs,mjs}'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs' },
  },
);
