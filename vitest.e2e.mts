// Vitest config for the end-to-end tests only (test/e2e/**/*.e2e.ts): each drives a real VS Code + chromium
// (~1.8 GB, 20-40 s), so files run one after another in a single forked worker, with generous timeouts.
// Run: node scripts/setupE2e.mjs && npx vitest run --config vitest.e2e.mts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    setupFiles: ['test/setup.ts'],
    pool: 'forks',
    maxWorkers: 1, // vitest 4 has no poolOptions.forks.singleFork: one worker at a time
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 240_000,
    teardownTimeout: 60_000,
  },
});
