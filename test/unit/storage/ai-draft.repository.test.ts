import crypto from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SEALED_PREFIX } from '../../../src/storage/content-cipher.js'
import { fillAiDraft } from '../../../src/storage/ai-draft.repository.js'
import type { Db } from '../../../src/storage/create-db.js'
import { insertMessageOnce } from '../../../src/storage/message.repository.js'
import { insertSuggestion } from '../../../src/storage/suggestion.repository.js'
import { createTestDb } from '../../support/test-database.js'

let db: Db
beforeEach(async () => { db = await createTestDb() })
afterEach(async () => { await db.destroy() })

const SINCE = '2026-12-03T01:55:00.000Z'
const draft = { text: '可以重新开票。', intentIds: ['invoice.issue'] }

async function waiting(over: Record<string, unknown> = {}): Promise<number> {
  const messageId = `m${Math.random()}`
  await insertMessageOnce(db, {
    id: messageId, channel: 'wechaty', group_id: 'g1', group_name: 'VIP客户群', sender_id: 'c1', sender_name: '张三', text: '发票抬头开错了怎么办', question: '发票抬头开错了怎么办',
    mentions_bot: 1, from_self: 0, sent_at: SINCE, received_at: SINCE, status: 'handled', handled_at: SINCE, error: null, emotion_severity: null, emotion_score: null,
  })
  const row = await insertSuggestion(db, {
    message_id: messageId, group_id: 'g1', group_name: 'VIP客户群', member_id: 'c1', member_name: '张三', question: '发票抬头开错了怎么办',
    kind: 'needs_human', intent_id: null, score: 0.38, text: null, status: 'pending', created_at: SINCE, asked_at: SINCE,
    emotion_severity: null, escalation_reason: null, escalation_detail: null,
  })
  if (Object.keys(over).length > 0) await db.updateTable('suggestions').set(over).where('id', '=', row.id).execute()
  return row.id
}

const read = (id: number) => db.selectFrom('suggestions').select(['text', 'ai_draft_intents', 'version']).where('id', '=', id).executeTakeFirstOrThrow()

describe('fillAiDraft', () => {
  it('fills a waiting item with no draft, marks it and moves its version on', async () => {
    const id = await waiting()
    expect(await fillAiDraft(db, id, draft)).toBe(true)
    expect(await read(id)).toEqual({ text: '可以重新开票。', ai_draft_intents: '["invoice.issue"]', version: 2 })
  })

  it.each([
    ['it was decided', { status: 'rejected' }],
    ['it has a draft already (an agent\'s, an intent fix\'s)', { text: '坐席写的' }],
  ])('writes nothing when %s', async (_why, over) => {
    const id = await waiting(over)
    const before = await read(id)
    expect(await fillAiDraft(db, id, draft)).toBe(false)
    expect(await read(id)).toEqual(before)
  })

  it.each([
    ['an agent has it open (claim in force): the draft is for them', { claimed_by: '小王', claimed_at: '2026-12-03T01:59:00.000Z' }],
    ['its claim expired (the agent walked away)', { claimed_by: '小王', claimed_at: '2026-12-03T01:00:00.000Z' }],
    ['its version moved on without a draft (an escalation)', { version: 2 }],
  ])('fills it when %s', async (_why, over) => {
    const id = await waiting(over)
    expect(await fillAiDraft(db, id, draft)).toBe(true)
    expect((await read(id)).text).toBe('可以重新开票。')
  })

  it('seals the draft like any draft when content encryption is on (it is what the bot would say to a customer)', async () => {
    await db.destroy()
    db = await createTestDb({ contentKeys: { active: 'k1', keys: [{ id: 'k1', key: crypto.randomBytes(32) }] } })
    const id = await waiting()
    expect(await fillAiDraft(db, id, draft)).toBe(true)
    expect((await read(id)).text).toBe('可以重新开票。')
    const raw = await db.withoutPlugins().selectFrom('suggestions').select(['text', 'ai_draft_intents']).where('id', '=', id).executeTakeFirstOrThrow()
    expect(raw.text!.startsWith(SEALED_PREFIX)).toBe(true)
    expect(raw.ai_draft_intents).toBe('["invoice.issue"]')
  })
})
