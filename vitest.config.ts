import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources in tests (the
// `@exam-reservation/source` export condition), so no build step is needed.
// Vite's default server conditions, plus ours first.
const conditions = ['@exam-reservation/source', 'module', 'node', 'development|production'];

// Paths are resolved against this file, not the working directory: vitest
// finds this config from a package folder too (`cd packages/domain && vitest`),
// and there it runs only the tests under that folder.
const root = fileURLToPath(new URL('.', import.meta.url));
const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const below = relative(root, process.cwd());
const dir = below !== '' && !below.startsWith('..') && !isAbsolute(below) ? process.cwd() : root;
const ignored = ['**/node_modules/**', '**/dist/**'];

export default defineConfig({
  root,
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    dir,
    reporters: ['default', fromRoot('./scripts/summary-reporter.ts')],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', ...ignored],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/src/**/*.int.test.ts', '**/test/**/*.int.test.ts'],
          exclude: ignored,
          globalSetup: [fromRoot('./scripts/test-database-setup.ts')],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
