import type { Db } from './create-db.js'
import { isPostgres } from './dialect.js'
import type { GroupMemberRow } from './schema.js'

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
    const fresh = { joined_at: j.joinedAt, joined_at_estimated: j.estimated ? 1 : 0, join_source: j.source, invited_by: j.invitedBy ?? existing.invited_by, left_at: null, left_at_estimated: 0 }
    let membership: Partial<typeof fresh> = {}
    if (existing.left_at === null) {
      if (existing.joined_at_estimated === 1 && !j.estimated) membership = fresh // an exact time beats a guess
    } else if (!j.estimated) {
      membership = fresh // joined again after leaving
    } else if (existing.left_at_estimated === 1) {
      membership = { left_at: null, left_at_estimated: 0 } // the leave was a guess: they never went
    } else {
      membership = fresh // seen again after a known leave: a new membership from now, estimated
    }
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

/** Memberships of members with exactly this display name (for CLI lookups by name). */
export async function findMembersByName(db: Db, name: string): Promise<GroupMemberRow[]> {
  return db.selectFrom('group_members').selectAll().where('member_name', '=', name).orderBy('member_id').limit(50).execute()
}
