import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['proto/test/**/*.test.ts', 'shared/test/**/*.test.ts', 'agent/test/**/*.test.ts', 'collector/test/**/*.test.ts', 'console/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
