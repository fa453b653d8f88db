import { sql } from 'kysely'
import type { Db } from './create-db.js'
import type { MemberTagHistoryRow, MemberTagRow, TagActionRow, TagCountRow } from './schema.js'
import type { TagActionStatus } from '../core/vocabulary.js'
import { LOCK, lockForTransaction } from './locks.js'

/** One membership's new rule tags and what changed, as the tagging service hands them to storage. */
export interface RetagWrite {
  groupId: string
  memberId: string
  tags: readonly string[]
  lifecycle: string | null
  changes: ReadonlyArray<{
    tag: string
    change: 'added' | 'removed'
    /** `lifecycle.yaml:12`: the rule that decided it. */
    by: string
    seen: Record<string, unknown>
    /** Action keys to queue for this change (never twice: unique per history row and action). */
    actionKeys: readonly string[]
  }>
}

const BATCH = 500

/**
 * Stores re-tag results: the membership's rule tags and lifecycle, the member_tags rows, one history row per
 * change and the queued actions. Each batch of memberships is one transaction of a few set-based statements
 * (UPDATE ... FROM a VALUES list, row-value IN for deletes, multi-row inserts), so a crash leaves each membership
 * either before or after, and a first tagging of a million members is not a million round trips.
 * Returns how many actions were queued.
 */
export async function applyRetags(db: Db, writes: readonly RetagWrite[], now: string): Promise<number> {
  let queued = 0
  for (let start = 0; start < writes.length; start += BATCH) {
    const batch = writes.slice(start, start + BATCH)
    await db.transaction().execute(async (trx) => {
      const memberships = batch.map((w) => sql`(${w.groupId}, ${w.memberId}, ${JSON.stringify(w.tags)}, ${w.lifecycle})`)
      await sql`
        WITH v(group_id, member_id, rule_tags, lifecycle) AS (VALUES ${sql.join(memberships)})
        UPDATE group_members SET rule_tags = v.rule_tags, lifecycle = v.lifecycle, tags_changed_at = ${now}
        FROM v WHERE group_members.group_id = v.group_id AND group_members.member_id = v.member_id
      `.execute(trx)

      const removed = batch.flatMap((w) => w.changes.filter((c) => c.change === 'removed').map((c) => sql`(${w.groupId}, ${w.memberId}, ${c.tag})`))
      for (let i = 0; i < removed.length; i += 1000) {
        await sql`DELETE FROM member_tags WHERE source = 'rule' AND (group_id, member_id, tag) IN (VALUES ${sql.join(removed.slice(i, i + 1000))})`.execute(trx)
      }

      const added: MemberTagRow[] = []
      const history: Array<Omit<MemberTagHistoryRow, 'id'>> = []
      // Changes with actions need their history id (an action is unique per change): found again by membership+tag.
      const actionKeysOf = new Map<string, readonly string[]>()
      for (const w of batch) {
        for (const c of w.changes) {
          if (c.change === 'added') added.push({ group_id: w.groupId, member_id: w.memberId, tag: c.tag, source: 'rule', added_at: now, added_by: c.by })
          history.push({ group_id: w.groupId, member_id: w.memberId, tag: c.tag, change: c.change, source: 'rule', at: now, by: c.by, seen: JSON.stringify(c.seen) })
          if (c.actionKeys.length > 0) actionKeysOf.set(`${w.groupId}\u0000${w.memberId}\u0000${c.tag}`, c.actionKeys)
        }
      }
      for (let i = 0; i < history.length; i += 1000) {
        const inserted = await trx.insertInto('member_tag_history').values(history.slice(i, i + 1000)).returning(['id', 'group_id', 'member_id', 'tag']).execute()
        const actions = inserted.flatMap((h) => (actionKeysOf.get(`${h.group_id}\u0000${h.member_id}\u0000${h.tag}`) ?? []).map((key) => ({
          history_id: h.id, action_key: key, group_id: h.group_id, member_id: h.member_id, tag: h.tag, status: 'queued' as const, created_at: now, done_at: null, suggestion_id: null, detail: null,
        })))
        for (let j = 0; j < actions.length; j += 1000) {
          await trx.insertInto('tag_actions').values(actions.slice(j, j + 1000)).onConflict((oc) => oc.columns(['history_id', 'action_key']).doNothing()).execute()
        }
        queued += actions.length
      }
      // SQLite allows 32766 bound variables per statement; 6–8 columns per row keeps these chunks well under.
      for (let i = 0; i < added.length; i += 1000) {
        await trx.insertInto('member_tags').values(added.slice(i, i + 1000)).onConflict((oc) => oc.columns(['group_id', 'member_id', 'tag']).doNothing()).execute()
      }
    })
  }
  return queued
}

/** Manual tags, keyed `groupId\u0000memberId` (few: agents set them by hand). */
export async function loadManualTags(db: Db, filter: { groupId?: string; memberId?: string } = {}): Promise<Map<string, string[]>> {
  let query = db.selectFrom('member_tags').select(['group_id', 'member_id', 'tag']).where('source', '=', 'manual')
  if (filter.groupId) query = query.where('group_id', '=', filter.groupId)
  if (filter.memberId) query = query.where('member_id', '=', filter.memberId)
  const byMember = new Map<string, string[]>()
  for (const row of await query.orderBy('added_at').execute()) {
    const key = membershipKey(row.group_id, row.member_id)
    byMember.set(key, [...(byMember.get(key) ?? []), row.tag])
  }
  return byMember
}

export const membershipKey = (groupId: string, memberId: string): string => `${groupId}\u0000${memberId}`

