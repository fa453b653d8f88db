import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, Migrator, SqliteDialect, type MigrationProvider } from 'kysely'
import { QunDeskError } from '../core/errors.js'
import { migrations } from './migrations/index.js'
import type { Database } from './schema.js'

export type Db = Kysely<Database>

/**
 * Opens (or creates) the SQLite file in WAL mode and brings it to the latest migration.
 *
 * @example
 * const db = await createDb({ file: 'data/qundesk.sqlite' })   // ':memory:' works too
 * await db.destroy()
 */
export async function createDb(options: { file: string }): Promise<Db> {
  if (options.file !== ':memory:') fs.mkdirSync(path.dirname(options.file), { recursive: true })
  let sqlite: SQLite.Database
  try {
    sqlite = new SQLite(options.file)
  } catch (error) {
    throw new QunDeskError('config_invalid', `Cannot open the database ${options.file}: ${(error as Error).message} — check QUNDESK_DATA_DIR is writable`, {}, { cause: error })
  }
  // WAL lets the console read while the bot writes; NORMAL sync is durable across process crashes in WAL mode.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
  await migrateToLatest(db)
  return db
}

const provider: MigrationProvider = { getMigrations: async () => migrations }

export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error) {
    throw new QunDeskError('internal', `Database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`, {}, { cause: error })
  }
}
