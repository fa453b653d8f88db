import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Migrator } from 'kysely'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli.js'
import type { CliIo } from '../../src/cli/cli-io.js'
import { newContentKeyEntry } from '../../src/storage/content-cipher.js'
import { createDb } from '../../src/storage/create-db.js'
import { COPY_TABLES, MIGRATION_NAMES, openStoredDatabase, readMigrationState, readPages, type DatabaseLocation } from '../../src/storage/db-copy.js'
import { migrations } from '../../src/storage/migrations/index.js'
import { createDatabaseOn, POSTGRES_URL_ENV, startPostgres, type TestPostgres } from '../support/postgres-server.js'
import { freshDatabaseUrl, onPostgres } from '../support/test-database.js'
import { login } from './console-session.js'
import { makeWorkdir, startTestApp, testEnv, waitFor, type TestApp } from './test-context.js'

const PASSWORD = 'correct-horse-battery-9'
const K1 = newContentKeyEntry('k1')

interface ApiSuggestion { id: number; question: string; text: string | null; status: string; kind: string; intentId: string | null; finalText: string | null; decidedBy: string | null }
type Work = { dir: string; kbDir: string; dataDir: string; databaseUrl?: string }

let server: TestPostgres | undefined
let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

/** A PostgreSQL database with nothing in it, not even the schema. */
async function emptyPostgres(): Promise<string> {
  return onPostgres() ? createDatabaseOn(process.env[POSTGRES_URL_ENV]!) : server!.createDatabase()
}

/** A fresh database to copy into: on a PostgreSQL run the run's own (already migrated, empty) one, else an empty one on the test server. */
async function targetPostgres(): Promise<string> {
  return (await freshDatabaseUrl()) ?? server!.createDatabase()
}

/** A workdir whose database is the SQLite file in its data folder, whichever database the run is on. */
async function sqliteWorkdir(): Promise<Work> {
  const { databaseUrl: _ignored, ...work } = await makeWorkdir()
  return work
}

async function run(args: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { stdout: (x) => out.push(x), stderr: (x) => err.push(x), env: { ...env, USER: 'ops' }, cwd: process.cwd() }
  const code = await runCli(args, io)
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}

const listSuggestions = async (app: TestApp) =>
  (await app.api<ApiSuggestion[]>('GET', '/api/suggestions')).body
    .map((s) => ({ id: s.id, question: s.question, text: s.text, status: s.status, kind: s.kind, intentId: s.intentId, finalText: s.finalText, decidedBy: s.decidedBy }))
    .sort((a, b) => a.id - b.id)

/** Every row of every table, read as stored. */
async function storedRows(location: DatabaseLocation): Promise<Record<string, unknown[]>> {
  const db = openStoredDatabase(location, { readonly: true })
  try {
    const rows: Record<string, unknown[]> = {}
    for (const table of COPY_TABLES) {
      rows[table.name] = []
      for await (const page of readPages(db, table, 500)) rows[table.name]!.push(...page)
    }
    return rows
  } finally {
    await db.destroy()
  }
}

/**
 * What a SQLite install holds on disk: the database file's digest and the WAL's frames. (Any reader of a WAL-mode
 * database, a read-only one too, may leave an empty -wal and a -shm beside it: no content.)
 */
function sqliteFiles(work: Work) {
  const digest = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex')
  const wal = path.join(work.dataDir, 'qundesk.sqlite-wal')
  return { database: digest(path.join(work.dataDir, 'qundesk.sqlite')), wal: fs.existsSync(wal) && fs.statSync(wal).size > 0 ? digest(wal) : 'empty' }
}

interface SeededInstall {
  work: Work
  suggestions: Awaited<ReturnType<typeof listSuggestions>>
  /** The cookie of a console session opened on the old install. */
  cookie: string
}

/**
 * A SQLite install used through the real app: three questions asked, one reply sent by an agent from the console,
 * two console users. Stopped before it is returned, as an install is before it moves.
 */
