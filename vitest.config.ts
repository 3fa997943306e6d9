import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    env: { LOG_LEVEL: 'SILENT', POWERTOOLS_DEV: 'false' },
    testTimeout: 30_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
