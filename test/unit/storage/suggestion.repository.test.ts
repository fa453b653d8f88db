import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import type { Db } from '../../../src/storage/create-db.js'
import { newContentKeyEntry, parseContentKeys, SEALED_PREFIX } from '../../../src/storage/content-cipher.js'
import { insertMessageOnce } from '../../../src/storage/message.repository.js'
import { insertSuggestion } from '../../../src/storage/suggestion.repository.js'
import { createTestDb } from '../../support/test-database.js'

let db: Db | undefined
afterEach(async () => { await db?.destroy(); db = undefined })

const AT = '2026-12-03T01:55:00.000Z'

async function withMessage(d: Db, id: string): Promise<void> {
  await insertMessageOnce(d, {
    id, channel: 'wechaty', group_id: 'g1', group_name: 'VIP客户群', sender_id: 'c1', sender_name: '张三', text: '发票抬头开错了怎么办', question: '发票抬头开错了怎么办',
    mentions_bot: 1, from_self: 0, sent_at: AT, received_at: AT, status: 'received', handled_at: null, error: null, emotion_severity: null, emotion_score: null,
  })
}

const suggestionFor = (messageId: string, text: string) => ({
  message_id: messageId, group_id: 'g1', group_name: 'VIP客户群', member_id: 'c1', member_name: '张三', question: '发票抬头开错了怎么办',
  kind: 'answer' as const, intent_id: 'invoice.issue', score: 0.9, text, status: 'pending' as const, created_at: AT, asked_at: AT,
  emotion_severity: null, escalation_reason: null, escalation_detail: null,
})

describe('insertSuggestion', () => {
  it('returns the stored row, and for a message that has its suggestion already, that one unchanged', async () => {
    db = await createTestDb()
    await withMessage(db, 'm1')
    const first = await insertSuggestion(db, suggestionFor('m1', '可以重新开票。'))
    expect(first).toMatchObject({ message_id: 'm1', text: '可以重新开票。', status: 'pending', version: 1 })
    const again = await insertSuggestion(db, suggestionFor('m1', '另一个答案'))
    expect(again).toEqual(first)
    expect(await db.selectFrom('suggestions').select('id').execute()).toHaveLength(1)
  })

  it('stores each row with its own columns and values when its SQL is reused (rows with and without optional columns)', async () => {
    db = await createTestDb()
    for (const id of ['m1', 'm2', 'm3']) await withMessage(db, id)
    const a = await insertSuggestion(db, suggestionFor('m1', '答案一'))
    const { intent_id: _omitted, ...withoutIntent } = suggestionFor('m2', '答案二')
    const b = await insertSuggestion(db, withoutIntent)
    const c = await insertSuggestion(db, { ...suggestionFor('m3', '答案三'), score: 0.4, escalation_reason: 'keyword' })
    expect([a, b, c].map((r) => [r.message_id, r.text, r.intent_id, r.score, r.escalation_reason])).toEqual([
      ['m1', '答案一', 'invoice.issue', 0.9, null], ['m2', '答案二', null, 0.9, null], ['m3', '答案三', 'invoice.issue', 0.4, 'keyword'],
    ])
    expect(await db.selectFrom('suggestions').selectAll().orderBy('id').execute()).toEqual([a, b, c])
  })

  it('returns plain text with content sealing on, as a read would', async () => {
    const { active, keys } = parseContentKeys(newContentKeyEntry('k1'))
    db = await createTestDb({ contentKeys: { active, keys } })
    await withMessage(db, 'm1')
    const row = await insertSuggestion(db, suggestionFor('m1', '可以重新开票。'))
    expect(row).toMatchObject({ text: '可以重新开票。', question: '发票抬头开错了怎么办' })
    const stored = await db.selectFrom('suggestions').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow()
    expect(stored).toEqual(row)
    const { rows } = await sql<{ text: string }>`SELECT text FROM suggestions`.execute(db.withoutPlugins())
    expect(rows[0]?.text.startsWith(SEALED_PREFIX)).toBe(true)
  })
})
