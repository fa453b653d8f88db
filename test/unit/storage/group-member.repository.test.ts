import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../../../src/storage/create-db.js'
import { findMembershipNames, syncGroupRoster, upsertJoin, type MemberJoin } from '../../../src/storage/group-member.repository.js'
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

describe('findMembershipNames', () => {
  it('names each asked (group, member) pair from one read, and leaves a pair with no membership out', async () => {
    await upsertJoin(db, join({ groupId: 'g1', groupName: '一群', memberId: 'wxid_a', memberName: '阿一' }))
    await upsertJoin(db, join({ groupId: 'g2', groupName: '二群', memberId: 'wxid_b', memberName: '阿二' }))
    await upsertJoin(db, join({ groupId: 'g1', groupName: '一群', memberId: 'wxid_b', memberName: '一群的阿二' }))
    const names = await findMembershipNames(db, [{ groupId: 'g1', memberId: 'wxid_a' }, { groupId: 'g2', memberId: 'wxid_b' }, { groupId: 'g2', memberId: 'wxid_gone' }])
    expect(names.get('g1\u0000wxid_a')).toEqual({ groupName: '一群', memberName: '阿一' })
    expect(names.get('g2\u0000wxid_b')).toEqual({ groupName: '二群', memberName: '阿二' })
    expect(names.has('g2\u0000wxid_gone')).toBe(false)
    expect(await findMembershipNames(db, [])).toEqual(new Map())
  })
})

describe('syncGroupRoster', () => {
  const members = (ids: string[]) => ids.map((id) => ({ memberId: id, memberName: `成员${id}` }))

  it.skipIf(!onPostgres())('lets two instances sync the same group at once: one membership each, no duplicate-key error or deadlock', async () => {
    await withTwoPools(async (a, b) => {
      for (let round = 0; round < 10; round++) {
        const groupId = `g${round}`
        const ids = Array.from({ length: 40 }, (_, i) => `m${i}`)
        await Promise.all([a, b, a, b].map((x, i) => syncGroupRoster(x, {
          channel: 'wechaty', groupId, groupName: '群', now: `2026-11-23T00:00:0${i}.000Z`,
          members: members(i % 2 ? [...ids].reverse() : ids.slice(0, 30 + i)),
        })))
      }
      expect(Number((await a.selectFrom('group_members').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(400)
    }, 8)
  })

  it('writes only the rows that change, by the same rules as upsertJoin', async () => {
    const base = { channel: 'wechaty', groupId: 'g1', groupName: 'VIP客户群' }
    await upsertJoin(db, join({ memberId: 'a', joinedAt: '2026-11-05T08:00:00.000Z', estimated: false, source: 'event', now: '2026-11-05T08:00:00.000Z' }))
    const first = await syncGroupRoster(db, { ...base, now: '2026-11-23T00:00:00.000Z', members: [{ memberId: 'a', memberName: '张三' }, { memberId: 'b', memberName: '李四' }] })
    expect(first).toEqual({ added: 1, left: 0, changed: ['b'] })
    // The exact join time stays; an unchanged sync writes nothing.
    expect(await syncGroupRoster(db, { ...base, now: '2026-11-24T00:00:00.000Z', members: [{ memberId: 'b', memberName: '李四' }, { memberId: 'a', memberName: '张三' }] }))
      .toEqual({ added: 0, left: 0, changed: [] })
    const rows = await db.selectFrom('group_members').select(['member_id', 'joined_at', 'joined_at_estimated', 'join_source', 'updated_at']).orderBy('member_id').execute()
    expect(rows).toEqual([
      { member_id: 'a', joined_at: '2026-11-05T08:00:00.000Z', joined_at_estimated: 0, join_source: 'event', updated_at: '2026-11-05T08:00:00.000Z' },
      { member_id: 'b', joined_at: '2026-11-23T00:00:00.000Z', joined_at_estimated: 1, join_source: 'sync', updated_at: '2026-11-23T00:00:00.000Z' },
    ])
    // An exact time from the channel (WeCom's join_time) sharpens b's estimate.
    expect(await syncGroupRoster(db, { ...base, now: '2026-11-25T00:00:00.000Z', members: [{ memberId: 'a', memberName: '张三' }, { memberId: 'b', memberName: '李四', joinedAt: '2026-11-01T00:00:00.000Z' }] }))
      .toEqual({ added: 0, left: 0, changed: ['b'] })
    expect(await db.selectFrom('group_members').select(['joined_at', 'joined_at_estimated']).where('member_id', '=', 'b').executeTakeFirst())
      .toEqual({ joined_at: '2026-11-01T00:00:00.000Z', joined_at_estimated: 0 })
  })
})
