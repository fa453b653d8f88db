import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { chainHash, GENESIS_HASH } from '../../../src/storage/audit-chain.js'
import { createDb, type Db } from '../../../src/storage/create-db.js'
import {
  COPY_TABLES,
  copyDatabase,
  DbCopyRefused,
  MIGRATION_NAMES,
  parseDatabaseLocation,
  readMigrationState,
  readPages,
  rowsPerInsert,
  sameDatabase,
} from '../../../src/storage/db-copy.js'
import { migrations } from '../../../src/storage/migrations/index.js'
import type { Database } from '../../../src/storage/schema.js'

const open: Array<Kysely<Database>> = []
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy()
})

/** An in-memory SQLite database with no schema at all. */
function emptySqlite(): Kysely<Database> {
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) })
  open.push(db)
  return db
}

async function migratedSqlite(): Promise<Db> {
  const db = await createDb({ file: ':memory:' })
  open.push(db)
  return db
}

const at = '2026-03-01T08:00:00.000Z'
const message = (id: string, text: string) => ({
  id, channel: 'test', group_id: 'g1', group_name: 'VIP客户群', sender_id: 's1', sender_name: '张三', text, question: text,
  mentions_bot: 1, from_self: 0, sent_at: at, received_at: at, status: 'handled' as const, handled_at: null, error: null,
  emotion_severity: null, emotion_score: 0.25,
})

async function appendAuditRow(db: Db, action: string, detail: string): Promise<void> {
  const last = await db.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst()
  const fields = { at, actor: 'test', action, subject_type: 'x', subject_id: '1', detail }
  const prev = last?.hash ?? GENESIS_HASH
  await db.insertInto('audit_log').values({ ...fields, prev_hash: prev, hash: chainHash(prev, fields) }).execute()
}

async function allRows(db: Kysely<Database>) {
  const result: Record<string, unknown[]> = {}
  for (const table of COPY_TABLES) {
    result[table.name] = []
    for await (const page of readPages(db, table, 1000)) result[table.name]!.push(...page)
  }
  return result
}

describe('database locations for qundesk db copy', () => {
  it('reads sqlite:FILE relative to the working directory, and sqlite:///absolute paths', () => {
    expect(parseDatabaseLocation('sqlite:data/qundesk.sqlite', '/srv/qd')).toEqual({ kind: 'sqlite', file: '/srv/qd/data/qundesk.sqlite' })
    expect(parseDatabaseLocation('sqlite:/var/lib/qd.sqlite', '/srv/qd')).toEqual({ kind: 'sqlite', file: '/var/lib/qd.sqlite' })
    expect(parseDatabaseLocation('sqlite:///var/lib/qd.sqlite', '/srv/qd')).toEqual({ kind: 'sqlite', file: '/var/lib/qd.sqlite' })
  })

  it('takes postgres:// and postgresql:// URLs as they are', () => {
    expect(parseDatabaseLocation('postgres://qd:pw@db:5432/qundesk', '/')).toEqual({ kind: 'postgres', url: 'postgres://qd:pw@db:5432/qundesk' })
    expect(parseDatabaseLocation('postgresql://qd@db/qundesk', '/').kind).toBe('postgres')
  })

  it('rejects anything else, a bare sqlite: and a URL without a database name, without echoing the password', () => {
    expect(() => parseDatabaseLocation('data/qundesk.sqlite', '/')).toThrow(/sqlite:FILE/)
    expect(() => parseDatabaseLocation('mysql://x@y/z', '/')).toThrow(/neither/)
    expect(() => parseDatabaseLocation('sqlite:', '/')).toThrow(/needs a file/)
    expect(() => parseDatabaseLocation('postgres://qd:s3cret@db:5432/', '/')).toThrow(/DATABASE/)
    expect(() => parseDatabaseLocation('postgres://qd:s3cret@db:5432/', '/')).not.toThrow(/s3cret/)
  })

  it('knows the same database written two ways: the same file, or the same host, port and name with other credentials', () => {
    const file = path.resolve('/tmp/qd.sqlite')
    expect(sameDatabase({ kind: 'sqlite', file }, { kind: 'sqlite', file })).toBe(true)
    expect(sameDatabase({ kind: 'postgres', url: 'postgres://a:x@DB/qundesk' }, { kind: 'postgres', url: 'postgresql://b@db:5432/qundesk' })).toBe(true)
    expect(sameDatabase({ kind: 'postgres', url: 'postgres://a@db/qundesk' }, { kind: 'postgres', url: 'postgres://a@db/qundesk2' })).toBe(false)
    expect(sameDatabase({ kind: 'sqlite', file }, { kind: 'postgres', url: 'postgres://a@db/qundesk' })).toBe(false)
  })

  it('keeps every INSERT under the bound-parameter limits of SQLite and PostgreSQL', () => {
    expect(rowsPerInsert(10, 1000)).toBe(1000)
    expect(rowsPerInsert(60, 1000) * 60).toBeLessThanOrEqual(30_000)
    expect(rowsPerInsert(50_000, 1000)).toBe(1)
  })
})

