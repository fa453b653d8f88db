import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { verifyChain } from '../../src/storage/audit-chain.js'
import { runCli } from '../../src/cli.js'
import type { CliIo } from '../../src/cli/cli-io.js'
import { loadConfig } from '../../src/config/load-config.js'
import { appendAudit, iterateAudit } from '../../src/storage/audit.repository.js'
import { createDb, type Db } from '../../src/storage/create-db.js'
import type { Database } from '../../src/storage/schema.js'
import { makeWorkdir, testEnv, waitFor } from './test-context.js'
import { onPostgres } from '../support/test-database.js'

const ROOT = path.resolve(import.meta.dirname, '../..')

async function run(args: string[], env: Record<string, string | undefined>, cwd = process.cwd()) {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd }
  const code = await runCli(args, io)
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}

/**
 * Another process writing to the database the way QunDesk does (WAL, its own connection): pairs of messages, one
 * transaction each, `w:<k>:a` and `w:<k>:b`, until its stdin closes. A backup must never hold half a pair.
 */
const WRITER = `
import { createRequire } from 'node:module'
const require = createRequire(process.argv[1])
const SQLite = require('better-sqlite3')
const db = new SQLite(process.argv[2])
db.pragma('journal_mode = WAL')
db.pragma('busy_timeout = 5000')
const insert = db.prepare("INSERT INTO messages (id, channel, group_id, group_name, sender_id, sender_name, text, question, mentions_bot, from_self, sent_at, received_at, status) VALUES (?, 'test', 'g1', '测试群', 's1', '张三', ?, '', 0, 0, ?, ?, 'handled')")
const pair = db.transaction((k) => {
  const at = new Date().toISOString()
  insert.run('w:' + k + ':a', '第 ' + k + ' 条 ' + 'x'.repeat(300), at, at)
  insert.run('w:' + k + ':b', '第 ' + k + ' 条 ' + 'y'.repeat(300), at, at)
})
let k = 0
let stop = false
process.stdin.on('end', () => { stop = true })
process.stdin.resume()
const step = () => {
  if (stop) { db.close(); return }
  for (let i = 0; i < 5; i++) pair(++k)
  setImmediate(step)
}
step()
`

let db: Db | undefined
let writer: ChildProcess | undefined
afterEach(async () => {
  if (writer && writer.exitCode === null) {
    const exited = new Promise((resolve) => writer!.once('exit', resolve))
    writer.stdin?.end()
    await exited
  }
  writer = undefined
  await db?.destroy()
  db = undefined
})

async function seededDatabase() {
  const work = await makeWorkdir()
  const env = testEnv(work)
  const file = loadConfig(env).databaseFile
  db = await createDb({ file })
  for (let i = 0; i < 30; i++) await appendAudit(db, { at: new Date(), actor: `agent${i}`, action: 'suggestion.sent', subjectType: 'suggestion', subjectId: String(i) })
  // Some bulk so the copy is not instant: ~2 MB of messages.
  const at = new Date().toISOString()
  for (let chunk = 0; chunk < 40; chunk++) {
    await db.insertInto('messages').values(Array.from({ length: 100 }, (_, i) => ({
      id: `seed:${chunk * 100 + i}`, channel: 'test', group_id: 'g1', group_name: '测试群', sender_id: 's1', sender_name: '张三', text: `种子消息 ${i} ${'z'.repeat(400)}`,
      question: '', mentions_bot: 0, from_self: 0, sent_at: at, received_at: at, status: 'handled' as const,
    }))).execute()
  }
  return { work, env, file, db }
}

const writerPairs = async (source: Db) => Number((await source.selectFrom('messages').select((eb) => eb.fn.countAll().as('n')).where('id', 'like', 'w:%').executeTakeFirstOrThrow()).n) / 2

function openBackup(file: string) {
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true })
  return { sqlite, db: new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }) }
}

