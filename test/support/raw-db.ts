import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import type { Database } from '../../src/storage/schema.js'

/**
 * The workdir's database as someone holding a copy of it would read it: no migrations, no key checks, no content
 * sealing plugin, only the stored values. The SQLite file in the data folder (read-only), or, when the workdir is on
 * PostgreSQL, a plain pg pool on its URL. Destroy it when done.
 *
 * @example
 * const raw = openRawDb(work)
 * try { await raw.selectFrom('messages').select('text').execute() } finally { await raw.destroy() }
 */
export function openRawDb(work: { dataDir: string; databaseUrl?: string }): Kysely<Database> {
  if (work.databaseUrl) {
    const pool = new pg.Pool({ connectionString: work.databaseUrl, max: 1 })
    pool.on('error', () => undefined)
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(path.join(work.dataDir, 'qundesk.sqlite'), { readonly: true, fileMustExist: true }) }) })
}
