import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// the SDK's notice that its 2027 releases need Node 22 (Lambda runs 22), printed by every test process otherwise;
// set here so that the run's own process and the forks it starts all inherit it
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          env: { LOG_LEVEL: 'SILENT', POWERTOOLS_DEV: 'false' },
          testTimeout: 30_000,
          hookTimeout: 180_000,
          pool: 'forks',
        },
      },
      {
        // the web pages' components, in a browser-like DOM; no database, so no globalSetup
        plugins: [vue()],
        test: {
          name: 'web',
          include: ['web/test/**/*.test.ts'],
          environment: 'happy-dom',
          // the pages' own origin, as the local host serves them (the API on the same origin)
          environmentOptions: { happyDOM: { url: 'http://localhost:3000/' } },
          testTimeout: 30_000,
        },
      },
    ],
  },
});