async function seedSqliteInstall(env: Record<string, string> = {}): Promise<SeededInstall> {
  const work = await sqliteWorkdir()
  t = await startTestApp(work, { env })
  await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
  await t.app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
  const agent = (await login(t.app.url, '小王', PASSWORD)).session!
  for (const question of ['我的快递到哪了', '能开发票吗', '退款什么时候到账']) {
    t.world.ask(t.world.alice, question)
    await waitFor(async () => (await listSuggestions(t!)).some((s) => s.question === question))
  }
  const first = (await listSuggestions(t))[0]!
  expect((await agent.call('POST', `/api/suggestions/${first.id}/send`, { text: '张三您好，单号 SF1234567890 明天送达。' })).status).toBe(200)
  await waitFor(() => t!.world.said.length === 1)
  await waitFor(async () => (await listSuggestions(t!)).find((s) => s.id === first.id)?.status === 'sent')
  const suggestions = await listSuggestions(t)
  await t.stop()
  t = undefined
  return { work, suggestions, cookie: agent.cookie }
}

let plain: SeededInstall

beforeAll(async () => {
  if (!onPostgres()) server = await startPostgres()
  plain = await seedSqliteInstall()
}, 120_000)

afterAll(async () => {
  await server?.stop()
})

describe('qundesk db copy: moving a SQLite install to PostgreSQL', () => {
  it('copies every table, and the app on PostgreSQL shows the same suggestions, lets the copied users in, continues the ids and verifies the audit log', async () => {
    const before = sqliteFiles(plain.work)
    const url = await targetPostgres()
    const copy = await run(['db', 'copy', '--from', `sqlite:${path.join(plain.work.dataDir, 'qundesk.sqlite')}`, '--to', url])
    expect(copy.stderr).toBe('')
    expect(copy.code).toBe(0)
    const source = await storedRows({ kind: 'sqlite', file: path.join(plain.work.dataDir, 'qundesk.sqlite') })
    expect(source.suggestions).toHaveLength(3)
    for (const table of COPY_TABLES) expect(copy.stdout).toMatch(new RegExp(`^ {2}${table.name} +${source[table.name]!.length} 行`, 'm'))
    expect(copy.stdout).toMatch(/校验通过：各表行数与源库一致；审计日志 \d+ 条，哈希链完整/)
    expect(copy.stdout).toMatch(/完成：\d+ 个表，共 [\d,]+ 行，用时 \d+\.\d 秒/)
    expect(sqliteFiles(plain.work), 'the source is not modified').toEqual(before)

    const target: Work = { ...plain.work, databaseUrl: url }
    t = await startTestApp(target)
    expect(await listSuggestions(t)).toEqual(plain.suggestions)

    // The copied users log in; a console session opened on the old install is still valid.
    expect((await login(t.app.url, '老板', PASSWORD)).status).toBe(200)
    expect((await fetch(`${t.app.url}/api/suggestions`, { headers: { cookie: plain.cookie } })).status).toBe(200)

    // New rows get ids after the copied ones (the sequences were moved on).
    t.world.ask(t.world.bob, '你们几点上班')
    const fresh = await waitFor(async () => (await listSuggestions(t!)).find((s) => s.question === '你们几点上班'))
    expect(fresh.id).toBeGreaterThan(Math.max(...plain.suggestions.map((s) => s.id)))
    await t.stop()
    t = undefined

    // The audit chain goes on from the copied entries (the login and the auto-send above were appended to it).
    expect(await run(['audit', 'verify'], testEnv(target))).toMatchObject({ code: 0, stdout: expect.stringContaining('哈希链校验通过') })
  })

  it('refuses a target database that already holds rows, and writes nothing to it', async () => {
    const url = await targetPostgres()
    const other = await createDb({ url })
    try {
      await other.insertInto('settings').values({ key: 'slaMinutes', value: '5', updated_by: 'admin', updated_at: new Date().toISOString() }).execute()
    } finally {
      await other.destroy()
    }
    const before = await storedRows({ kind: 'postgres', url })

    const copy = await run(['db', 'copy', '--from', `sqlite:${path.join(plain.work.dataDir, 'qundesk.sqlite')}`, '--to', url])
    expect(copy.code).toBe(1)
    expect(copy.stderr).toContain('不是空的（settings 1 行）')
    expect(copy.stderr).toContain('没有写入任何数据')
    expect(await storedRows({ kind: 'postgres', url })).toEqual(before)
  })

  it('copies encrypted content as it is stored, without the keys, and the app on PostgreSQL with the keys reads it', async () => {
    const sealed = await seedSqliteInstall({ QUNDESK_CONTENT_KEYS: K1 })
    const url = await targetPostgres()
    // No QUNDESK_CONTENT_KEYS in the environment: the copy never opens the content.
    const copy = await run(['db', 'copy', '--from', `sqlite:${path.join(sealed.work.dataDir, 'qundesk.sqlite')}`, '--to', url])
    expect(copy.stderr).toBe('')
    expect(copy.code).toBe(0)
    expect(copy.stdout).toMatch(/审计日志 \d+ 条（内容已加密，无密钥不重算哈希链），每条的哈希与源库一致/)

    const rows = await storedRows({ kind: 'postgres', url })
    expect(rows).toEqual(await storedRows({ kind: 'sqlite', file: path.join(sealed.work.dataDir, 'qundesk.sqlite') }))
    for (const m of rows.messages as Array<{ text: string; from_self: number }>) if (!m.from_self) expect(m.text).toMatch(/^qdenc1:k1:/)
    expect((rows.content_keys as Array<{ key_id: string }>).map((k) => k.key_id)).toEqual(['k1'])

    const target: Work = { ...sealed.work, databaseUrl: url }
    // The copied key record still guards the database: without the key it does not start.
    await expect(createDb({ url })).rejects.toThrow('encrypted with key "k1", which QUNDESK_CONTENT_KEYS does not list')
    t = await startTestApp(target, { env: { QUNDESK_CONTENT_KEYS: K1 } })
    expect(await listSuggestions(t)).toEqual(sealed.suggestions)
    expect(sealed.suggestions.map((s) => s.question)).toContain('我的快递到哪了')
    expect(await run(['audit', 'verify'], testEnv(target, { QUNDESK_CONTENT_KEYS: K1 }))).toMatchObject({ code: 0 })
  })

  it('refuses a source that is not at the latest migration, tells to run qundesk migrate first, and leaves the target untouched', async () => {
    const work = await sqliteWorkdir()
    const file = path.join(work.dataDir, 'qundesk.sqlite')
    const old = openStoredDatabase({ kind: 'sqlite', file })
    await new Migrator({ db: old, provider: { getMigrations: async () => migrations } }).migrateTo(MIGRATION_NAMES[MIGRATION_NAMES.length - 2]!)
    await old.destroy()
    const url = await emptyPostgres()

    const copy = await run(['db', 'copy', '--from', `sqlite:${file}`, '--to', url])
    expect(copy.code).toBe(1)
    expect(copy.stderr).toContain(`缺少 1 个迁移：${MIGRATION_NAMES.at(-1)}`)
    expect(copy.stderr).toContain(`QUNDESK_DATA_DIR=${work.dataDir} qundesk migrate`)
    const target = openStoredDatabase({ kind: 'postgres', url })
    try {
      expect((await readMigrationState(target)).executed).toEqual([])
    } finally {
      await target.destroy()
    }

    // Once migrated as told, the copy goes through.
    expect(await run(['migrate'], testEnv(work))).toMatchObject({ code: 0 })
    expect(await run(['db', 'copy', '--from', `sqlite:${file}`, '--to', url])).toMatchObject({ code: 0 })
  })

  it('copies PostgreSQL back to a new SQLite file: the round trip keeps every stored value of every table', async () => {
    const original = { kind: 'sqlite', file: path.join(plain.work.dataDir, 'qundesk.sqlite') } as const
    const url = await emptyPostgres()
    expect(await run(['db', 'copy', '--from', `sqlite:${original.file}`, '--to', url])).toMatchObject({ code: 0 })
    const back = path.join(plain.work.dir, 'back', 'qundesk.sqlite')
    const copy = await run(['db', 'copy', '--from', url, '--to', `sqlite:${back}`])
    expect(copy.stderr).toBe('')
    expect(copy.code).toBe(0)
    expect(copy.stdout).toContain('下一步：去掉 QUNDESK_DATABASE_URL')
    expect(await storedRows({ kind: 'sqlite', file: back })).toEqual(await storedRows(original))
    expect(await run(['audit', 'verify'], testEnv({ ...plain.work, dataDir: path.dirname(back) }))).toMatchObject({ code: 0 })
  })

  it('never hands out again an id the source used for a row since deleted, in either direction', async () => {
    const work = await sqliteWorkdir()
    const file = path.join(work.dataDir, 'qundesk.sqlite')
    const at = new Date().toISOString()
    const example = (text: string) => ({ intent_id: 'logistics.track', text, suggestion_id: null, created_by: '小王', created_at: at })
    const source = await createDb({ file })
    try {
      await source.insertInto('learned_examples').values([example('快递呢'), example('物流呢'), example('包裹呢')]).execute()
      await source.deleteFrom('learned_examples').where('id', '=', 3).execute()
    } finally {
      await source.destroy()
    }
    const url = await emptyPostgres()
    expect(await run(['db', 'copy', '--from', `sqlite:${file}`, '--to', url])).toMatchObject({ code: 0, stdout: expect.stringContaining('learned_examples 4') })
    const back = path.join(work.dir, 'back.sqlite')
    expect(await run(['db', 'copy', '--from', url, '--to', `sqlite:${back}`])).toMatchObject({ code: 0 })

    for (const location of [{ kind: 'postgres', url }, { kind: 'sqlite', file: back }] as const) {
      const db = openStoredDatabase(location)
      try {
        const row = await db.insertInto('learned_examples').values(example(`新的 ${location.kind}`)).returning('id').executeTakeFirstOrThrow()
        expect([location.kind, row.id]).toEqual([location.kind, 4])
      } finally {
        await db.destroy()
      }
    }
  })

  it('stops at a table the target cannot take, rolls that table back, names the tables already written and how to retry', async () => {
    const work = await sqliteWorkdir()
    const file = path.join(work.dataDir, 'qundesk.sqlite')
    const source = await createDb({ file })
    try {
      await source.insertInto('users').values({ name: '小王', role: 'agent', password_hash: 'scrypt$x', created_at: new Date().toISOString() }).execute()
      // SQLite stores a NUL character in text; PostgreSQL refuses it.
      await source.insertInto('settings').values({ key: 'signature', value: '客服\u0000小王', updated_by: 'admin', updated_at: new Date().toISOString() }).execute()
    } finally {
      await source.destroy()
    }
    const url = await emptyPostgres()
    const copy = await run(['db', 'copy', '--from', `sqlite:${file}`, '--to', `${url.replace('postgres://postgres@', 'postgres://postgres:pw-not-shown@')}`])
    expect(copy.code).toBe(1)
    expect(copy.stderr).toContain('复制 settings 表失败（这个表已回滚）')
    expect(copy.stderr).toContain('已写入目标的表：users 1 行。源数据库没有改动')
    expect(copy.stderr).toContain('删除并重建该数据库')
    expect(copy.stderr).not.toContain('pw-not-shown')
    expect((await storedRows({ kind: 'postgres', url })).settings).toEqual([])
  })

  it('explains a wrong invocation: missing --to, a plain path, the same database twice', async () => {
    const file = path.join(plain.work.dataDir, 'qundesk.sqlite')
    expect(await run(['db', 'copy', '--from', `sqlite:${file}`])).toMatchObject({ code: 2, stderr: expect.stringContaining('--from and --to') })
    expect(await run(['db', 'copy', '--from', file, '--to', 'sqlite:/tmp/x.sqlite'])).toMatchObject({ code: 2, stderr: expect.stringContaining('sqlite:FILE') })
    expect(await run(['db', 'copy', '--from', `sqlite:${file}`, '--to', `sqlite:${file}`])).toMatchObject({ code: 2, stderr: expect.stringContaining('same database') })
    const missing = await run(['db', 'copy', '--from', `sqlite:${path.join(plain.work.dir, 'nope.sqlite')}`, '--to', 'sqlite:/tmp/never.sqlite'])
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('不存在') })
    expect(fs.existsSync('/tmp/never.sqlite')).toBe(false)
  })
})