// SQLite's online backup; on PostgreSQL the command points to pg_dump (tested in postgres-storage.test.ts).
describe.skipIf(onPostgres())('qundesk backup', () => {
  it('copies the database while another process writes to it: the copy passes integrity_check and the audit chain and holds a consistent prefix', async () => {
    const { work, env, file, db: source } = await seededDatabase()
    writer = spawn(process.execPath, ['--input-type=module', '-e', WRITER, path.join(ROOT, 'package.json'), file], { stdio: ['pipe', 'inherit', 'inherit'] })
    await waitFor(async () => (await writerPairs(source)) >= 200)
    // Audit entries keep coming from this process too, while the backup runs. With two writing processes a
    // transaction that read before the other committed gets SQLITE_BUSY (QunDesk alone never does): try again.
    let auditing = true
    const auditor = (async () => {
      for (let i = 0; auditing; i++) {
        await appendAudit(source, { at: new Date(), actor: 'agent', action: 'suggestion.sent', subjectType: 'suggestion', subjectId: `live-${i}` })
          .catch((error: { code?: string }) => { if (!error.code?.startsWith('SQLITE_BUSY')) throw error })
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()

    const target = path.join(work.dir, 'backups', 'qundesk-backup.sqlite')
    fs.mkdirSync(path.dirname(target))
    const before = await writerPairs(source)
    const result = await run(['backup', target], env)
    const after = await writerPairs(source)
    auditing = false
    await auditor
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout).toContain('校验通过：integrity_check ok')
    expect(result.stdout).toMatch(/^ {2}messages\s+[\d,]+$/m)
    expect(result.stdout).toMatch(/^ {2}audit_log\s+[\d,]+$/m)
    // The writer went on during the backup.
    expect(after).toBeGreaterThan(before)

    // A single self-contained file, nothing left behind.
    expect(fs.existsSync(target)).toBe(true)
    for (const extra of ['.partial', '-wal', '-shm', '-journal']) expect(fs.existsSync(`${target}${extra}`), extra).toBe(false)

    const backup = openBackup(target)
    try {
      expect(backup.sqlite.pragma('integrity_check', { simple: true })).toBe('ok')
      const chain = await verifyChain(iterateAudit(backup.db))
      expect(chain).toMatchObject({ ok: true })
      expect(chain.entries).toBeGreaterThanOrEqual(30)
      // Consistent prefix: every seed row, and the writer's pairs 1..n complete and without gaps, n between the
      // counts seen just before and just after the backup.
      const ids = (backup.sqlite.prepare("SELECT id FROM messages WHERE id LIKE 'w:%'").all() as Array<{ id: string }>).map((r) => r.id)
      const n = ids.length / 2
      expect(Number.isInteger(n)).toBe(true)
      expect(n).toBeGreaterThanOrEqual(before)
      expect(n).toBeLessThanOrEqual(after)
      expect(new Set(ids)).toEqual(new Set(Array.from({ length: n }, (_, i) => [`w:${i + 1}:a`, `w:${i + 1}:b`]).flat()))
      expect(backup.sqlite.prepare("SELECT count(*) AS c FROM messages WHERE id LIKE 'seed:%'").get()).toEqual({ c: 4000 })
      // The audit entries are the source's first entries, unchanged.
      const copied = await backup.db.selectFrom('audit_log').select(['id', 'hash']).orderBy('id').execute()
      const original = await source.selectFrom('audit_log').select(['id', 'hash']).orderBy('id').limit(copied.length).execute()
      expect(copied).toEqual(original)
    } finally {
      await backup.db.destroy()
    }

    // Restoring as the README says (copy over qundesk.sqlite, no -wal/-shm) gives a database QunDesk opens and verifies.
    const restored = await makeWorkdir()
    fs.mkdirSync(restored.dataDir, { recursive: true })
    fs.copyFileSync(target, path.join(restored.dataDir, 'qundesk.sqlite'))
    const reopened = await createDb({ file: path.join(restored.dataDir, 'qundesk.sqlite') })
    await reopened.destroy()
    expect(await run(['audit', 'verify'], testEnv(restored))).toMatchObject({ code: 0 })
  })

  it('keeps an existing file unless --force, then replaces it', async () => {
    const { work, env } = await seededDatabase()
    const target = path.join(work.dir, 'existing.sqlite')
    fs.writeFileSync(target, 'keep me')
    const refused = await run(['backup', 'existing.sqlite'], env, work.dir)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe('existing.sqlite 已存在，未覆盖：换一个文件名，或加 --force 覆盖它')
    expect(fs.readFileSync(target, 'utf8')).toBe('keep me')

    const forced = await run(['backup', 'existing.sqlite', '--force'], env, work.dir)
    expect(forced.code).toBe(0)
    const backup = openBackup(target)
    expect(backup.sqlite.prepare('SELECT count(*) AS c FROM audit_log').get()).toEqual({ c: 30 })
    await backup.db.destroy()
  })

  it('exits 1 naming the altered audit entry, and writes no FILE when the copy fails its checks', async () => {
    const { work, env, db: source } = await seededDatabase()
    await source.updateTable('audit_log').set({ actor: '别人' }).where('id', '=', 12).execute()
    const target = path.join(work.dir, 'tampered.sqlite')
    const result = await run(['backup', target], env)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`备份未通过校验，没有写入 ${target}`)
    expect(result.stderr).toContain('审计日志哈希链在第 12 条记录处断开')
    expect(fs.existsSync(target)).toBe(false)
    expect(fs.existsSync(`${target}.partial`)).toBe(true)
  })

  it('refuses the database itself, a missing folder, a missing database and a missing FILE argument', async () => {
    const { work, env, file } = await seededDatabase()
    expect(await run(['backup', file, '--force'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('不能备份到数据库文件自身') })
    expect(await run(['backup', path.join(work.dir, 'nope', 'x.sqlite')], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('不存在：请先创建它') })
    expect(await run(['backup', work.dir], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('是一个目录') })
    const empty = await makeWorkdir()
    expect(await run(['backup', path.join(empty.dir, 'x.sqlite')], testEnv(empty))).toMatchObject({ code: 1, stderr: expect.stringContaining('没有可备份的数据库') })
    expect(await run(['backup'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('backup needs a file') })
  })
})
