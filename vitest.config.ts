import type { ViteUserConfig } from 'vitest/config' with { 'resolution-mode': 'import' };

export default {
  test: {
    // The Temporal SDK's native worker and Runtime.install are per process: each test file gets its own.
    pool: 'forks',
    // One headless, in-memory dev server for the whole run (about 0.3 s to start).
    globalSetup: ['test/global-setup.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '.tools/**', 'data/**'],
    // Integration tests start workers and wait on real timers and sockets.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
} satisfies ViteUserConfig;
