import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli.js'
import type { CliIo } from '../../src/cli/cli-io.js'
import { loadConfig } from '../../src/config/load-config.js'
import { newContentKeyEntry } from '../../src/storage/content-cipher.js'
import { openDb } from '../../src/storage/create-db.js'
import { upsertJoin } from '../../src/storage/group-member.repository.js'
import { insertMessageOnce } from '../../src/storage/message.repository.js'
import { onPostgres } from '../support/test-database.js'
import { makeWorkdir, startTestApp, testEnv } from './test-context.js'

async function run(args: string[], env: Record<string, string | undefined>, cwd: string) {
  const err: string[] = []
  const io: CliIo = { stdout: () => undefined, stderr: (t) => err.push(t), env, cwd }
  return { code: await runCli(args, io), stderr: err.join('\n') }
}

const QUESTION_MARKER = 'QMARK-5d1e9b-parcel-question'
const NAME_MARKER = 'NMARK7c2f'

/** Whether any of the files (those that exist) holds the marker, as raw bytes (ASCII, so no encoding games). */
function bytesHold(files: string[], marker: string): string[] {
  return files.filter((f) => fs.existsSync(f) && fs.readFileSync(f).includes(Buffer.from(marker)))
}

/** A member with a marker name and question among enough other rows that pages are shared, written by `openDb`. */
async function seeded(env: Record<string, string | undefined>) {
  const db = await openDb(loadConfig(env))
  const now = new Date().toISOString()
  await upsertJoin(db, { channel: 'test', groupId: 'g1@chatroom', groupName: 'VIP客户群', memberId: 'wxid_marked', memberName: NAME_MARKER, joinedAt: now, estimated: false, source: 'event', now })
  for (let i = 0; i < 200; i++) {
    const marked = i === 100
    // The marker first, then bulk: a shorter row written into the freed space would cover only its tail.
    const text = marked ? `${QUESTION_MARKER} 我的快递到哪了 ${'z'.repeat(1500)}` : `别人的问题 ${i} ${'x'.repeat(200)}`
    await insertMessageOnce(db, {
      id: `test:${i}`, channel: 'test', group_id: 'g1@chatroom', group_name: 'VIP客户群', sender_id: marked ? 'wxid_marked' : `wxid_other${i}`,
      sender_name: marked ? NAME_MARKER : `其他人${i}`, text, question: text, mentions_bot: 1, from_self: 0, sent_at: now, received_at: now, status: 'handled',
    })
  }
  await db.destroy()
}

// Raw SQLite bytes; on PostgreSQL dead tuples stay until VACUUM (README「删除成员」).
describe.skipIf(onPostgres())('erased content is gone from the database file, its WAL and later backups', () => {
  it('members delete overwrites the erased question and name', async () => {
    const work = await makeWorkdir()
    const env = testEnv(work)
    const file = loadConfig(env).databaseFile
    const files = [file, `${file}-wal`]
    await seeded(env)
    expect(bytesHold(files, QUESTION_MARKER)).not.toEqual([])
    expect(bytesHold(files, NAME_MARKER)).not.toEqual([])

    expect(await run(['members', 'delete', 'wxid_marked', '--yes'], env, work.dir)).toMatchObject({ code: 0 })
    expect(bytesHold(files, QUESTION_MARKER)).toEqual([])
    expect(bytesHold(files, NAME_MARKER)).toEqual([])

    const backup = path.join(work.dir, 'after-erasure.sqlite')
    expect((await run(['backup', backup], env, work.dir)).code).toBe(0)
    expect(bytesHold([backup], QUESTION_MARKER)).toEqual([])
    expect(bytesHold([backup], NAME_MARKER)).toEqual([])
  })

  it('also while QunDesk runs and keeps the -wal open', async () => {
    const work = await makeWorkdir()
    const env = testEnv(work)
    const file = loadConfig(env).databaseFile
    await seeded(env)
    const app = await startTestApp(work)
    try {
      expect(await run(['members', 'delete', 'wxid_marked', '--yes'], env, work.dir)).toMatchObject({ code: 0 })
      expect(fs.existsSync(`${file}-wal`)).toBe(true)
      expect(bytesHold([file, `${file}-wal`], QUESTION_MARKER)).toEqual([])
      expect(bytesHold([file, `${file}-wal`], NAME_MARKER)).toEqual([])
    } finally {
      await app.stop()
    }
  })

  it('content-key rotate leaves no plaintext behind', async () => {
    const work = await makeWorkdir()
    const file = loadConfig(testEnv(work)).databaseFile
    await seeded(testEnv(work))
    expect(bytesHold([file, `${file}-wal`], QUESTION_MARKER)).not.toEqual([])

    const keyed = testEnv(work, { QUNDESK_CONTENT_KEYS: newContentKeyEntry('k1') })
    const rotated = await run(['content-key', 'rotate'], keyed, work.dir)
    expect(rotated, rotated.stderr).toMatchObject({ code: 0 })
    expect(bytesHold([file, `${file}-wal`], QUESTION_MARKER)).toEqual([])
  })
})
