import { sql } from 'kysely'
import type { Db } from './create-db.js'
import type { GroupMemberRow, MemberTagRow } from './schema.js'

export interface MemberListFilter {
  tag?: string
  lifecycle?: string
  groupId?: string
  /** Part of the member's name or id. */
  q?: string
  /** Include members who left (default: only members still in the group). */
  includeLeft?: boolean
  limit: number
  offset: number
}

/**
 * One page of memberships matching the filter, newest joins first, with the total. The tag filter is an EXISTS
 * on member_tags (indexed by tag), so it stays fast with a million memberships.
 */
export async function listMembershipPage(db: Db, filter: MemberListFilter): Promise<{ total: number; rows: GroupMemberRow[] }> {
  let query = db.selectFrom('group_members as gm')
  if (filter.groupId) query = query.where('gm.group_id', '=', filter.groupId)
  if (filter.lifecycle) query = query.where('gm.lifecycle', '=', filter.lifecycle)
  if (!filter.includeLeft) query = query.where('gm.left_at', 'is', null)
  if (filter.q) {
    const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    query = query.where((eb) => eb.or([sql<boolean>`gm.member_name LIKE ${like} ESCAPE '\\'`, sql<boolean>`gm.member_id LIKE ${like} ESCAPE '\\'`]))
  }
  if (filter.tag) {
    const tag = filter.tag
    query = query.where((eb) => eb.exists(eb.selectFrom('member_tags as t').select('t.tag').whereRef('t.group_id', '=', 'gm.group_id').whereRef('t.member_id', '=', 'gm.member_id').where('t.tag', '=', tag)))
  }
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()
  const rows = await query.selectAll('gm').orderBy('gm.joined_at', 'desc').orderBy('gm.member_id').limit(filter.limit).offset(filter.offset).execute()
  return { total: Number(total), rows }
}

/** The tags of the given memberships (one query), keyed `groupId\u0000memberId`. */
export async function listTagsOf(db: Db, memberships: ReadonlyArray<{ group_id: string; member_id: string }>): Promise<Map<string, MemberTagRow[]>> {
  const byKey = new Map<string, MemberTagRow[]>()
  if (memberships.length === 0) return byKey
  const memberIds = [...new Set(memberships.map((m) => m.member_id))]
  const wanted = new Set(memberships.map((m) => `${m.group_id}\u0000${m.member_id}`))
  for (let i = 0; i < memberIds.length; i += 500) {
    const rows = await db.selectFrom('member_tags').selectAll().where('member_id', 'in', memberIds.slice(i, i + 500)).orderBy('source', 'desc').orderBy('added_at').execute()
    for (const row of rows) {
      const key = `${row.group_id}\u0000${row.member_id}`
      if (!wanted.has(key)) continue
      byKey.set(key, [...(byKey.get(key) ?? []), row])
    }
  }
  return byKey
}

/** Every tag in use now with how many memberships (still in the group) carry it. */
export async function countTags(db: Db, groupId?: string): Promise<Array<{ tag: string; source: string; members: number }>> {
  let query = db.selectFrom('member_tags as t')
    .innerJoin('group_members as gm', (j) => j.onRef('gm.group_id', '=', 't.group_id').onRef('gm.member_id', '=', 't.member_id'))
    .select(['t.tag', 't.source', (eb) => eb.fn.countAll<number>().as('members')])
    .where('gm.left_at', 'is', null)
    .groupBy(['t.tag', 't.source'])
  if (groupId) query = query.where('t.group_id', '=', groupId)
  return (await query.orderBy('t.tag').execute()).map((r) => ({ tag: r.tag, source: r.source, members: Number(r.members) }))
}

/** The groups QunDesk knows, with how many members are in each now. */
export async function listGroups(db: Db): Promise<Array<{ groupId: string; groupName: string; members: number }>> {
  const rows = await db.selectFrom('group_members')
    .select(['group_id', (eb) => eb.fn.max('group_name').as('group_name'), sql<number>`SUM(CASE WHEN left_at IS NULL THEN 1 ELSE 0 END)`.as('members')])
    .groupBy('group_id')
    .orderBy('group_id')
    .execute()
  return rows.map((r) => ({ groupId: r.group_id, groupName: String(r.group_name), members: Number(r.members) }))
}
