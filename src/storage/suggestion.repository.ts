import { CompiledQuery, sql } from 'kysely'
import type { Db } from './create-db.js'
import { isPostgres } from './dialect.js'
import type { NewSuggestionRow, SuggestionRow, SuggestionUpdate } from './schema.js'
import type { SuggestionKind, SuggestionStatus } from '../core/vocabulary.js'

/** Suggestions that answer a customer's question; tag actions (outreach, reminder) are not questions. */
export const QUESTION_KINDS: SuggestionKind[] = ['answer', 'needs_human']

/** Creates the suggestion for a message; returns the existing one if that message already has one. */
export async function insertSuggestion(db: Db, row: NewSuggestionRow): Promise<SuggestionRow> {
  // RETURNING gives the new row in the same statement; a message that has its suggestion already gets that one.
  const inserted = await insertSuggestionRow(db, row)
  return inserted ?? db.selectFrom('suggestions').selectAll().where('message_id', '=', row.message_id).executeTakeFirstOrThrow()
}

const buildInsert = (db: Db, row: NewSuggestionRow) =>
  db.insertInto('suggestions').values(row).onConflict((oc) => oc.column('message_id').doNothing()).returningAll()

/**
 * Every answered question inserts one: the SQL is compiled once per database kind and column set, then run with
 * fresh parameters (kysely's building was a visible share of a burst). Only on a database without plugins: the
 * content-sealing plugin (QUNDESK_CONTENT_KEYS) changes the values as the query is built, so there the builder runs
 * every time. Kept only when the compiled parameters come in column order.
 */
const insertStatements = new Map<string, string | null>()
async function insertSuggestionRow(db: Db, row: NewSuggestionRow): Promise<SuggestionRow | undefined> {
  if (db.getExecutor().plugins.length > 0) return buildInsert(db, row).executeTakeFirst()
  const columns = Object.keys(row).filter((c) => row[c as keyof NewSuggestionRow] !== undefined) as Array<keyof NewSuggestionRow>
  const key = `${isPostgres(db) ? 'pg' : 'sqlite'}:${columns.join(',')}`
  let sqlText = insertStatements.get(key)
  if (sqlText === undefined) {
    const sample = Object.fromEntries(columns.map((c) => [c, `$${c}`])) as unknown as NewSuggestionRow
    const compiled = buildInsert(db, sample).compile()
    sqlText = JSON.stringify(compiled.parameters) === JSON.stringify(columns.map((c) => `$${c}`)) ? compiled.sql : null
    insertStatements.set(key, sqlText)
  }
  if (sqlText === null) return buildInsert(db, row).executeTakeFirst()
  const result = await db.executeQuery<SuggestionRow>(CompiledQuery.raw(sqlText, columns.map((c) => row[c])))
  return result.rows[0]
}

export async function findSuggestion(db: Db, id: number): Promise<SuggestionRow | undefined> {
  return db.selectFrom('suggestions').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function listSuggestions(db: Db, filter: { status?: SuggestionStatus; groupId?: string; limit?: number } = {}): Promise<SuggestionRow[]> {
  let query = db.selectFrom('suggestions').selectAll()
  if (filter.status) query = query.where('status', '=', filter.status)
  if (filter.groupId) query = query.where('group_id', '=', filter.groupId)
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit ?? 200).execute()
}

/** What a decision must still hold true in the row, checked by the same UPDATE that records it. */
export interface TransitionGuard {
  /** The version the agent saw: refused when the row changed since. */
  version?: number | undefined
  /** Refused while someone else's claim is in force (claimed_at at or after `since`, see claimCutoff). */
  claim?: { actor: string; since: string } | undefined
}

/** Every change to a suggestion moves its version on: decisions name the version they were taken on. */
export const NEXT_VERSION = sql<number>`version + 1`

/**
 * Moves a suggestion from one status to another only if it is still in `from` (and, with a guard, still at the
 * version the agent saw and not held by a colleague). The single conditional UPDATE is what makes "two agents click
 * send" safe, on one process or several: exactly one of them gets `true`. The version moves on; a decided
 * suggestion (anything but pending or failed) holds no claim.
 */
