import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // QUNDESK_TEST_DATABASE=postgres runs the suite on a throwaway PostgreSQL cluster (one per run).
    globalSetup: ['test/support/postgres-global-setup.ts'],
    // Integration tests start Wechaty, SQLite and HTTP servers; two cores cannot run many at once.
    maxWorkers: 2,
    // Hang guards, not speed checks: an integration test on a loaded two-core machine (one core kept busy) can take
    // several times its quiet duration; 30 s was hit by tests that take 5 s alone.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