describe('the table list the copy works from', () => {
  it('names exactly the tables the migrations create, with their primary keys and autoincrement ids', async () => {
    const db = await migratedSqlite()
    const tables = (await sql<{ name: string; sql: string }>`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'`.execute(db)).rows
    expect(COPY_TABLES.map((t) => t.name).sort()).toEqual(tables.map((t) => t.name).sort())
    for (const table of COPY_TABLES) {
      const info = (await sql<{ name: string; pk: number }>`SELECT name, pk FROM pragma_table_info(${table.name})`.execute(db)).rows
      const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name)
      expect([table.name, ...table.key]).toEqual([table.name, ...pk])
      expect([table.name, table.serial]).toEqual([table.name, /AUTOINCREMENT/i.test(tables.find((t) => t.name === table.name)!.sql)])
    }
  })

  it('puts every table after the tables its foreign keys point at', async () => {
    const db = await migratedSqlite()
    const order = COPY_TABLES.map((t) => t.name as string)
    let references = 0
    for (const table of order) {
      const fks = (await sql<{ table: string }>`SELECT "table" FROM pragma_foreign_key_list(${table})`.execute(db)).rows
      for (const fk of fks) {
        references += 1
        expect(`${fk.table} before ${table}: ${order.indexOf(fk.table) < order.indexOf(table)}`).toBe(`${fk.table} before ${table}: true`)
      }
    }
    expect(references).toBeGreaterThanOrEqual(3) // suggestions → messages, slot_requests → messages, sessions → users
  })
})

