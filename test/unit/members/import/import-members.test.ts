import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { importMembers } from '../../../../src/members/import/import-members.js'
import type { MemberField } from '../../../../src/members/import/parse-member-file.js'
import type { MemberAttributeInput } from '../../../../src/members/import/validate-member-rows.js'
import { listAudit } from '../../../../src/storage/audit.repository.js'
import { type Db } from '../../../../src/storage/create-db.js'
import { markLeft, upsertJoin } from '../../../../src/storage/group-member.repository.js'
import { findMemberAttributes } from '../../../../src/storage/member-attribute.repository.js'
import { failWritesTo } from '../../../support/db-faults.js'
import { createTestDb } from '../../../support/test-database.js'

const NOW = new Date('2026-11-23T12:00:00.000Z')
const clock = () => NOW
const ALL_FIELDS: MemberField[] = ['member_id', 'monthly_spend', 'total_spend', 'orders', 'returns', 'last_purchase']
let db: Db
let line = 1

function row(memberId: string | null, values: Partial<MemberAttributeInput> = {}): MemberAttributeInput {
  return {
    line: ++line, memberId, keyField: memberId ? 'member_id' : 'phone', externalId: null, phone: null,
    monthlySpend: null, totalSpend: null, orders: null, returns: null, lastPurchaseAt: null, ...values,
  }
}
async function member(memberId: string, groupId = 'g1') {
  await upsertJoin(db, { channel: 'test', groupId, groupName: groupId, memberId, memberName: memberId, joinedAt: NOW.toISOString(), estimated: false, source: 'event', now: NOW.toISOString() })
}
const run = (rows: MemberAttributeInput[], options: { skipUnmatched?: boolean; dryRun?: boolean; fields?: MemberField[] } = {}) =>
  importMembers({ db, clock }, { source: 'crm.csv', fields: options.fields ?? ALL_FIELDS, rows, skipUnmatched: options.skipUnmatched ?? false, dryRun: options.dryRun ?? false })
const scores = async () =>
  Object.fromEntries((await db.selectFrom('member_attributes').select(['member_id', 'rfm_r', 'rfm_f', 'rfm_m']).execute()).map((r) => [r.member_id, [r.rfm_r, r.rfm_f, r.rfm_m]]))

beforeEach(async () => {
  db = await createTestDb()
})
afterEach(async () => db.destroy())

