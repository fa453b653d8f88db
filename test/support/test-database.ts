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