describe('copyDatabase (SQLite to SQLite, in memory)', () => {
  it('copies every row with its id, in pages, stored values as they are, and verifies the audit chain', async () => {
    const source = await migratedSqlite()
    for (let i = 1; i <= 7; i++) await source.insertInto('messages').values(message(`test:m${i}`, i === 3 ? 'qdenc1:k1:AAAA' : `第 ${i} 个问题 😀`)).execute()
    for (const i of [1, 2, 5]) {
      await source.insertInto('suggestions').values({
        id: i * 10, message_id: `test:m${i}`, group_id: 'g1', group_name: 'VIP客户群', member_id: 's1', member_name: '张三', question: `问题 ${i}`,
        kind: 'answer', intent_id: 'shipping', score: 0.8125, text: '明天送达', status: 'pending', created_at: at, asked_at: at, decision: null,
        decided_by: null, decided_at: null, final_text: null, reject_reason: null, replied_at: null, response_ms: 2 ** 40, last_error: null,
        matched_intent_id: null, emotion_severity: null, escalation_reason: null, escalation_detail: null,
      }).execute()
    }
    // Composite keys whose parts sort differently one by one than together.
    for (const [g, m, tag] of [['g1', 'b', 'x'], ['g1', 'a', 'z'], ['g2', 'a', 'a'], ['g1', 'a', 'y'], ['g10', 'a', 'a']] as const) {
      await source.insertInto('member_tags').values({ group_id: g, member_id: m, tag, source: 'manual', added_at: at, added_by: 'agent:小王' }).execute()
    }
    for (let i = 0; i < 5; i++) await appendAuditRow(source, `a${i}`, JSON.stringify({ i, 备注: '改过的回复' }))

    const target = emptySqlite()
    const copied: string[] = []
    const report = await copyDatabase(source, target, { batchSize: 2, onTable: (t) => copied.push(`${t.name}:${t.rows}`) })

    expect(report.ok).toBe(true)
    expect(report.migrationsApplied).toEqual(MIGRATION_NAMES)
    expect(copied).toEqual(COPY_TABLES.map((t) => `${t.name}:${{ messages: 7, suggestions: 3, member_tags: 5, audit_log: 5 }[t.name as string] ?? 0}`))
    expect(report.countMismatches).toEqual([])
    expect(report.audit).toEqual({ method: 'chain', entries: 5, ok: true })
    expect(await allRows(target)).toEqual(await allRows(source))
    expect(report.sequences.find((s) => s.table === 'suggestions')).toEqual({ table: 'suggestions', lastId: 50 })
  })

  it('hands out new ids after the highest id the source ever used, also when that row was deleted', async () => {
    const source = await migratedSqlite()
    await source.insertInto('settings').values({ key: 'k', value: 'v', updated_by: 'x', updated_at: at }).execute()
    for (let i = 0; i < 4; i++) await source.insertInto('learned_examples').values({ intent_id: 'shipping', text: `例句 ${i}`, suggestion_id: null, created_by: 'x', created_at: at }).execute()
    await source.deleteFrom('learned_examples').where('id', '>=', 3).execute()

    const target = emptySqlite()
    await copyDatabase(source, target)
    const next = await target.insertInto('learned_examples').values({ intent_id: 'shipping', text: '新例句', suggestion_id: null, created_by: 'x', created_at: at }).returning('id').executeTakeFirstOrThrow()
    expect(next.id).toBe(5)
  })

  it('compares the stored hashes with the source when audit details are sealed (no key to recompute the chain)', async () => {
    const source = await migratedSqlite()
    const fields = { at, actor: 'test', action: 'suggestion.sent', subject_type: 'suggestion', subject_id: '1', detail: 'qdenc1:k1:c2VhbGVk' }
    await source.insertInto('audit_log').values({ ...fields, prev_hash: GENESIS_HASH, hash: chainHash(GENESIS_HASH, { ...fields, detail: '{"text":"原文"}' }) }).execute()
    const report = await copyDatabase(source, emptySqlite())
    expect(report.audit).toEqual({ method: 'hashes', entries: 1, ok: true })
    expect(report.ok).toBe(true)
  })

  it('reports an audit chain that was already broken in the source as broken there, not as a bad copy', async () => {
    const source = await migratedSqlite()
    for (let i = 0; i < 3; i++) await appendAuditRow(source, `a${i}`, '{}')
    await source.updateTable('audit_log').set({ actor: 'someone else' }).where('id', '=', 2).execute()
    const report = await copyDatabase(source, emptySqlite())
    expect(report.audit).toMatchObject({ method: 'chain', ok: false, brokenAt: 2, brokenInSource: true })
    expect(report.ok).toBe(true)
  })

  it('refuses a target that holds any row, before writing anything to it', async () => {
    const source = await migratedSqlite()
    await source.insertInto('messages').values(message('test:m1', '你好')).execute()
    const target = await migratedSqlite()
    await target.insertInto('settings').values({ key: 'k', value: 'v', updated_by: 'x', updated_at: at }).execute()

    const refused = await copyDatabase(source, target).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(DbCopyRefused)
    expect((refused as DbCopyRefused).reason).toEqual({ kind: 'target_not_empty', tables: [{ name: 'settings', rows: 1 }] })
    expect(await target.selectFrom('messages').selectAll().execute()).toEqual([])
  })

  it('refuses a source that is not at the latest migration, and leaves the target without any schema', async () => {
    const source = emptySqlite()
    const older = MIGRATION_NAMES[MIGRATION_NAMES.length - 2]!
    await new Migrator({ db: source, provider: { getMigrations: async () => migrations } }).migrateTo(older)
    expect((await readMigrationState(source)).pending).toEqual([MIGRATION_NAMES.at(-1)])

    const target = emptySqlite()
    const refused = await copyDatabase(source, target).catch((e: unknown) => e)
    expect((refused as DbCopyRefused).reason).toEqual({ kind: 'source_not_current', pending: [MIGRATION_NAMES.at(-1)] })
    expect((await sql`SELECT name FROM sqlite_master`.execute(target)).rows).toEqual([])
  })
})
