import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import SQLite from 'better-sqlite3'
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely'
import pg from 'pg'
import { verifyChain } from './audit-chain.js'
import { iterateAudit } from './audit.repository.js'
import { SEALED_PREFIX } from './content-cipher.js'
import { migrationProvider, pgTypes } from './create-db.js'
import { isPostgres, redactDatabaseUrl } from './dialect.js'
import { migrations } from './migrations/index.js'
import type { Database } from './schema.js'
import { prepareSqliteFile, tightenSqliteSidecars } from './sqlite-files.js'

/**
 * Moving an install between databases (SQLite ⇄ PostgreSQL), and migrating one on demand. Everything here works on
 * stored values: no content sealing plugin, no content keys, so sealed content is copied sealed.
 */

/** Where a database is: a SQLite file, or a PostgreSQL URL. */
export type DatabaseLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string }

/**
 * `sqlite:FILE` (relative to `cwd`; `sqlite:///abs/path` works too) or `postgres://…` / `postgresql://…`. Throws an
 * Error saying what is accepted otherwise.
 *
 * @example
 * parseDatabaseLocation('sqlite:data/qundesk.sqlite', '/srv/qundesk') // { kind: 'sqlite', file: '/srv/qundesk/data/qundesk.sqlite' }
 */
export function parseDatabaseLocation(text: string, cwd: string): DatabaseLocation {
  const value = text.trim()
  if (/^postgres(ql)?:\/\//i.test(value)) {
    try {
      const url = new URL(value)
      if (!url.pathname || url.pathname === '/') throw new Error('no database name')
    } catch {
      throw new Error(`not a usable PostgreSQL URL (${redactDatabaseUrl(value)}): write postgres://USER:PASSWORD@HOST:5432/DATABASE`)
    }
    return { kind: 'postgres', url: value }
  }
  if (/^sqlite:/i.test(value)) {
    const rest = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '').replace(/^\/\//, '')
    if (rest === '' || rest === ':memory:') throw new Error('sqlite: needs a file, e.g. sqlite:data/qundesk.sqlite')
    return { kind: 'sqlite', file: path.resolve(cwd, rest) }
  }
  throw new Error(`"${value.startsWith('postgres') ? redactDatabaseUrl(value) : value}" is neither sqlite:FILE nor postgres://…`)
}

/** The location for messages: the SQLite file, or the URL with its password hidden. */
export function describeLocation(location: DatabaseLocation): string {
  return location.kind === 'sqlite' ? location.file : redactDatabaseUrl(location.url)
}

/** Whether two locations are certainly the same database (same file, or same host, port and database name). */
export function sameDatabase(a: DatabaseLocation, b: DatabaseLocation): boolean {
  if (a.kind === 'sqlite' && b.kind === 'sqlite') {
    if (a.file === b.file) return true
    try {
      const [sa, sb] = [fs.statSync(a.file), fs.statSync(b.file)]
      return sa.dev === sb.dev && sa.ino === sb.ino
    } catch {
      return false
    }
  }
  if (a.kind === 'postgres' && b.kind === 'postgres') {
    const key = (url: string) => {
      const u = new URL(url)
      return `${u.hostname.toLowerCase()}:${u.port || '5432'}/${decodeURIComponent(u.pathname.slice(1))}`
    }
    return key(a.url) === key(b.url)
  }
  return false
}

/**
 * Opens a database as stored: no migrations, no content key checks, no plugins. `readonly` opens a SQLite file
 * read-only (it must exist); PostgreSQL connections are the same either way (the copy reads in a read-only
 * transaction). Destroy it when done.
 */
export function openStoredDatabase(location: DatabaseLocation, options: { readonly?: boolean } = {}): Kysely<Database> {
  if (location.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: location.url, max: 2, types: pgTypes, application_name: 'qundesk-db' })
    pool.on('error', () => undefined)
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  }
  let sqlite: SQLite.Database
  if (options.readonly) {
    sqlite = new SQLite(location.file, { readonly: true, fileMustExist: true })
  } else {
    prepareSqliteFile(location.file)
    sqlite = new SQLite(location.file)
    sqlite.pragma('journal_mode = WAL')
    tightenSqliteSidecars(location.file)
    sqlite.pragma('synchronous = NORMAL')
    sqlite.pragma('foreign_keys = ON')
  }
  sqlite.pragma('busy_timeout = 5000')
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
}