describe('importMembers', () => {
  it('stores the values of matched rows with when and from which file', async () => {
    await member('wxid_a')
    const result = await run([row('wxid_a', { externalId: 'wm1', monthlySpend: 12.5, totalSpend: 300, orders: 4, returns: 1, lastPurchaseAt: '2026-10-01T00:00:00.000Z' })], { fields: [...ALL_FIELDS, 'external_userid'] })
    expect(result).toEqual({ total: 1, matched: 1, unmatched: [], written: true, scored: 1 })
    expect(await findMemberAttributes(db, 'wxid_a')).toEqual({
      member_id: 'wxid_a', external_id: 'wm1', monthly_spend: 12.5, total_spend: 300, orders: 4, returns: 1,
      last_purchase_at: '2026-10-01T00:00:00.000Z', rfm_r: 1, rfm_f: 1, rfm_m: 1, imported_at: NOW.toISOString(), import_source: 'crm.csv',
    })
  })

  it('scores RFM by quintile: later purchase, more orders and more spend score higher; unknown input scores null', async () => {
    const people = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9', 'p10']
    for (const id of [...people, 'none']) await member(id)
    // p1 bought longest ago, fewest orders, least spend; p10 the opposite.
    await run([
      ...people.map((id, i) => row(id, { orders: i + 1, totalSpend: (i + 1) * 100, lastPurchaseAt: new Date(Date.UTC(2026, 0, i + 1)).toISOString() })),
      row('none'),
    ])
    const s = await scores()
    expect(people.map((id) => s[id])).toEqual([
      [1, 1, 1], [1, 1, 1], [2, 2, 2], [2, 2, 2], [3, 3, 3], [3, 3, 3], [4, 4, 4], [4, 4, 4], [5, 5, 5], [5, 5, 5],
    ])
    expect(s.none).toEqual([null, null, null])
  })

  it('scores each dimension on its own, and gives equal values the same score', async () => {
    for (const id of ['a', 'b', 'c', 'd', 'e']) await member(id)
    await run([
      row('a', { orders: 1, totalSpend: 900 }),
      row('b', { orders: 1, totalSpend: 50 }),
      row('c', { orders: 1, totalSpend: 400 }),
      row('d', { orders: 7, totalSpend: 10, lastPurchaseAt: '2026-11-01T00:00:00.000Z' }),
      row('e', { orders: 0, totalSpend: null }),
    ])
    const s = await scores()
    // F: e (0 orders) lowest; a, b and c share 1 order and so one score; d has the most.
    expect([s.e![1], s.a![1], s.b![1], s.c![1], s.d![1]]).toEqual([1, 2, 2, 2, 5])
    // M: d < b < c < a over the four known amounts; e's is unknown.
    expect([s.d![2], s.b![2], s.c![2], s.a![2], s.e![2]]).toEqual([1, 2, 3, 4, null])
    // R: only d ever bought.
    expect(['a', 'b', 'c', 'd', 'e'].map((id) => s[id]![0])).toEqual([null, null, null, 1, null])
  })

  it('rescores members imported earlier against the new population', async () => {
    for (const id of ['old', 'new1', 'new2']) await member(id)
    await run([row('old', { orders: 5 })])
    expect((await scores()).old![1]).toBe(1)
    await run([row('new1', { orders: 1 }), row('new2', { orders: 2 })])
    const s = await scores()
    expect([s.new1![1], s.new2![1], s.old![1]]).toEqual([1, 2, 3])
  })

  it('matches ids of members of any group, including members who left', async () => {
    await member('stays', 'g1')
    await member('gone', 'g2')
    await markLeft(db, { channel: 'test', groupId: 'g2', groupName: 'g2', memberId: 'gone', memberName: 'gone', leftAt: NOW.toISOString(), estimated: false, now: NOW.toISOString() })
    const result = await run([row('stays', { orders: 1 }), row('gone', { orders: 2 })])
    expect(result).toMatchObject({ matched: 2, written: true })
    expect((await findMemberAttributes(db, 'gone'))?.orders).toBe(2)
  })

  it('writes nothing when a row is unmatched, and reports phone-only rows apart', async () => {
    await member('wxid_a')
    const result = await run([row('wxid_a', { orders: 1 }), row('ghost', { orders: 1 }), row(null, { phone: '13800138000' })])
    expect(result.written).toBe(false)
    expect(result.unmatched.map((u) => [u.row.memberId, u.reason])).toEqual([['ghost', 'not_a_member'], [null, 'phone_only']])
    expect(await findMemberAttributes(db, 'wxid_a')).toBeUndefined()
    expect(await listAudit(db)).toEqual([])
  })

  it('imports the matched rows with skipUnmatched, and writes nothing on a dry run', async () => {
    await member('wxid_a')
    const dry = await run([row('wxid_a', { orders: 1 }), row('ghost')], { skipUnmatched: true, dryRun: true })
    expect(dry).toMatchObject({ matched: 1, written: false })
    expect(await findMemberAttributes(db, 'wxid_a')).toBeUndefined()
    const real = await run([row('wxid_a', { orders: 1 }), row('ghost')], { skipUnmatched: true })
    expect(real).toMatchObject({ matched: 1, written: true, scored: 1 })
    expect(await findMemberAttributes(db, 'ghost')).toBeUndefined()
  })

  it('overwrites the columns a re-import has and keeps the ones it lacks', async () => {
    await member('wxid_a')
    await run([row('wxid_a', { monthlySpend: 10, totalSpend: 500, orders: 3 })])
    await run([row('wxid_a', { monthlySpend: 99, totalSpend: null })], { fields: ['member_id', 'monthly_spend', 'total_spend'] })
    expect(await findMemberAttributes(db, 'wxid_a')).toMatchObject({ monthly_spend: 99, total_spend: null, orders: 3, rfm_m: null, rfm_f: 1 })
  })

  it('writes more rows than fit in one statement', async () => {
    const ids = Array.from({ length: 1234 }, (_, i) => `m${i}`)
    await db.insertInto('group_members').values(ids.map((id) => ({
      group_id: 'g1', member_id: id, channel: 'test', group_name: 'g1', member_name: id, joined_at: NOW.toISOString(), joined_at_estimated: 0,
      join_source: 'event', invited_by: null, left_at: null, left_at_estimated: 0, updated_at: NOW.toISOString(),
    }))).execute()
    const result = await run(ids.map((id, i) => row(id, { orders: i })))
    expect(result).toMatchObject({ matched: 1234, written: true, scored: 1234 })
    expect((await findMemberAttributes(db, 'm1233'))?.rfm_f).toBe(5)
  })

  it('audits the import with counts and the file name only', async () => {
    await member('wxid_a')
    await run([row('wxid_a', { orders: 1, phone: '13800138000' }), row(null, { phone: '13900139000' })], { skipUnmatched: true })
    const [entry] = await listAudit(db)
    expect(entry).toMatchObject({ actor: 'cli', action: 'members.import', subject_type: 'member_attributes', subject_id: 'crm.csv', at: NOW.toISOString() })
    expect(JSON.parse(entry!.detail)).toMatchObject({ source: 'crm.csv', rows: 2, imported: 1, unmatched: 1, rfmScored: 1 })
    expect(entry!.detail).not.toMatch(/138|139|wxid_a/)
  })

  it('rolls everything back when a step inside the transaction fails', async () => {
    await member('wxid_a')
    await member('wxid_b')
    await run([row('wxid_a', { orders: 1, totalSpend: 10 })])
    await failWritesTo(db, { table: 'audit_log', when: "NEW.action = 'members.import'", message: 'forced failure' })
    await expect(run([row('wxid_a', { orders: 9, totalSpend: 900 }), row('wxid_b', { orders: 2 })])).rejects.toThrow(/forced failure/)
    expect(await findMemberAttributes(db, 'wxid_a')).toMatchObject({ orders: 1, total_spend: 10, rfm_f: 1 })
    expect(await findMemberAttributes(db, 'wxid_b')).toBeUndefined()
  })
})
