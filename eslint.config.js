import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Electron's IPC objects may be touched in exactly two files: the IPC wrappers. */
const ipcObjects = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Only main/ipc/electron-ipc.ts and preload/index.ts touch Electron IPC; use the contract.',
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { paths: [ipcObjects] }],
    },
  },
  {
    files: ['main/**/*.ts', 'preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [ipcObjects],
          patterns: [{ group: ['**/renderer/**'], message: 'main and preload never import the renderer.' }],
        },
      ],
    },
  },
  {
    files: ['main/ipc/electron-ipc.ts', 'preload/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/renderer/**'], message: 'main and preload never import the renderer.' }] },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/main/**'], message: 'The renderer never imports main-process code.' },
            { group: ['electron', 'node:*', 'fs', 'path', 'child_process'], message: 'The renderer has no Node or Electron.' },
            {
              group: ['**/preload/**', '!**/preload/limits'],
              allowTypeImports: true,
              message: 'The renderer imports preload types only (and the plain limits).',
            },
          ],
        },
      ],
    },
  },
);
