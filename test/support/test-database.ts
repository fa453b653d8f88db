import { createDb, type Db, type DbOptions } from '../../src/storage/create-db.js'
import { TEMPLATE_ENV } from './postgres-global-setup.js'
import { createDatabaseOn, POSTGRES_URL_ENV } from './postgres-server.js'

/** True when this run is on PostgreSQL (QUNDESK_TEST_DATABASE=postgres; see postgres-global-setup.ts). */
export const onPostgres = (): boolean => process.env[POSTGRES_URL_ENV] !== undefined && process.env.QUNDESK_TEST_DATABASE === 'postgres'

/** A fresh, migrated database for one test when the run is on PostgreSQL (its URL); undefined on SQLite. */
export async function freshDatabaseUrl(): Promise<string | undefined> {
  if (!onPostgres()) return undefined
  return createDatabaseOn(process.env[POSTGRES_URL_ENV]!, undefined, process.env[TEMPLATE_ENV])
}

/**
 * An empty database for a unit test: in-memory SQLite, or a fresh PostgreSQL database when the run is on PostgreSQL.
 *
 * @example
 * db = await createTestDb()
 */
export async function createTestDb(options: Omit<DbOptions, 'file' | 'url'> = {}): Promise<Db> {
  const url = await freshDatabaseUrl()
  return createDb({ ...options, ...(url ? { url } : { file: ':memory:' }) })
}

/**
 * Two pools on one fresh PostgreSQL database, as two QunDesk processes sharing it, with `warm` connections each
 * opened first (so their races are between queries, not connects); both closed after `work`.
 */
export async function withTwoPools(work: (a: Db, b: Db) => Promise<void>, warm = 4): Promise<void> {
  const url = await freshDatabaseUrl()
  if (!url) throw new Error('withTwoPools needs the PostgreSQL run (QUNDESK_TEST_DATABASE=postgres)')
  const a = await createDb({ url })
  const b = await createDb({ url })
  try {
    await Promise.all([a, b].flatMap((x) => Array.from({ length: warm }, () => x.selectFrom('settings').selectAll().execute())))
    await work(a, b)
  } finally {
    await a.destroy()
    await b.destroy()
  }
}
