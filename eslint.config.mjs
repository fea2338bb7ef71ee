import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// One file-naming convention: kebab-case (dots separate roles: `x.test.ts`, `x.test-helpers.ts`,
// `index.browser.ts`; a leading `_` marks a helper, not an entry), so a camelCase file fails lint.
const KEBAB_FILE = /^_?[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$/;
const fileNames = {
  rules: {
    'kebab-case': {
      meta: { type: 'suggestion', schema: [] },
      create(context) {
        const base = context.filename.split(/[\\/]/).pop() ?? '';
        return {
          Program(node) {
            if (!KEBAB_FILE.test(base)) {
              const kebab = base.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
              context.report({
                node,
                message: `expected a kebab-case file name, got '${base}'. Rename it to '${kebab}' (git mv) and update its imports.`,
              });
            }
          },
        };
      },
    },
  },
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.venv/**',
      '**/.nx/**',
      '**/coverage/**',
      '**/*.wasm',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        performance: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        WebAssembly: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        queueMicrotask: 'readonly',
        globalThis: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**', 'tools/**', 'examples/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: [
      'packages/**/*.{ts,mjs,cjs,js}',
      'tools/**/*.{ts,mjs,cjs,js}',
      'examples/**/*.{ts,mjs,cjs,js}',
    ],
    plugins: { 'file-names': fileNames },
    rules: { 'file-names/kebab-case': 'error' },
  },
  {
    // Errors that reach users are typed (a TfslimError subclass with a stable `code`). Every
    // package's sources, new packages included; an internal assert that cannot reach users may
    // throw a bare Error behind `// eslint-disable-next-line no-restricted-syntax -- <why>`.
    files: ['packages/*/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.test-helpers.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ThrowStatement > NewExpression[callee.name=/^(Error|TypeError|RangeError)$/]',
          message:
            "Throw the package's typed error (src/errors.ts, a TfslimError with a `code`), or mark an internal assert with an eslint-disable-next-line comment saying why it cannot reach users.",
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