export async function transitionSuggestion(db: Db, id: number, from: SuggestionStatus | readonly SuggestionStatus[], set: SuggestionUpdate & { status: SuggestionStatus }, guard: TransitionGuard = {}): Promise<boolean> {
  const states = typeof from === 'string' ? [from] : [...from]
  const open = set.status === 'pending' || set.status === 'failed'
  const result = await db.updateTable('suggestions')
    .set({ ...set, ...(open ? {} : { claimed_by: null, claimed_at: null }), version: NEXT_VERSION })
    .where('id', '=', id).where('status', 'in', states)
    .$if(guard.version !== undefined, (q) => q.where('version', '=', guard.version as number))
    .$if(guard.claim !== undefined, (q) => q.where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claimed_by', '=', guard.claim!.actor), eb('claimed_at', '<', guard.claim!.since)])))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * Claims (or renews the claim on) a suggestion in `states` for `actor` at `at`: refused while another's claim
 * younger than `since` is in force, unless `takeOver`. A claim is not a change to the item: the version stays, so a
 * colleague's view of the draft is not made stale by someone opening it.
 */
export async function claimSuggestion(db: Db, id: number, states: readonly SuggestionStatus[], claim: { actor: string; at: string; since: string; takeOver: boolean }): Promise<boolean> {
  const result = await db.updateTable('suggestions').set({ claimed_by: claim.actor, claimed_at: claim.at })
    .where('id', '=', id).where('status', 'in', [...states])
    .$if(!claim.takeOver, (q) => q.where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claimed_by', '=', claim.actor), eb('claimed_at', '<', claim.since)])))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Lets go of `actor`'s claims in force other than on `keepId` (an agent works on one item at a time); returns their ids. */
export async function releaseOtherClaims(db: Db, actor: string, keepId: number, since: string): Promise<number[]> {
  const held = await db.selectFrom('suggestions').select('id').where('claimed_by', '=', actor).where('claimed_at', '>=', since).where('id', '!=', keepId).execute()
  if (held.length === 0) return []
  const ids = held.map((r) => r.id)
  await db.updateTable('suggestions').set({ claimed_by: null, claimed_at: null }).where('id', 'in', ids).where('claimed_by', '=', actor).execute()
  return ids
}

/** Pending suggestions of one group and recent decided ones for a member: the context beside a suggestion. */
export async function listMemberSuggestions(db: Db, memberId: string, limit = 20): Promise<SuggestionRow[]> {
  return db.selectFrom('suggestions').selectAll().where('member_id', '=', memberId).where('kind', 'in', QUESTION_KINDS).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
}

/** How many of a member's latest questions in a group went unmatched in a row (most recent first). */
export async function countRecentMisses(db: Db, memberId: string, groupId: string, limit = 20): Promise<number> {
  const rows = await db
    .selectFrom('suggestions')
    .select(['kind'])
    .where('kind', 'in', QUESTION_KINDS)
    .where('member_id', '=', memberId)
    .where('group_id', '=', groupId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
  const firstHit = rows.findIndex((r) => r.kind !== 'needs_human')
  return firstHit === -1 ? rows.length : firstHit
}

/** Pending suggestions asked before `askedBefore` that no rule has escalated yet: candidates for the SLA rule. */
export async function listOverdueUnescalated(db: Db, askedBefore: string, limit = 500): Promise<SuggestionRow[]> {
  return db
    .selectFrom('suggestions')
    .selectAll()
    .where('status', '=', 'pending')
    .where('escalation_reason', 'is', null)
    .where('kind', 'in', QUESTION_KINDS)
    .where('asked_at', '<', askedBefore)
    .orderBy('asked_at')
    .limit(limit)
    .execute()
}

/** When the member's oldest question still waiting in this group was asked; undefined when none waits. */
export async function oldestOpenQuestionAt(db: Db, groupId: string, memberId: string): Promise<string | undefined> {
  const row = await db.selectFrom('suggestions').select((eb) => eb.fn.min<string>('asked_at').as('at'))
    .where('group_id', '=', groupId).where('member_id', '=', memberId).where('status', 'in', ['pending', 'sending']).where('kind', 'in', QUESTION_KINDS)
    .executeTakeFirst()
  return row?.at ?? undefined
}

/** The member's attention item still waiting in this group, if any: later upset messages fold into it. */
export async function findPendingAttention(db: Db, groupId: string, memberId: string): Promise<SuggestionRow | undefined> {
  return db.selectFrom('suggestions').selectAll()
    .where('group_id', '=', groupId).where('member_id', '=', memberId).where('kind', '=', 'attention').where('status', '=', 'pending')
    .orderBy('id', 'desc').limit(1).executeTakeFirst()
}

/** The member's needs-human item for a picture or file they sent, still waiting in this group (the newest). */
export async function findPendingMediaItem(db: Db, groupId: string, memberId: string): Promise<SuggestionRow | undefined> {
  return db.selectFrom('suggestions').selectAll()
    .where('group_id', '=', groupId).where('member_id', '=', memberId).where('kind', '=', 'needs_human').where('status', '=', 'pending')
    .where('message_id', 'in', db.selectFrom('message_media').select('message_id').where('group_id', '=', groupId).where('sender_id', '=', memberId))
    .orderBy('id', 'desc').limit(1).executeTakeFirst()
}

/**
 * Items for a person (needs-human, escalated, attention) still waiting since before `askedBefore` that the agents'
 * group has not been told about yet (no `suggestion.wait_alerted` audit entry), oldest first.
 */
export async function listLongWaitingUnalerted(db: Db, askedBefore: string, limit = 50): Promise<SuggestionRow[]> {
  return db.selectFrom('suggestions as s').selectAll('s')
    .where('s.status', '=', 'pending')
    .where((eb) => eb.or([eb('s.kind', 'in', ['needs_human', 'attention']), eb('s.escalation_reason', 'is not', null)]))
    .where('s.asked_at', '<=', askedBefore)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('audit_log as a').select('a.id')
      .where('a.action', '=', 'suggestion.wait_alerted').where('a.subject_type', '=', 'suggestion')
      .whereRef('a.subject_id', '=', sql<string>`CAST(s.id AS TEXT)`))))
    .orderBy('s.asked_at').limit(limit).execute()
}

/** Questions no intent matched (needs-human items without an intent), asked since `since`, newest first, at most `limit`. */
export async function listUnmatchedQuestions(db: Db, filter: { since: string; limit: number }): Promise<string[]> {
  const rows = await db.selectFrom('suggestions').select(['question'])
    .where('kind', '=', 'needs_human').where('intent_id', 'is', null).where('asked_at', '>=', filter.since).where('content_purged_at', 'is', null)
    .orderBy('asked_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute()
  return rows.map((r) => r.question).filter((q) => q.trim() !== '')
}
