import type { Db } from './create-db.js'
import { isPostgres } from './dialect.js'
import type { Insertable } from 'kysely'
import type { GroupMemberRow, GroupMemberTable } from './schema.js'

export interface MemberJoin {
  channel: string
  groupId: string
  groupName: string
  memberId: string
  memberName: string
  joinedAt: string
  estimated: boolean
  source: string
  invitedBy?: string | undefined
  joinScene?: number | undefined
  now: string
}

/** How a join changes a stored membership (nothing: `{}`). */
function membershipChange(existing: GroupMemberRow, j: Pick<MemberJoin, 'joinedAt' | 'estimated' | 'source' | 'invitedBy'>): Partial<Pick<GroupMemberRow, 'joined_at' | 'joined_at_estimated' | 'join_source' | 'invited_by' | 'left_at' | 'left_at_estimated'>> {
  const fresh = { joined_at: j.joinedAt, joined_at_estimated: j.estimated ? 1 : 0, join_source: j.source, invited_by: j.invitedBy ?? existing.invited_by, left_at: null, left_at_estimated: 0 }
  if (existing.left_at === null) return existing.joined_at_estimated === 1 && !j.estimated ? fresh : {} // an exact time beats a guess
  if (!j.estimated) return fresh // joined again after leaving
  if (existing.left_at_estimated === 1) return { left_at: null, left_at_estimated: 0 } // the leave was a guess: they never went
  return fresh // seen again after a known leave: a new membership from now, estimated
}

/**
 * Records a join. An exact time (an event) replaces an estimate; an estimate never overwrites what is known; a
 * join after a leave starts a new membership. One transaction: insert if new, else lock the row (PostgreSQL: two
 * instances whose accounts share a group may record the same join at once) and update it.
 */
export async function upsertJoin(db: Db, j: MemberJoin): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const names = { group_name: j.groupName, member_name: j.memberName, updated_at: j.now, ...(j.joinScene !== undefined ? { join_scene: j.joinScene } : {}) }
    const inserted = await trx.insertInto('group_members').values({
      group_id: j.groupId, member_id: j.memberId, channel: j.channel, ...names,
      joined_at: j.joinedAt, joined_at_estimated: j.estimated ? 1 : 0, join_source: j.source, invited_by: j.invitedBy ?? null,
      left_at: null, left_at_estimated: 0, join_scene: j.joinScene ?? null,
    }).onConflict((oc) => oc.columns(['group_id', 'member_id']).doNothing()).executeTakeFirst()
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return
    const existing = await trx.selectFrom('group_members').selectAll().where('group_id', '=', j.groupId).where('member_id', '=', j.memberId)
      .$if(isPostgres(trx), (q) => q.forUpdate()).executeTakeFirstOrThrow()
    const membership = membershipChange(existing, j)
    await trx.updateTable('group_members').set({ ...names, ...membership }).where('group_id', '=', j.groupId).where('member_id', '=', j.memberId).execute()
  })
}

/** Marks members as gone; rows unknown so far are recorded too (they left before we saw them join). */
export async function markLeft(db: Db, l: { channel: string; groupId: string; groupName: string; memberId: string; memberName: string; leftAt: string; estimated: boolean; now: string }): Promise<void> {
  await db
    .insertInto('group_members')
    .values({
      group_id: l.groupId, member_id: l.memberId, channel: l.channel, group_name: l.groupName, member_name: l.memberName,
      joined_at: l.leftAt, joined_at_estimated: 1, join_source: 'unknown', invited_by: null,
      left_at: l.leftAt, left_at_estimated: l.estimated ? 1 : 0, updated_at: l.now,
    })
    .onConflict((oc) => oc.columns(['group_id', 'member_id']).doUpdateSet({ left_at: l.leftAt, left_at_estimated: l.estimated ? 1 : 0, updated_at: l.now }))
    .execute()
}

export async function listGroupMembers(db: Db, groupId: string): Promise<GroupMemberRow[]> {
  return db.selectFrom('group_members').selectAll().where('group_id', '=', groupId).orderBy('joined_at').execute()
}

export async function listMemberships(db: Db, memberId: string): Promise<GroupMemberRow[]> {
  return db.selectFrom('group_members').selectAll().where('member_id', '=', memberId).orderBy('joined_at').execute()
}

export async function findMembership(db: Db, groupId: string, memberId: string): Promise<GroupMemberRow | undefined> {
  return db.selectFrom('group_members').selectAll().where('group_id', '=', groupId).where('member_id', '=', memberId).executeTakeFirst()
}

/**
 * Group and member names of many (group, member) pairs in one read, keyed `groupId\u0000memberId`. The read takes
 * the pairs' groups and members together, so it may return a few rows for other pairs: the caller looks its own up.
 */
