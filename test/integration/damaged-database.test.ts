import fs from 'node:fs'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.js'
import { cachedDatabaseCheck, checkDatabase } from '../../src/storage/database-check.js'
import { openDb } from '../../src/storage/create-db.js'
import type { Database } from '../../src/storage/schema.js'
import { onPostgres } from '../support/test-database.js'
import { makeWorkdir, startTestApp, testEnv } from './test-context.js'

/** A database of ~4 MB of messages, closed (checkpointed into the one file). */
async function bigDatabase() {
  const work = await makeWorkdir()
  const file = loadConfig(testEnv(work)).databaseFile
  const db = await openDb(loadConfig(testEnv(work)))
  const at = new Date().toISOString()
  for (let chunk = 0; chunk < 80; chunk++) {
    await db.insertInto('messages').values(Array.from({ length: 100 }, (_, i) => ({
      id: `seed:${chunk * 100 + i}`, channel: 'test', group_id: 'g1', group_name: '测试群', sender_id: 's1', sender_name: '张三', text: `种子消息 ${i} ${'z'.repeat(400)}`,
      question: '', mentions_bot: 0, from_self: 0, sent_at: at, received_at: at, status: 'handled' as const,
    }))).execute()
  }
  await db.destroy()
  return { work, file }
}

/** Garbage over 512 KB in the middle of the file: the header and the schema at the start stay intact. */
function damageMiddle(file: string) {
  const size = fs.statSync(file).size
  expect(size).toBeGreaterThan(3 * 1024 * 1024)
  const fd = fs.openSync(file, 'r+')
  fs.writeSync(fd, Buffer.alloc(512 * 1024, 'garbage!'), 0, 512 * 1024, Math.floor(size / 2))
  fs.closeSync(fd)
}

// SQLite's own file; PostgreSQL checks its pages itself.
describe.skipIf(onPostgres())('a damaged SQLite file', () => {
  it('is refused at start with the file named and the restore steps', async () => {
    const { work, file } = await bigDatabase()
    await (await startTestApp(work)).stop()
    damageMiddle(file)
    const started = startTestApp(work)
    await expect(started).rejects.toThrow(file)
    await expect(started).rejects.toThrow(/数据库文件已损坏[\s\S]*refuses to start[\s\S]*备份与恢复[\s\S]*-wal/)
  })

  it('shows in the health check, rerun at most every interval', async () => {
    const { file } = await bigDatabase()
    const sqlite = new SQLite(file)
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
    try {
      let now = 0
      const check = cachedDatabaseCheck(db, 1000, () => now)
      expect(await check()).toEqual({ ok: true, problems: [] })
      damageMiddle(file)
      expect((await check()).ok).toBe(true) // cached
      now = 1000
      sqlite.pragma('cache_size = 0') // read the file again, not the pages cached by the first check
      const damaged = await check()
      expect(damaged.ok).toBe(false)
      expect(damaged.problems.length).toBeGreaterThan(0)
      expect(await checkDatabase(db)).toEqual(damaged)
    } finally {
      await db.destroy()
    }
  })
})