interface TableSpec<Row> {
  /** The primary key: the copy pages through the table in this order. */
  key: readonly (keyof Row & string)[]
  /** An autoincrement / serial `id`: the next id must continue after the copied ones. */
  serial?: true
  /** Rows per page when fewer than the batch size: a media row can hold megabytes. */
  pageRows?: number
}

/**
 * Every table in schema.ts's Database, in copy order: a table comes after the ones its foreign keys point at
 * (messages before suggestions and slot_requests, users before sessions). `satisfies` makes a table added to
 * Database without being added here a compile error; test/unit/storage/db-copy.test.ts checks the order against
 * the foreign keys of the migrated schema.
 */
const TABLES = {
  messages: { key: ['id'] },
  suggestions: { key: ['id'], serial: true },
  audit_log: { key: ['id'], serial: true },
  users: { key: ['id'], serial: true },
  sessions: { key: ['id_hash'] },
  learned_examples: { key: ['id'], serial: true },
  settings: { key: ['key'] },
  slot_requests: { key: ['id'], serial: true },
  group_members: { key: ['group_id', 'member_id'] },
  member_tags: { key: ['group_id', 'member_id', 'tag'] },
  member_tag_history: { key: ['id'], serial: true },
  member_attributes: { key: ['member_id'] },
  tag_actions: { key: ['id'], serial: true },
  tag_counts: { key: ['day', 'kind', 'name'] },
  wecom_callbacks: { key: ['id'], serial: true },
  wecom_response_urls: { key: ['message_id'] },
  outbox: { key: ['id'], serial: true },
  content_keys: { key: ['key_id'] },
  instances: { key: ['instance_id'] },
  group_owners: { key: ['group_id'] },
  job_runs: { key: ['job', 'slot'] },
  login_failures: { key: ['id'], serial: true },
  login_attempt_windows: { key: ['key', 'window_start'] },
  announced_messages: { key: ['instance_id', 'channel', 'message_id'] },
  quick_replies: { key: ['id'], serial: true },
  message_media: { key: ['id'], serial: true, pageRows: 8 },
  learning_candidates: { key: ['id'], serial: true },
  ai_drafts: { key: ['id'], serial: true },
  embedding_cache: { key: ['model', 'text_hash'] },
} as const satisfies { [T in keyof Database]: TableSpec<Database[T]> }

export type TableName = keyof Database & string

export interface CopyTable {
  name: TableName
  key: readonly string[]
  serial: boolean
  pageRows?: number
}

export const COPY_TABLES: readonly CopyTable[] = Object.entries(TABLES).map(([name, spec]) => ({
  name: name as TableName,
  key: spec.key,
  serial: 'serial' in spec && spec.serial === true,
  ...('pageRows' in spec ? { pageRows: spec.pageRows } : {}),
}))

/** Every migration QunDesk knows, oldest first. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations).sort()

const MIGRATION_TABLE = 'kysely_migration'

/** Loosely typed access for table-generic code (names from COPY_TABLES, rows as read). */
type Row = Record<string, unknown>
type AnyDb = Kysely<Record<string, Row>>
const loose = (db: Kysely<Database>): AnyDb => db as unknown as AnyDb