describe('qundesk migrate', () => {
  it('applies every migration to a fresh PostgreSQL database, then says it is current', async () => {
    const work = await sqliteWorkdir()
    const url = await emptyPostgres()
    const first = await run(['migrate'], testEnv({ ...work, databaseUrl: url }))
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    for (const name of MIGRATION_NAMES) expect(first.stdout).toContain(`已应用 ${name}`)
    expect(first.stdout).toContain(`完成：应用了 ${MIGRATION_NAMES.length} 个迁移`)

    const second = await run(['migrate'], testEnv({ ...work, databaseUrl: url }))
    expect(second).toMatchObject({ code: 0, stdout: expect.stringContaining('已是最新结构') })
    expect(second.stdout).not.toContain('已应用')
  })

  it('exits 1 with the reason, naming the database without its password, when PostgreSQL cannot be reached', async () => {
    const work = await sqliteWorkdir()
    const result = await run(['migrate'], testEnv({ ...work, databaseUrl: 'postgres://qundesk:hunter2-secret@127.0.0.1:1/qundesk' }))
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('postgres://qundesk:***@127.0.0.1:1/qundesk')
    expect(result.stderr).toContain('连不上 PostgreSQL')
    expect(result.stdout + result.stderr).not.toContain('hunter2-secret')
  })
})
