import { afterEach, describe, expect, it } from 'vitest'
import { commitTogether } from '../../../src/storage/commit-together.js'
import type { Db } from '../../../src/storage/create-db.js'
import { insertMessageOnce, markMessage } from '../../../src/storage/message.repository.js'
import { createTestDb } from '../../support/test-database.js'

let db: Db | undefined
afterEach(async () => { await db?.destroy(); db = undefined })

const AT = '2026-12-03T01:55:00.000Z'
const message = (id: string) => ({
  id, channel: 'wechaty', group_id: 'g1', group_name: 'VIP客户群', sender_id: 'c1', sender_name: '张三', text: '问题', question: '问题',
  mentions_bot: 1, from_self: 0, sent_at: AT, received_at: AT, status: 'received' as const,
})

describe('commitTogether', () => {
  it('commits concurrent writes, and each caller gets its own result', async () => {
    db = await createTestDb()
    for (const id of ['a', 'b', 'c']) await insertMessageOnce(db, message(id))
    const commit = commitTogether(db)
    const results = await Promise.all(['a', 'b', 'c'].map((id) => commit(async (trx) => { await markMessage(trx, id, 'handled', AT); return id })))
    expect(results).toEqual(['a', 'b', 'c'])
    expect((await db.selectFrom('messages').select('status').execute()).map((r) => r.status)).toEqual(['handled', 'handled', 'handled'])
  })

  it('fails only the bad write of a batch; the others are committed', async () => {
    db = await createTestDb()
    for (const id of ['a', 'c']) await insertMessageOnce(db, message(id))
    const commit = commitTogether(db)
    const results = await Promise.allSettled([
      commit((trx) => markMessage(trx, 'a', 'handled', AT)),
      commit((trx) => insertMessageOnce(trx, { ...message('bad'), group_id: null as unknown as string })),
      commit((trx) => markMessage(trx, 'c', 'handled', AT)),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(await db.selectFrom('messages').select(['id', 'status']).orderBy('id').execute()).toEqual([{ id: 'a', status: 'handled' }, { id: 'c', status: 'handled' }])
  })
})
