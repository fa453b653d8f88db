import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { createContentCipher, SEALED_PREFIX, type ContentKey } from '../../../src/storage/content-cipher.js'
import { countContentByKey, resealContent } from '../../../src/storage/content-reseal.repository.js'
import { createDb, type Db } from '../../../src/storage/create-db.js'
import { insertMessageOnce } from '../../../src/storage/message.repository.js'
import { insertOutboxRow } from '../../../src/storage/outbox.repository.js'
import { openSlotRequest } from '../../../src/storage/slot-request.repository.js'
import { insertWecomCallback } from '../../../src/storage/wecom-callback.repository.js'
import { freshDatabaseUrl } from '../../support/test-database.js'

const K1: ContentKey = { id: 'k1', key: crypto.randomBytes(32) }
const K2: ContentKey = { id: 'k2', key: crypto.randomBytes(32) }
const NOW = '2026-11-23T10:00:00.000Z'
const open: Db[] = []

/** A database that can be opened again: a SQLite file, or a PostgreSQL database when the run is on PostgreSQL. */
async function dbFile(): Promise<{ file: string } | { url: string }> {
  const url = await freshDatabaseUrl()
  return url ? { url } : { file: path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'qundesk-sealing-')), 'qundesk.sqlite') }
}

async function openWith(target: { file: string } | { url: string }, keys?: { active: string | null; keys: ContentKey[] }): Promise<Db> {
  const db = await createDb({ ...target, ...(keys ? { contentKeys: keys } : {}) })
  open.push(db)
  return db
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.destroy()))
})

const message = (id: string, text: string) => ({
  id, channel: 'test', group_id: 'g1', group_name: 'VIP客户群', sender_id: 'wxid_zhang', sender_name: '张三', text, question: text,
  mentions_bot: 1, from_self: 0, sent_at: NOW, received_at: NOW, status: 'received' as const,
})

