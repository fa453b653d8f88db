import { afterEach, describe, expect, it } from 'vitest'
import type { Db } from '../../../src/storage/create-db.js'
import { insertMessageOnce } from '../../../src/storage/message.repository.js'
import { fillSlotRequest, findOpenSlotRequest, openSlotRequest } from '../../../src/storage/slot-request.repository.js'
import { createTestDb } from '../../support/test-database.js'

let db: Db | undefined
afterEach(async () => { await db?.destroy(); db = undefined })

const AT = '2026-12-03T01:00:00.000Z'
async function asked(d: Db, messageId: string, memberId: string, expiresAt: string): Promise<void> {
  await insertMessageOnce(d, { id: messageId, channel: 'wechaty', group_id: 'g1', group_name: 'VIP客户群', sender_id: memberId, sender_name: memberId, text: '快递到哪了', question: '快递到哪了', mentions_bot: 1, from_self: 0, sent_at: AT, received_at: AT, status: 'received' })
  await openSlotRequest(d, { messageId, groupId: 'g1', memberId, intentId: 'logistics.track', question: '快递到哪了', slots: ['order_id'], askedAt: AT, expiresAt, match: { score: 0.9, confident: true } })
}

describe('findOpenSlotRequest', () => {
  it("finds only the member's open, unexpired request in the group (its SQL is reused across calls)", async () => {
    db = await createTestDb()
    await asked(db, 'q1', 'bob', '2026-12-03T02:00:00.000Z')
    await asked(db, 'q2', 'carol', '2026-12-03T02:00:00.000Z')
    for (let round = 0; round < 2; round++) {
      expect((await findOpenSlotRequest(db, 'bob', 'g1', '2026-12-03T01:30:00.000Z'))?.message_id).toBe('q1')
      expect(await findOpenSlotRequest(db, 'bob', 'g1', '2026-12-03T02:00:00.000Z')).toBeUndefined()
      expect(await findOpenSlotRequest(db, 'bob', 'g2', '2026-12-03T01:30:00.000Z')).toBeUndefined()
      expect(await findOpenSlotRequest(db, 'alice', 'g1', '2026-12-03T01:30:00.000Z')).toBeUndefined()
    }
    const carol = await findOpenSlotRequest(db, 'carol', 'g1', '2026-12-03T01:30:00.000Z')
    expect(await fillSlotRequest(db, carol!.id, 'r1')).toBe(true)
    expect(await findOpenSlotRequest(db, 'carol', 'g1', '2026-12-03T01:30:00.000Z')).toBeUndefined()
  })
})