export async function tableExists(db: Kysely<Database>, name: string): Promise<boolean> {
  if (isPostgres(db)) {
    const { rows } = await sql<{ present: boolean }>`SELECT to_regclass(${name}) IS NOT NULL AS present`.execute(db)
    return rows[0]?.present === true
  }
  const { rows } = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ${name}`.execute(db)
  return rows.length > 0
}

export interface MigrationState {
  /** Migrations this database has run, oldest first. */
  executed: string[]
  /** Known migrations it has not run. */
  pending: string[]
  /** Migrations it has run that this QunDesk does not know: a newer version wrote it. */
  unknown: string[]
}

/** Which migrations a database has run, read without changing anything (no migration table is created). */
export async function readMigrationState(db: Kysely<Database>): Promise<MigrationState> {
  const executed = (await tableExists(db, MIGRATION_TABLE))
    ? (await sql<{ name: string }>`SELECT name FROM ${sql.table(MIGRATION_TABLE)} ORDER BY name`.execute(db)).rows.map((r) => r.name)
    : []
  return {
    executed,
    pending: MIGRATION_NAMES.filter((name) => !executed.includes(name)),
    unknown: executed.filter((name) => !MIGRATION_NAMES.includes(name)),
  }
}

export interface MigrateResult {
  /** Migrations run now, in order (on failure: the ones that succeeded before it). */
  applied: string[]
  /** The migration that failed and why; the database stays at the last applied migration. */
  failed?: { name: string | undefined; error: unknown }
}

/** Brings a database to the latest schema with kysely's Migrator and says what it ran. Never throws for a failed migration. */
export async function migrateDatabase(db: Kysely<Database>): Promise<MigrateResult> {
  const { error, results = [] } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest()
  const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName)
  if (error === undefined) return { applied }
  return { applied, failed: { name: results.find((r) => r.status === 'Error')?.migrationName, error } }
}

/** A copy that was not started: nothing was written to the target. */
export class DbCopyRefused extends Error {
  constructor(
    readonly reason:
      | { kind: 'source_not_current'; pending: string[] }
      | { kind: 'source_newer'; unknown: string[] }
      | { kind: 'target_not_empty'; tables: Array<{ name: string; rows: number }> }
      | { kind: 'target_newer'; unknown: string[] },
  ) {
    super(`database copy refused: ${reason.kind}`)
    this.name = 'DbCopyRefused'
  }
}

/** A copy that failed part-way: the tables in `committed` were written to the target (with their rows), `table` was rolled back. */
export class DbCopyFailed extends Error {
  constructor(
    readonly stage: 'migrate_target' | 'copy' | 'sequences',
    readonly table: string | undefined,
    readonly committed: Array<{ name: string; rows: number }>,
    cause: unknown,
  ) {
    super(`database copy failed (${stage}${table ? ` ${table}` : ''}): ${(cause as Error)?.message ?? String(cause)}`, { cause })
    this.name = 'DbCopyFailed'
  }
}

export interface TableCopied {
  name: TableName
  rows: number
  ms: number
}

export interface AuditCheck {
  /** chain: the hash chain recomputed on the target; hashes: stored details are sealed, so each entry's hashes are compared with the source's. */
  method: 'chain' | 'hashes'
  entries: number
  ok: boolean
  /** The first entry that does not verify (chain) or differs from the source (hashes). */
  brokenAt?: number
  reason?: string
  /** The source's chain breaks at the same entry: the copy is faithful, the log was altered before. */
  brokenInSource?: boolean
}

export interface CopyReport {
  /** Migrations the target needed before the copy. */
  migrationsApplied: string[]
  tables: TableCopied[]
  /** Per serial table: the last id handed out so far (new rows get higher ids). */
  sequences: Array<{ table: TableName; lastId: number }>
  /** Tables whose row count on the target differs from the source's. */
  countMismatches: Array<{ table: TableName; source: number; target: number }>
  audit: AuditCheck
  /** Counts equal and the audit log verified (or broken exactly as in the source). */
  ok: boolean
  ms: number
}

export interface CopyOptions {
  /** Rows read per page and written per batch (default 1000). */
  batchSize?: number
  /** Called after each table is committed on the target. */
  onTable?: (table: TableCopied) => void
}

/** SQLite allows 32,766 bound parameters per statement, PostgreSQL 65,535: an INSERT stays below both. */
const MAX_PARAMETERS = 30_000

/** How many rows of `columns` columns one INSERT may carry. */
export function rowsPerInsert(columns: number, batchSize: number): number {
  return Math.max(1, Math.min(batchSize, Math.floor(MAX_PARAMETERS / Math.max(1, columns))))
}

/**
 * Copies every QunDesk table from `source` to `target`, stored values as they are (sealed content stays sealed,
 * ids are kept). The source is only read, in one read-only snapshot (REPEATABLE READ on PostgreSQL, one read
 * transaction on SQLite), so a copy taken while QunDesk runs is consistent, though later writes are not in it.
 *
 * Refuses (DbCopyRefused, nothing written) when the source is not at the latest migration, or the target holds any
 * row in a QunDesk table. Then migrates the target, copies table by table in foreign-key order (keyset pages,
 * one transaction per table), moves each serial id past the copied ids (and past ids the source handed out for
 * rows since deleted), and verifies: row counts per table, and the audit log (its hash chain on the target, or,
 * when details are sealed, each entry's hashes against the source's).
 *
 * @example
 * const report = await copyDatabase(openStoredDatabase(from, { readonly: true }), openStoredDatabase(to))
 */
export async function copyDatabase(sourceDb: Kysely<Database>, targetDb: Kysely<Database>, options: CopyOptions = {}): Promise<CopyReport> {
  const started = performance.now()
  const batchSize = Math.max(1, options.batchSize ?? 1000)
  const source = sourceDb.withoutPlugins()
  const target = targetDb.withoutPlugins()

  const snapshot = isPostgres(source) ? source.transaction().setIsolationLevel('repeatable read').setAccessMode('read only') : source.transaction()
  return snapshot.execute(async (src) => {
    const state = await readMigrationState(src)
    if (state.unknown.length > 0) throw new DbCopyRefused({ kind: 'source_newer', unknown: state.unknown })
    if (state.pending.length > 0) throw new DbCopyRefused({ kind: 'source_not_current', pending: state.pending })

    const targetState = await readMigrationState(target)
    if (targetState.unknown.length > 0) throw new DbCopyRefused({ kind: 'target_newer', unknown: targetState.unknown })
    const occupied: Array<{ name: string; rows: number }> = []
    for (const table of COPY_TABLES) {
      if (!(await tableExists(target, table.name))) continue
      const rows = await countRows(target, table.name)
      if (rows > 0) occupied.push({ name: table.name, rows })
    }
    if (occupied.length > 0) throw new DbCopyRefused({ kind: 'target_not_empty', tables: occupied })

    const migrated = await migrateDatabase(target)
    if (migrated.failed) throw new DbCopyFailed('migrate_target', migrated.failed.name, [], migrated.failed.error)

    const sourceCounts = new Map<TableName, number>()
    const tables: TableCopied[] = []
    const committed: Array<{ name: string; rows: number }> = []
    for (const table of COPY_TABLES) {
      const tableStarted = performance.now()
      sourceCounts.set(table.name, await countRows(src, table.name))
      let rows = 0
      try {
        await target.transaction().execute(async (trx) => {
          // The next page is read while this one is written: the two databases work at the same time.
          const pages = readPages(src, table, Math.min(batchSize, table.pageRows ?? batchSize))
          let next = pages.next()
          for (;;) {
            const page = await next
            if (page.done) break
            next = pages.next()
            next.catch(() => undefined) // a failed write ends the copy; a read in flight then must not go unhandled
            await insertRows(trx, table.name, page.value, Math.min(batchSize, table.pageRows ?? batchSize))
            rows += page.value.length
          }
        })
      } catch (error) {
        throw new DbCopyFailed('copy', table.name, committed, error)
      }
      committed.push({ name: table.name, rows })
      const copied = { name: table.name, rows, ms: performance.now() - tableStarted }
      tables.push(copied)
      options.onTable?.(copied)
    }

    let sequences: CopyReport['sequences']
    try {
      sequences = await continueSequences(src, target)
    } catch (error) {
      throw new DbCopyFailed('sequences', undefined, committed, error)
    }

    const countMismatches: CopyReport['countMismatches'] = []
    for (const table of COPY_TABLES) {
      const [expected, actual] = [sourceCounts.get(table.name) ?? 0, await countRows(target, table.name)]
      if (expected !== actual) countMismatches.push({ table: table.name, source: expected, target: actual })
    }
    const audit = await checkAudit(src, target, batchSize)
    // Fresh statistics, so the first queries on the new database get good plans (PostgreSQL's autovacuum would
    // gather them only later; SQLite never does on its own).
    await sql`ANALYZE`.execute(target)
    return {
      migrationsApplied: migrated.applied,
      tables,
      sequences,
      countMismatches,
      audit,
      ok: countMismatches.length === 0 && (audit.ok || audit.brokenInSource === true),
      ms: performance.now() - started,
    }
  })
}

async function countRows(db: Kysely<Database>, table: string): Promise<number> {
  const row = await loose(db).selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst()
  return Number(row?.n ?? 0)
}

/** The table in primary-key order, `size` rows at a time, each page starting after the last key of the one before. */
export async function* readPages(db: Kysely<Database>, table: Pick<CopyTable, 'name' | 'key'>, size: number): AsyncGenerator<Row[]> {
  let after: unknown[] | undefined
  for (;;) {
    let query = loose(db).selectFrom(table.name).selectAll()
    if (after) {
      const keys = sql.join(table.key.map((k) => sql.ref(k)))
      query = query.where(sql<boolean>`(${keys}) > (${sql.join(after)})`)
    }
    for (const k of table.key) query = query.orderBy(k)
    const rows = await query.limit(size).execute()
    if (rows.length === 0) return
    yield rows
    if (rows.length < size) return
    const last = rows[rows.length - 1]!
    after = table.key.map((k) => last[k])
  }
}

async function insertRows(trx: Transaction<Database>, table: string, rows: Row[], batchSize: number): Promise<void> {
  const per = rowsPerInsert(Object.keys(rows[0] ?? {}).length, batchSize)
  for (let i = 0; i < rows.length; i += per) {
    await loose(trx).insertInto(table).values(rows.slice(i, i + per)).execute()
  }
}

/**
 * After explicit ids were inserted, the next generated id must come after them, and after any id the source
 * already handed out (rows since deleted: an id is never reused). PostgreSQL: setval on the serial's sequence.
 * SQLite: AUTOINCREMENT keeps the high-water mark in sqlite_sequence, already at max(id) after the inserts.
 */
async function continueSequences(src: Kysely<Database>, target: Kysely<Database>): Promise<CopyReport['sequences']> {
  const result: CopyReport['sequences'] = []
  for (const table of COPY_TABLES.filter((t) => t.serial)) {
    const used = await lastIssuedId(src, table.name)
    const last = Math.max(await maxId(target, table.name), used)
    if (isPostgres(target)) {
      // is_called false with 1: the next id is 1 (an empty table that never handed out an id).
      await sql`SELECT setval(pg_get_serial_sequence(${table.name}, 'id'), ${Math.max(last, 1)}, ${last > 0})`.execute(target)
    } else if (last > 0) {
      const { rows } = await sql<{ seq: number }>`SELECT seq FROM sqlite_sequence WHERE name = ${table.name}`.execute(target)
      if (rows.length === 0) await sql`INSERT INTO sqlite_sequence (name, seq) VALUES (${table.name}, ${last})`.execute(target)
      else if (Number(rows[0]!.seq) < last) await sql`UPDATE sqlite_sequence SET seq = ${last} WHERE name = ${table.name}`.execute(target)
    }
    result.push({ table: table.name, lastId: last })
  }
  return result
}

async function maxId(db: Kysely<Database>, table: string): Promise<number> {
  const row = await loose(db).selectFrom(table).select((eb) => eb.fn.max<number>('id').as('m')).executeTakeFirst()
  return Number(row?.m ?? 0)
}

/** The highest id a serial table has handed out (0 when none), read without advancing anything. */
async function lastIssuedId(db: Kysely<Database>, table: string): Promise<number> {
  if (isPostgres(db)) {
    const { rows } = await sql<{ last: number | null }>`SELECT pg_sequence_last_value(pg_get_serial_sequence(${table}, 'id')::regclass) AS last`.execute(db)
    return Number(rows[0]?.last ?? 0)
  }
  const { rows } = await sql<{ seq: number }>`SELECT seq FROM sqlite_sequence WHERE name = ${table}`.execute(db)
  return Number(rows[0]?.seq ?? 0)
}

async function checkAudit(src: Kysely<Database>, target: Kysely<Database>, pageSize: number): Promise<AuditCheck> {
  const sealed = await target.selectFrom('audit_log').select('id').where('detail', 'like', `${SEALED_PREFIX}%`).limit(1).executeTakeFirst()
  if (!sealed) {
    const chain = await verifyChain(iterateAudit(target, pageSize))
    if (chain.ok) return { method: 'chain', entries: chain.entries, ok: true }
    const before = await verifyChain(iterateAudit(src, pageSize))
    return { method: 'chain', entries: chain.entries, ok: false, brokenAt: chain.brokenAt, reason: chain.reason, brokenInSource: !before.ok && before.brokenAt === chain.brokenAt }
  }
  // Sealed details cannot be re-hashed without the keys: the stored hashes must be the source's, entry by entry.
  const a = iterateAudit(src, pageSize)
  const b = iterateAudit(target, pageSize)
  let entries = 0
  for (;;) {
    const [x, y] = await Promise.all([a.next(), b.next()])
    if (x.done && y.done) return { method: 'hashes', entries, ok: true }
    entries += 1
    if (x.done || y.done) {
      return { method: 'hashes', entries, ok: false, brokenAt: (x.done ? y.value : x.value)?.id ?? 0, reason: x.done ? 'the target has an entry the source does not' : 'the entry is missing from the target' }
    }
    if (x.value.id !== y.value.id || x.value.hash !== y.value.hash || x.value.prev_hash !== y.value.prev_hash || x.value.detail !== y.value.detail) {
      return { method: 'hashes', entries, ok: false, brokenAt: x.value.id, reason: 'the entry differs from the source' }
    }
  }
}