describe('content sealing on the database', () => {
  it('stores message, outbox, follow-up and WeCom content sealed and reads it back plain; names and ids stay plain', async () => {
    const file = await dbFile()
    const db = await openWith(file, { active: 'k1', keys: [K1] })
    await insertMessageOnce(db, message('m1', '我的快递到哪了 13812345678'))
    await insertOutboxRow(db, { source: 'suggestion:1', group_id: 'g1', text: '您好，订单 DD001 已发货', mention_member_id: 'wxid_zhang', mention_member_name: '张三', reply_to_message_id: 'm1', actor: 'agent', status: 'queued', attempts: 0, next_attempt_at: NOW, created_at: NOW })
    await openSlotRequest(db, { messageId: 'm1', groupId: 'g1', memberId: 'wxid_zhang', intentId: 'order', question: '订单号是多少？', slots: ['order_id'], askedAt: NOW, expiresAt: NOW, match: { score: 0.7, confident: true } })
    await insertWecomCallback(db, { kind: 'aibot', dedupeKey: 'x1', payload: '{"text":{"content":"退款"}}', receivedAt: NOW })

    const raw = db.withoutPlugins()
    const stored = await raw.selectFrom('messages').selectAll().executeTakeFirstOrThrow()
    expect(stored.text.startsWith(`${SEALED_PREFIX}k1:`)).toBe(true)
    expect(stored.question.startsWith(`${SEALED_PREFIX}k1:`)).toBe(true)
    expect(stored.sender_name).toBe('张三')
    expect((await raw.selectFrom('outbox').select(['text', 'mention_member_name']).executeTakeFirstOrThrow())).toMatchObject({ text: expect.stringMatching(/^qdenc1:k1:/), mention_member_name: '张三' })
    expect((await raw.selectFrom('slot_requests').select('question').executeTakeFirstOrThrow()).question).toMatch(/^qdenc1:k1:/)
    expect((await raw.selectFrom('wecom_callbacks').select('payload').executeTakeFirstOrThrow()).payload).toMatch(/^qdenc1:k1:/)

    expect(await db.selectFrom('messages').select(['text', 'question']).executeTakeFirst()).toEqual({ text: '我的快递到哪了 13812345678', question: '我的快递到哪了 13812345678' })
    expect((await db.selectFrom('outbox').select('text').executeTakeFirstOrThrow()).text).toBe('您好，订单 DD001 已发货')
    expect((await db.selectFrom('wecom_callbacks').select('payload').executeTakeFirstOrThrow()).payload).toBe('{"text":{"content":"退款"}}')

    // The SQLite file itself holds none of the words.
    if ('file' in file) {
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(raw)
      const bytes = await fs.readFile(file.file)
      for (const secret of ['快递到哪', '13812345678', 'DD001', '订单号是多少', '退款']) expect(bytes.includes(Buffer.from(secret))).toBe(false)
    }
  })

  it('seals values in multi-row inserts, updates and upserts, and leaves the empty string (purged) plain', async () => {
    const db = await openWith(await dbFile(), { active: 'k1', keys: [K1] })
    await db.insertInto('messages').values([message('m1', '第一条'), message('m2', '第二条')]).execute()
    await db.updateTable('messages').set({ text: '改过的' }).where('id', '=', 'm1').execute()
    await db.insertInto('messages').values(message('m2', '不会写入')).onConflict((oc) => oc.column('id').doUpdateSet({ question: '冲突后更新' })).execute()
    await db.updateTable('messages').set({ question: '' }).where('id', '=', 'm1').execute()

    const raw = await db.withoutPlugins().selectFrom('messages').select(['id', 'text', 'question']).orderBy('id').execute()
    expect(raw.map((r) => [r.text.slice(0, 10), r.question.slice(0, 10)])).toEqual([['qdenc1:k1:', ''], ['qdenc1:k1:', 'qdenc1:k1:']])
    expect(await db.selectFrom('messages').select(['id', 'text', 'question']).orderBy('id').execute()).toEqual([
      { id: 'm1', text: '改过的', question: '' },
      { id: 'm2', text: '第二条', question: '冲突后更新' },
    ])
  })

  it('refuses to open with a wrong key under a known id, or without a key content is sealed with', async () => {
    const file = await dbFile()
    const db = await openWith(file, { active: 'k1', keys: [K1] })
    await insertMessageOnce(db, message('m1', '你好'))
    await db.destroy()
    open.length = 0
    await expect(createDb({ ...file, contentKeys: { active: 'k1', keys: [{ id: 'k1', key: crypto.randomBytes(32) }] } })).rejects.toThrow(/key "k1" is not the key this database's content was encrypted with/)
    await expect(createDb({ ...file, contentKeys: { active: 'k2', keys: [K2] } })).rejects.toThrow(/encrypted with key "k1", which QUNDESK_CONTENT_KEYS does not list/)
    await expect(createDb(file)).rejects.toThrow(/QUNDESK_CONTENT_KEYS does not list/)
  })

  it('rotates: content under the old key and plain content is rewritten under the new key; a repeat rewrites nothing', async () => {
    const file = await dbFile()
    const plain = await openWith(file)
    await insertMessageOnce(plain, message('m0', '加密之前的消息'))
    await plain.destroy()
    open.length = 0
    const first = await openWith(file, { active: 'k1', keys: [K1] })
    for (let i = 1; i <= 2100; i++) await insertMessageOnce(first, message(`m${String(i).padStart(4, '0')}`, `消息 ${i}`))
    await first.destroy()
    open.length = 0

    const db = await openWith(file, { active: 'k2', keys: [K2, K1] })
    const cipher = createContentCipher('k2', [K2, K1])
    expect(await countContentByKey(db, ['k2', 'k1'])).toContainEqual({ table: 'messages', column: 'text', plain: 1, sealed: { k2: 0, k1: 2100 } })
    expect(await resealContent(db, cipher)).toEqual({ rewritten: 2 * 2101, skipped: 0 })
    expect(await countContentByKey(db, ['k2', 'k1'])).toContainEqual({ table: 'messages', column: 'text', plain: 0, sealed: { k2: 2101, k1: 0 } })
    expect(await resealContent(db, cipher)).toEqual({ rewritten: 0, skipped: 0 })
    expect((await db.selectFrom('messages').select('text').where('id', '=', 'm0').executeTakeFirstOrThrow()).text).toBe('加密之前的消息')
    expect((await db.selectFrom('messages').select('text').where('id', '=', 'm2100').executeTakeFirstOrThrow()).text).toBe('消息 2100')
  })

  it('turns encryption off: with plaintext first, rotation opens every sealed value', async () => {
    const file = await dbFile()
    const db = await openWith(file, { active: 'k1', keys: [K1] })
    await insertMessageOnce(db, message('m1', '你好'))
    const off = createContentCipher(null, [K1])
    expect(await resealContent(db, off)).toEqual({ rewritten: 2, skipped: 0 })
    expect(await db.withoutPlugins().selectFrom('messages').select('text').executeTakeFirstOrThrow()).toEqual({ text: '你好' })
  })
})
