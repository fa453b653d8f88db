import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // QUNDESK_TEST_DATABASE=postgres runs the suite on a throwaway PostgreSQL cluster (one per run).
    globalSetup: ['test/support/postgres-global-setup.ts'],
    // Integration tests start Wechaty, SQLite and HTTP servers; two cores cannot run many at once.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
