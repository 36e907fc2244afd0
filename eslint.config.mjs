// ESLint enforces the process boundaries of architecture.md: the renderer and common/
// cannot reach Node, Electron or native modules, only the transport modules touch
// ipcMain/ipcRenderer, and the layers import one way (eslint/layers.mjs).
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import idlegrid from './eslint/layers.mjs';

const nodeOnlyModules = ['electron', 'dockerode', 'better-sqlite3', 'systeminformation', 'ws', 'sirv', 'litesvm', 'xml2js'];
const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http',
  'https', 'http2', 'module', 'net', 'os', 'path', 'process', 'readline', 'stream', 'tls', 'url', 'util', 'v8',
  'vm', 'worker_threads', 'zlib',
];
const boundary = (where) => ({
  paths: [...nodeOnlyModules, ...nodeBuiltins].map((name) => ({
    name,
    message: `${where} cannot import "${name}": it runs without Node. Call the API (common/api) instead.`,
  })),
  patterns: [
    { group: ['node:*'], message: `${where} cannot import Node built-ins.` },
    // The top-level hub/ (a server) is out of bounds; common/hub (its shared types) is not.
    { group: ['**/main/**', '**/preload/**', '../../hub/**', '../../../hub/**', '../../../../hub/**', '../../../../../hub/**'], message: `${where} may import only its own folder and common/.` },
  ],
});

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'fixtures/bin/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Layers point one way; see eslint/layers.mjs (proven to bite in scripts/lint-boundary.test.ts).
    files: ['{common,sqlite,solana,hub-client,hub,main,preload,renderer}/**/*.{ts,tsx}'],
    plugins: { idlegrid },
    rules: { 'idlegrid/layers': 'error' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'no-restricted-imports': ['error', boundary('Renderer code')],
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    files: ['common/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', boundary('common/')] },
  },
  {
    // Only the transport modules and the desktop shell may touch Electron's IPC objects.
    files: ['main/**/*.ts'],
    ignores: ['main/transport/ipc-transport.ts', 'main/transport/ipc-transport.test.ts', 'main/index.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "Identifier[name='ipcMain']", message: 'Use the API contract; only main/transport/ipc-transport.ts registers IPC handlers.' },
      ],
    },
  },
  {
    // No console.* in the layers: services log through the injected Logger (common/logger.ts),
    // so every line lands in <dataDir>/logs with secrets redacted. Entries print for people.
    files: ['{common,sqlite,solana,hub-client,hub,main,preload,renderer}/**/*.{ts,tsx}'],
    ignores: [
      'main/index.ts',
      'main/headless.ts',
      'hub/hub-cli.ts',
      'solana/sandbox/sandbox-chain-cli.ts',
      '**/*.test.{ts,tsx}',
      '**/testing/**',
      '**/test-support/**',
    ],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