export async function findMembershipNames(db: Db, pairs: ReadonlyArray<{ groupId: string; memberId: string }>): Promise<Map<string, { groupName: string; memberName: string }>> {
  const names = new Map<string, { groupName: string; memberName: string }>()
  if (pairs.length === 0) return names
  const rows = await db.selectFrom('group_members').select(['group_id', 'member_id', 'group_name', 'member_name'])
    .where('group_id', 'in', [...new Set(pairs.map((p) => p.groupId))])
    .where('member_id', 'in', [...new Set(pairs.map((p) => p.memberId))])
    .execute()
  for (const r of rows) names.set(`${r.group_id}\u0000${r.member_id}`, { groupName: r.group_name, memberName: r.member_name })
  return names
}

/** Memberships of members with exactly this display name (for CLI lookups by name). */
export async function findMembersByName(db: Db, name: string): Promise<GroupMemberRow[]> {
  return db.selectFrom('group_members').selectAll().where('member_name', '=', name).orderBy('member_id').limit(50).execute()
}

/** Rows per statement: well under both databases' limits on bound parameters. */
const CHUNK = 500

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK))
  return out
}

export interface RosterMember {
  memberId: string
  memberName: string
  /** Exact join time (ISO), when the channel knows it; otherwise the sync time is recorded as an estimate. */
  joinedAt?: string | undefined
  invitedBy?: string | undefined
  joinScene?: number | undefined
}

export interface RosterSync {
  /** Members listed who were not in the group before (new, or back after a leave). */
  added: number
  /** Members in the group before and no longer listed (an estimated leave, now). */
  left: number
  /** Every member whose row was written (joins, leaves, renames, sharper join times). */
  changed: string[]
}

/**
 * Reconciles a group with its current roster in one transaction, by the same rules as upsertJoin (newcomers) and
 * markLeft (members no longer listed, estimated). Rows that would not change are not written, so a sync of an
 * unchanged group only reads; new rows and leaves are written in batches. PostgreSQL: the group's rows are locked
 * first (another instance sharing the group may sync or record events at once).
 */
export async function syncGroupRoster(db: Db, r: { channel: string; groupId: string; groupName: string; members: readonly RosterMember[]; now: string }): Promise<RosterSync> {
  return db.transaction().execute(async (trx) => {
    // In member order, as the inserts below: two instances syncing the same group take the locks in the same order.
    const existing = await trx.selectFrom('group_members').selectAll().where('group_id', '=', r.groupId).orderBy('member_id')
      .$if(isPostgres(trx), (q) => q.forUpdate()).execute()
    const known = new Map(existing.map((row) => [row.member_id, row]))
    const present = new Set<string>()
    const inserts: Array<Insertable<GroupMemberTable>> = []
    const changed: string[] = []
    let added = 0
    for (const m of r.members) {
      if (present.has(m.memberId)) continue
      present.add(m.memberId)
      const j = m.joinedAt ? { joinedAt: m.joinedAt, estimated: false, source: r.channel, invitedBy: m.invitedBy } : { joinedAt: r.now, estimated: true, source: 'sync', invitedBy: m.invitedBy }
      const row = known.get(m.memberId)
      if (!row) {
        added += 1
        changed.push(m.memberId)
        inserts.push({
          group_id: r.groupId, member_id: m.memberId, channel: r.channel, group_name: r.groupName, member_name: m.memberName, updated_at: r.now,
          joined_at: j.joinedAt, joined_at_estimated: j.estimated ? 1 : 0, join_source: j.source, invited_by: j.invitedBy ?? null,
          left_at: null, left_at_estimated: 0, join_scene: m.joinScene ?? null,
        })
        continue
      }
      if (row.left_at !== null) added += 1
      const membership = membershipChange(row, j)
      const renamed = row.group_name !== r.groupName || row.member_name !== m.memberName
      const scene = m.joinScene !== undefined && m.joinScene !== row.join_scene
      if (Object.keys(membership).length === 0 && !renamed && !scene) continue
      changed.push(m.memberId)
      await trx.updateTable('group_members')
        .set({ group_name: r.groupName, member_name: m.memberName, updated_at: r.now, ...(m.joinScene !== undefined ? { join_scene: m.joinScene } : {}), ...membership })
        .where('group_id', '=', r.groupId).where('member_id', '=', m.memberId).execute()
    }
    inserts.sort((a, b) => (a.member_id < b.member_id ? -1 : a.member_id > b.member_id ? 1 : 0))
    for (const rows of chunks(inserts)) {
      // doNothing: another instance inserted the same join meanwhile (SQLite has one writer; PostgreSQL's lock above
      // covers existing rows only).
      await trx.insertInto('group_members').values(rows).onConflict((oc) => oc.columns(['group_id', 'member_id']).doNothing()).execute()
    }
    const leaving = existing.filter((row) => row.left_at === null && !present.has(row.member_id)).map((row) => row.member_id)
    for (const ids of chunks(leaving)) {
      await trx.updateTable('group_members').set({ left_at: r.now, left_at_estimated: 1, updated_at: r.now })
        .where('group_id', '=', r.groupId).where('member_id', 'in', ids).execute()
    }
    changed.push(...leaving)
    return { added, left: leaving.length, changed }
  })
}
