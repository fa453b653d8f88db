import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../../../src/storage/create-db.js'
import { upsertJoin, type MemberJoin } from '../../../src/storage/group-member.repository.js'
import { createTestDb, onPostgres, withTwoPools } from '../../support/test-database.js'

let db: Db
beforeEach(async () => { db = await createTestDb() })
afterEach(async () => { await db.destroy() })

const join = (over: Partial<MemberJoin> = {}): MemberJoin => ({
  channel: 'wechaty', groupId: 'g1', groupName: 'VIP客户群', memberId: 'wxid_a', memberName: '张三',
  joinedAt: '2026-11-01T00:00:00.000Z', estimated: true, source: 'sync', now: '2026-11-23T00:00:00.000Z', ...over,
})

describe('upsertJoin', () => {
  it.skipIf(!onPostgres())('records a join two instances see at the same moment as one membership, without a duplicate-key error', async () => {
    // Two pools on one database, as two QunDesk processes whose accounts share a group.
    await withTwoPools(async (a, b) => {
      for (let round = 0; round < 30; round++) {
        const member = `wxid_${round}`
        await Promise.all([a, b, a, b].map((x, i) => upsertJoin(x, join({ memberId: member, now: `2026-11-23T00:00:0${i}.000Z` }))))
      }
      expect(Number((await a.selectFrom('group_members').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(30)
    }, 8)
  })

  it('lets an exact join time replace an estimate, and never the other way round', async () => {
    await upsertJoin(db, join())
    await upsertJoin(db, join({ joinedAt: '2026-11-05T08:00:00.000Z', estimated: false, source: 'event' }))
    await upsertJoin(db, join({ joinedAt: '2026-11-20T00:00:00.000Z', estimated: true }))
    expect(await db.selectFrom('group_members').select(['joined_at', 'joined_at_estimated', 'join_source']).executeTakeFirst())
      .toEqual({ joined_at: '2026-11-05T08:00:00.000Z', joined_at_estimated: 0, join_source: 'event' })
  })
})
