import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type MigrationProvider } from 'kysely'
import pg from 'pg'
import Cursor from 'pg-cursor'
import { QunDeskError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { createContentCipher, type ContentKey } from './content-cipher.js'
import { checkContentKeys } from './content-keys.repository.js'
import { ContentSealingPlugin } from './content-sealing-plugin.js'
import { checkDatabase, damagedDatabaseMessage } from './database-check.js'
import { checkDatabaseOpening, recordDatabase } from './database-marker.js'
import { redactDatabaseUrl } from './dialect.js'
import { migrations } from './migrations/index.js'
import { prepareSqliteFile, tightenSqliteSidecars } from './sqlite-files.js'
import { withStatementCache } from './statement-cache.js'
import type { Database, Db } from './schema.js'

export type { Db } from './schema.js'

export interface DbOptions {
  /** SQLite file (':memory:' works too); used unless `url` is given. */
  file?: string
  /** QUNDESK_DATABASE_URL: a postgres:// URL puts everything on PostgreSQL instead. */
  url?: string
  /** Connections in the PostgreSQL pool (default 10). */
  poolSize?: number
  /** QUNDESK_CONTENT_KEYS: seal message content with the first key (null: write plain), open it with any. */
  contentKeys?: { active: string | null; keys: readonly ContentKey[] }
  /** Told when an idle PostgreSQL connection breaks (the pool replaces it), or a database marker cannot be written. */
  logger?: Pick<Logger, 'warn'>
  /**
   * SQLite: remember the file in markers, and refuse to create it where one existed before unless `newDatabase`
   * (database-marker.ts). Without it any file is opened or created (tests, `db copy`'s target).
   */
  markers?: { stateDir: string; newDatabase: boolean }
}

/** The database as configured: PostgreSQL when QUNDESK_DATABASE_URL is set, else the SQLite file in the data folder. */
export function openDb(
  config: {
    databaseFile: string; databaseUrl?: string | undefined; contentKeys?: DbOptions['contentKeys'] | undefined
    stateDir: string; newDatabase: boolean
  },
  logger?: Pick<Logger, 'warn'>,
): Promise<Db> {
  return createDb({
    ...(logger ? { logger } : {}),
    ...(config.databaseUrl ? { url: config.databaseUrl } : { file: config.databaseFile, markers: { stateDir: config.stateDir, newDatabase: config.newDatabase } }),
    ...(config.contentKeys ? { contentKeys: config.contentKeys } : {}),
  })
}

/**
 * Opens the database, brings it to the latest migration and checks the content keys. SQLite runs in WAL mode;
 * PostgreSQL through a pool, with 64-bit counts and sums read as numbers, as SQLite gives them.
 *
 * @example
 * const db = await createDb({ file: 'data/qundesk.sqlite' })   // ':memory:' works too
 * const pg = await createDb({ url: 'postgres://qundesk@127.0.0.1/qundesk' })
 * await db.destroy()
 */
export async function createDb(options: DbOptions): Promise<Db> {
  const marked = !options.url && options.file && options.file !== ':memory:' && options.markers
    ? { file: path.resolve(options.file), stateDir: options.markers.stateDir, newDatabase: options.markers.newDatabase }
    : undefined
  // Decided before SQLite opens the path: opening a missing file creates it.
  const creates = marked ? checkDatabaseOpening(marked) : false
  const db = options.url ? openPostgres(options.url, options.poolSize ?? 10, options.logger) : openSqlite(options.file ?? ':memory:')
  try {
    if (!options.url && options.file && options.file !== ':memory:') {
      // Damage in the middle of the file would otherwise show only as 500s on whichever page reads it.
      const check = await checkDatabase(db)
      if (!check.ok) throw new QunDeskError('config_invalid', damagedDatabaseMessage(options.file, check.problems))
    }
    await migrateToLatest(db).catch((error: unknown) => {
      if (options.url && !(error instanceof QunDeskError)) {
        throw new QunDeskError('config_invalid', `Cannot use the PostgreSQL database ${redactDatabaseUrl(options.url)}: ${(error as Error).message} — check QUNDESK_DATABASE_URL`, {}, { cause: error })
      }
      throw error
    })
    if (marked) recordDatabase(marked, creates, new Date().toISOString(), options.logger)
    const cipher = options.contentKeys ? createContentCipher(options.contentKeys.active, options.contentKeys.keys) : undefined
    await checkContentKeys(db, cipher, new Date().toISOString())
    return cipher ? db.withPlugin(new ContentSealingPlugin(cipher)) : db
  } catch (error) {
    await db.destroy()
    throw error
  }
}

function openSqlite(file: string): Db {
  if (file !== ':memory:') prepareSqliteFile(file)
  let sqlite: SQLite.Database
  try {
    sqlite = new SQLite(file)
  } catch (error) {
    throw new QunDeskError('config_invalid', `Cannot open the database ${file}: ${(error as Error).message} — check QUNDESK_DATA_DIR is writable`, {}, { cause: error })
  }
  // WAL lets the console read while the bot writes; NORMAL sync is durable across process crashes in WAL mode.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // Erasure and key rotation must not leave the old bytes in free space: deleted content is overwritten with zeros.
  sqlite.pragma('secure_delete = ON')
  if (file !== ':memory:') tightenSqliteSidecars(file)
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) })
}

/** int8 (COUNT) and numeric (SUM of integers) arrive as strings from pg; every value QunDesk counts fits a double. */
const NUMBER_TYPES = new Set([20, 1700])
export const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    NUMBER_TYPES.has(oid) ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

function openPostgres(url: string, max: number, logger?: Pick<Logger, 'warn'>): Db {
  const pool = new pg.Pool({ connectionString: url, max, types: pgTypes, application_name: 'qundesk' })
  // An idle client losing its connection (server restart) must not crash the process; the pool replaces it.
  pool.on('error', (error) => logger?.warn({ err: error, database: redactDatabaseUrl(url) }, 'an idle database connection broke; the pool opens a new one'))
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) })
}

/** Every migration, for kysely's Migrator (here and in db-copy.ts). */
export const migrationProvider: MigrationProvider = { getMigrations: async () => migrations }

export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error) {
    throw new QunDeskError('internal', `Database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`, {}, { cause: error })
  }
}