/** Adds a manual tag; false when the member already has a tag of that name. */
export async function addManualTag(db: Db, t: { groupId: string; memberId: string; tag: string; actor: string; now: string }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx.insertInto('member_tags')
      .values({ group_id: t.groupId, member_id: t.memberId, tag: t.tag, source: 'manual', added_at: t.now, added_by: t.actor })
      .onConflict((oc) => oc.columns(['group_id', 'member_id', 'tag']).doNothing())
      .executeTakeFirst()
    if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false
    await trx.insertInto('member_tag_history').values({ group_id: t.groupId, member_id: t.memberId, tag: t.tag, change: 'added', source: 'manual', at: t.now, by: t.actor, seen: null }).execute()
    return true
  })
}

/** Removes a manual tag (never a rule tag); false when the member has no such manual tag. */
export async function removeManualTag(db: Db, t: { groupId: string; memberId: string; tag: string; actor: string; now: string }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx.deleteFrom('member_tags')
      .where('group_id', '=', t.groupId).where('member_id', '=', t.memberId).where('tag', '=', t.tag).where('source', '=', 'manual')
      .executeTakeFirst()
    if (Number(result.numDeletedRows) === 0) return false
    await trx.insertInto('member_tag_history').values({ group_id: t.groupId, member_id: t.memberId, tag: t.tag, change: 'removed', source: 'manual', at: t.now, by: t.actor, seen: null }).execute()
    return true
  })
}

export async function listTagHistory(db: Db, memberId: string, limit = 200): Promise<MemberTagHistoryRow[]> {
  return db.selectFrom('member_tag_history').selectAll().where('member_id', '=', memberId).orderBy('id', 'desc').limit(limit).execute()
}

export async function listQueuedActions(db: Db, limit: number): Promise<TagActionRow[]> {
  return db.selectFrom('tag_actions').selectAll().where('status', '=', 'queued').orderBy('id').limit(limit).execute()
}

/** Moves a queued action on; false when another run already did (the status check makes it once only). */
export async function finishAction(db: Db, id: number, f: { status: Exclude<TagActionStatus, 'queued'>; detail: string; suggestionId?: number; now: string }): Promise<boolean> {
  const result = await db.updateTable('tag_actions')
    .set({ status: f.status, detail: f.detail, suggestion_id: f.suggestionId ?? null, done_at: f.now })
    .where('id', '=', id).where('status', '=', 'queued')
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Actions that produced a group message (outreach) in a group since `sinceIso`: the pacing count. */
export async function countOutreachSince(db: Db, groupId: string, sinceIso: string): Promise<number> {
  const row = await db.selectFrom('tag_actions as t')
    .innerJoin('suggestions as s', 's.id', 't.suggestion_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('t.group_id', '=', groupId).where('t.status', '=', 'done').where('t.done_at', '>=', sinceIso).where('s.kind', '=', 'outreach')
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** When each of a group's outreach actions since `sinceIso` ran (the pacing window), oldest first. */
export async function outreachTimesSince(db: Db, groupId: string, sinceIso: string): Promise<string[]> {
  const rows = await db.selectFrom('tag_actions as t')
    .innerJoin('suggestions as s', 's.id', 't.suggestion_id')
    .select('t.done_at')
    .where('t.group_id', '=', groupId).where('t.status', '=', 'done').where('t.done_at', '>=', sinceIso).where('s.kind', '=', 'outreach')
    .orderBy('t.done_at')
    .execute()
  return rows.flatMap((r) => (r.done_at ? [r.done_at] : []))
}

/** When the same action last ran for this membership (for cooldown_days), or undefined. */
export async function lastActionRun(db: Db, a: { groupId: string; memberId: string; actionKey: string }): Promise<string | undefined> {
  const row = await db.selectFrom('tag_actions').select('done_at')
    .where('member_id', '=', a.memberId).where('group_id', '=', a.groupId).where('action_key', '=', a.actionKey).where('status', '=', 'done')
    .orderBy('done_at', 'desc').limit(1)
    .executeTakeFirst()
  return row?.done_at ?? undefined
}

export async function hasRuleTag(db: Db, groupId: string, memberId: string, tag: string): Promise<boolean> {
  const row = await db.selectFrom('member_tags').select('tag').where('group_id', '=', groupId).where('member_id', '=', memberId).where('tag', '=', tag).where('source', '=', 'rule').executeTakeFirst()
  return row !== undefined
}

/** Replaces one day's member counts per tag and lifecycle stage (a re-run on the same day overwrites). */
export async function writeTagCounts(db: Db, day: string, counts: ReadonlyArray<Omit<TagCountRow, 'day'>>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Two re-tags at once (an admin's on one instance, the nightly one on another) would both insert after both
    // deleted: the second fails on the key. One at a time; the later one's counts stand.
    await lockForTransaction(trx, LOCK.tagCounts)
    await trx.deleteFrom('tag_counts').where('day', '=', day).execute()
    if (counts.length > 0) await trx.insertInto('tag_counts').values(counts.map((c) => ({ ...c, day }))).execute()
  })
}

export async function listTagCounts(db: Db, fromDay: string): Promise<TagCountRow[]> {
  return db.selectFrom('tag_counts').selectAll().where('day', '>=', fromDay).orderBy('day').orderBy('kind').orderBy('name').execute()
}

export async function findTagHistory(db: Db, id: number): Promise<MemberTagHistoryRow | undefined> {
  return db.selectFrom('member_tag_history').selectAll().where('id', '=', id).executeTakeFirst()
}
