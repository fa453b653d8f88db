import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Db } from '../../../src/storage/create-db.js'
import { upsertJoin } from '../../../src/storage/group-member.repository.js'
import { listMemberActivity } from '../../../src/storage/member-metrics.repository.js'
import { insertMessageOnce } from '../../../src/storage/message.repository.js'
import { insertSuggestion } from '../../../src/storage/suggestion.repository.js'
import { createTestDb } from '../../support/test-database.js'

const NOW = new Date('2026-11-23T12:00:00.000Z')
const daysAgo = (d: number, hour = 0) => new Date(NOW.getTime() - d * 86_400_000 - hour * 3_600_000).toISOString()
let db: Db
let n = 0

async function member(groupId: string, memberId: string, joinedDaysAgo: number) {
  await upsertJoin(db, { channel: 'test', groupId, groupName: groupId, memberId, memberName: memberId, joinedAt: daysAgo(joinedDaysAgo), estimated: false, source: 'event', now: NOW.toISOString() })
}
async function message(groupId: string, senderId: string, ago: number, options: { mention?: boolean; emotion?: string; self?: boolean } = {}) {
  const id = `m${++n}`
  await insertMessageOnce(db, { id, channel: 'test', group_id: groupId, group_name: groupId, sender_id: senderId, sender_name: senderId, text: 't', question: 't', mentions_bot: options.mention ? 1 : 0, from_self: options.self ? 1 : 0, sent_at: daysAgo(ago), received_at: daysAgo(ago), status: 'handled', emotion_severity: options.emotion ?? 'none', emotion_score: 0 })
  return id
}

beforeEach(async () => {
  db = await createTestDb()
})
afterEach(async () => db.destroy())

describe('listMemberActivity (set-based metrics)', () => {
  it('counts messages and mentions in rolling windows, the previous 30 days, active days and last activity', async () => {
    await member('g1', 'alice', 200)
    for (const ago of [1, 2, 2, 10, 40, 45, 100]) await message('g1', 'alice', ago)
    await message('g1', 'alice', 3, { mention: true, emotion: 'severe' })
    await message('g1', 'alice', 20, { mention: true, emotion: 'mild' })
    await message('g1', 'bot', 1, { self: true })
    const [row] = await listMemberActivity(db, { now: NOW })
    expect(row).toMatchObject({
      group_id: 'g1', member_id: 'alice',
      messages_7d: 4, messages_30d: 6, messages_90d: 8, messages_prev_30d: 2,
      mentions_7d: 1, mentions_30d: 2, mentions_90d: 2,
      active_days_30d: 5, last_active_at: daysAgo(1),
      negative_messages_30d: 2, severe_messages_30d: 1,
    })
  })

  it('keeps groups apart, includes silent members with zeros, and counts questions and unanswered ones', async () => {
    await member('g1', 'alice', 10)
    await member('g2', 'alice', 10)
    await member('g1', 'bob', 5)
    const msgId = await message('g1', 'alice', 1, { mention: true })
    const base = { group_id: 'g1', group_name: 'g1', member_id: 'alice', member_name: 'alice', question: 'q', intent_id: null, score: null, text: null, status: 'pending' as const, created_at: daysAgo(1), asked_at: daysAgo(1) }
    await insertSuggestion(db, { ...base, message_id: msgId, kind: 'needs_human' })
    const rows = await listMemberActivity(db, { now: NOW })
    expect(rows.map((r) => [r.group_id, r.member_id, r.messages_30d, r.questions_30d, r.unanswered_30d, r.escalations_30d])).toEqual([
      ['g1', 'alice', 1, 1, 1, 0],
      ['g1', 'bob', 0, 0, 0, 0],
      ['g2', 'alice', 0, 0, 0, 0],
    ])
    expect(rows[1]!.last_active_at).toBeNull()
  })

  it('counts as escalations only what the customer asked for or plainly needed, not unanswered questions or slow agents', async () => {
    await member('g1', 'alice', 10)
    const ask = async (kind: 'answer' | 'needs_human', escalation_reason: 'keyword' | 'emotion' | 'intent' | 'misses' | 'sla' | null, ago = 1) => {
      const message_id = await message('g1', 'alice', ago, { mention: true })
      await insertSuggestion(db, { message_id, group_id: 'g1', group_name: 'g1', member_id: 'alice', member_name: 'alice', question: 'q', intent_id: null, score: null, text: null, status: 'pending', created_at: daysAgo(ago), asked_at: daysAgo(ago), kind, escalation_reason })
    }
    await ask('needs_human', 'keyword') // 转人工
    await ask('answer', 'intent') // a complaint intent
    await ask('needs_human', 'emotion')
    await ask('needs_human', 'misses')
    await ask('needs_human', 'keyword', 40) // outside the window
    await ask('needs_human', null) // no answer in the knowledge
    await ask('needs_human', null)
    await ask('needs_human', 'sla') // unanswered, then the agents were slow
    await ask('answer', 'sla') // a drafted answer nobody sent in time
    const [row] = await listMemberActivity(db, { now: NOW })
    expect(row).toMatchObject({ questions_30d: 8, escalations_30d: 4, unanswered_30d: 3, sla_overruns_30d: 2 })
  })

  it('narrows to one member (the incremental re-tag after a message)', async () => {
    await member('g1', 'alice', 10)
    await member('g1', 'bob', 10)
    await message('g1', 'bob', 1)
    const rows = await listMemberActivity(db, { now: NOW, memberId: 'bob' })
    expect(rows.map((r) => [r.member_id, r.messages_7d])).toEqual([['bob', 1]])
  })
})
