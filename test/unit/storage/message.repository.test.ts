import { afterEach, describe, expect, it } from 'vitest'
import type { Db } from '../../../src/storage/create-db.js'
import { insertMessageOnce, insertMessagesOnce, markMessage } from '../../../src/storage/message.repository.js'
import type { NewMessageRow } from '../../../src/storage/schema.js'
import { createTestDb } from '../../support/test-database.js'

let db: Db | undefined
afterEach(async () => { await db?.destroy(); db = undefined })

const AT = '2026-12-03T01:55:00.000Z'
const row = (id: string, text = `问题 ${id}`, extra: Partial<NewMessageRow> = {}): NewMessageRow => ({
  id, channel: 'wechaty', group_id: 'g1', group_name: 'VIP客户群', sender_id: 'c1', sender_name: '张三', text, question: text,
  mentions_bot: 1, from_self: 0, sent_at: AT, received_at: AT, status: 'received', ...extra,
})

describe('insertMessagesOnce', () => {
  it('stores each new row and says per row whether it was inserted: an id stored before, or twice in the batch, counts once', async () => {
    db = await createTestDb()
    await insertMessageOnce(db, row('old', '早就存了'))
    const inserted = await insertMessagesOnce(db, [row('a'), row('old', '重发'), row('b'), row('a', '同批重发')])
    expect(inserted).toEqual([true, false, true, false])
    const stored = await db.selectFrom('messages').select(['id', 'text']).orderBy('id').execute()
    expect(stored).toEqual([{ id: 'a', text: '问题 a' }, { id: 'b', text: '问题 b' }, { id: 'old', text: '早就存了' }])
  })

  it('stores rows with different optional columns (an instance id, a cut text) in one call', async () => {
    db = await createTestDb()
    const inserted = await insertMessagesOnce(db, [row('a'), row('b', '很长', { text_original_length: 9000 }), row('c', '别的实例', { instance_id: 'x' })])
    expect(inserted).toEqual([true, true, true])
    const stored = await db.selectFrom('messages').select(['id', 'text_original_length', 'instance_id']).orderBy('id').execute()
    expect(stored).toEqual([
      { id: 'a', text_original_length: null, instance_id: null },
      { id: 'b', text_original_length: 9000, instance_id: null },
      { id: 'c', text_original_length: null, instance_id: 'x' },
    ])
  })
})

describe('markMessage', () => {
  it('records the outcome, the failure and the emotion of the message it names, and of no other (its SQL is reused)', async () => {
    db = await createTestDb()
    await insertMessagesOnce(db, [row('a'), row('b'), row('c')])
    let built = 0
    const counted = db.withPlugin({ transformQuery: (args) => { if (args.node.kind === 'UpdateQueryNode') built += 1; return args.node }, transformResult: async (args) => args.result })
    for (let round = 0; round < 3; round++) {
      await markMessage(counted, 'a', 'handled', `2026-12-03T02:0${round}:00.000Z`, null, { severity: 'moderate', score: 0.5 + round })
      await markMessage(counted, 'b', 'failed', `2026-12-03T02:0${round}:00.000Z`, `出错 ${round}`)
    }
    expect(built).toBeLessThanOrEqual(2) // at most one build per shape, then reused
    const stored = await db.selectFrom('messages').select(['id', 'status', 'handled_at', 'error', 'emotion_severity', 'emotion_score']).orderBy('id').execute()
    expect(stored).toEqual([
      { id: 'a', status: 'handled', handled_at: '2026-12-03T02:02:00.000Z', error: null, emotion_severity: 'moderate', emotion_score: 2.5 },
      { id: 'b', status: 'failed', handled_at: '2026-12-03T02:02:00.000Z', error: '出错 2', emotion_severity: null, emotion_score: null },
      { id: 'c', status: 'received', handled_at: null, error: null, emotion_severity: null, emotion_score: null },
    ])
  })
})
