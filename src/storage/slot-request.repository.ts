import { CompiledQuery } from 'kysely'
import type { Db } from './create-db.js'
import { isPostgres } from './dialect.js'
import type { SlotRequestRow } from './schema.js'

/**
 * Remembers that a member's question waits for facts. An older open request of the same member in the group stops
 * waiting now (its wait ends): the next sweep hands that question to an agent rather than dropping it.
 */
export async function openSlotRequest(db: Db, r: {
  messageId: string; groupId: string; memberId: string; intentId: string; question: string; slots: readonly string[]; askedAt: string; expiresAt: string
  /** How the original question matched (score, and whether confident). */
  match: { score: number | null; confident: boolean }
}): Promise<void> {
  await db.updateTable('slot_requests').set({ expires_at: r.askedAt }).where('member_id', '=', r.memberId).where('group_id', '=', r.groupId).where('status', '=', 'open').execute()
  await db
    .insertInto('slot_requests')
    .values({ message_id: r.messageId, group_id: r.groupId, member_id: r.memberId, intent_id: r.intentId, question: r.question, slots: JSON.stringify(r.slots), asked_at: r.askedAt, expires_at: r.expiresAt, status: 'open', match_score: r.match.score, match_confident: r.match.confident ? 1 : 0 })
    .onConflict((oc) => oc.column('message_id').doNothing())
    .execute()
}

/** The member's open, unexpired request in this group, if any. */
export async function findOpenSlotRequest(db: Db, memberId: string, groupId: string, now: string): Promise<SlotRequestRow | undefined> {
  const compiled = findOpenStatement(db)
  if (compiled === undefined) return buildFindOpen(db, memberId, groupId, now).executeTakeFirst()
  return (await db.executeQuery<SlotRequestRow>(CompiledQuery.raw(compiled, [memberId, groupId, 'open', now, 1]))).rows[0]
}

const buildFindOpen = (db: Db, memberId: string, groupId: string, now: string) => db
  .selectFrom('slot_requests')
  .selectAll()
  .where('member_id', '=', memberId)
  .where('group_id', '=', groupId)
  .where('status', '=', 'open')
  .where('expires_at', '>', now)
  .orderBy('id', 'desc')
  .limit(1)

/**
 * Looked up for many messages: compiled once per database kind and reused (kysely's building was a visible share
 * of a burst). Only on a database without plugins (the content-sealing plugin opens `question` in the results and
 * may rewrite queries); kept only when the compiled parameters come in the order passed above.
 */
const findOpenStatements = new Map<string, string | null>()
function findOpenStatement(db: Db): string | undefined {
  if (db.getExecutor().plugins.length > 0) return undefined
  const key = isPostgres(db) ? 'pg' : 'sqlite'
  let sqlText = findOpenStatements.get(key)
  if (sqlText === undefined) {
    const compiled = buildFindOpen(db, '$member', '$group', '$now').compile()
    sqlText = JSON.stringify(compiled.parameters) === JSON.stringify(['$member', '$group', 'open', '$now', 1]) ? compiled.sql : null
    findOpenStatements.set(key, sqlText)
  }
  return sqlText ?? undefined
}

/** The (group, member) pairs with a request still open (expired ones included), for the slot service's hints. */
export async function listOpenSlotRequestPairs(db: Db): Promise<Array<{ group_id: string; member_id: string }>> {
  return db.selectFrom('slot_requests').select(['group_id', 'member_id']).distinct().where('status', '=', 'open').execute()
}

/** Marks a request filled; false when someone else already did (a redelivered reply). */
export async function fillSlotRequest(db: Db, id: number, byMessageId: string): Promise<boolean> {
  const result = await db.updateTable('slot_requests').set({ status: 'filled', filled_by_message_id: byMessageId }).where('id', '=', id).where('status', '=', 'open').executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Closes the request a message opened (its question could not be sent). */
export async function expireSlotRequest(db: Db, messageId: string): Promise<void> {
  await db.updateTable('slot_requests').set({ status: 'expired' }).where('message_id', '=', messageId).where('status', '=', 'open').execute()
}

/** Open requests whose wait ran out, and handed-over ones whose item a crash kept from being created; oldest first. */
export async function listSlotRequestsToHandOver(db: Db, now: string, limit = 500): Promise<SlotRequestRow[]> {
  return db.selectFrom('slot_requests as r').selectAll('r')
    .where((eb) => eb.or([
      eb.and([eb('r.status', '=', 'open'), eb('r.expires_at', '<=', now)]),
      eb.and([eb('r.status', '=', 'handed_over'), eb.not(eb.exists(eb.selectFrom('suggestions as s').select('s.id').whereRef('s.message_id', '=', 'r.message_id')))]),
    ]))
    .orderBy('r.id').limit(limit).execute()
}

/** Gives an open request to an agent; false when it was already filled or handed over (by another instance, say). */
export async function handOverSlotRequest(db: Db, id: number, byMessageId: string | null): Promise<boolean> {
  const result = await db.updateTable('slot_requests').set({ status: 'handed_over', filled_by_message_id: byMessageId }).where('id', '=', id).where('status', '=', 'open').executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}
