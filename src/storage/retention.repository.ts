import { sql, type RawBuilder } from 'kysely'
import type { Db } from './create-db.js'
import { NEXT_VERSION } from './suggestion.repository.js'

/**
 * One bounded step of the retention purge each: at most `limit` rows per statement, so SQLite's single writer is
 * never held for long and the console and the bot keep working between steps. Rows stay (the counts the tags,
 * metrics and reports read: sender, group, times, status, emotion, decision); only their content is blanked.
 * Each function returns how many rows it changed; the caller repeats until a step changes fewer than `limit`.
 */
export interface PurgeStep {
  /** Content older than this (ISO-8601 UTC) goes. */
  before: string
  /** When the purge ran (stored as content_purged_at). */
  at: string
  limit: number
}

/** A nullable text column blanked: '' where something was written, null stays null (null means "none", e.g. no draft). */
export const blankIfSet = (column: string): RawBuilder<string | null> => sql<string | null>`CASE WHEN ${sql.ref(column)} IS NULL THEN NULL ELSE '' END`

/** Message text, question and sender name; the error too (it may quote the text). Uses the partial index of unpurged rows. */
export async function purgeMessageContent(db: Db, step: PurgeStep): Promise<number> {
  const ids = db.selectFrom('messages').select('id').where('content_purged_at', 'is', null).where('sent_at', '<', step.before).limit(step.limit)
  const result = await db
    .updateTable('messages')
    .set({ text: '', question: '', sender_name: '', error: blankIfSet('error'), content_purged_at: step.at })
    .where('id', 'in', ids)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/**
 * Suggestions' question, drafts, sent reply, member name and free-text notes (a reject reason or an emotion's
 * evidence can quote the customer), by when the question was asked: a question goes with its message. One being
 * sent right now is left for the next run.
 */
export async function purgeSuggestionContent(db: Db, step: PurgeStep): Promise<number> {
  const ids = db.selectFrom('suggestions').select('id')
    .where('content_purged_at', 'is', null).where('asked_at', '<', step.before).where('status', '!=', 'sending')
    .limit(step.limit)
  const result = await db
    .updateTable('suggestions')
    .set({
      question: '', member_name: '', text: blankIfSet('text'), final_text: blankIfSet('final_text'), reject_reason: blankIfSet('reject_reason'),
      escalation_detail: blankIfSet('escalation_detail'), last_error: blankIfSet('last_error'), content_purged_at: step.at, version: NEXT_VERSION,
    })
    .where('id', 'in', ids)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** Keyset steps for tables with an integer id: `afterId` moves forward, so rows already emptied are read once. */
export interface KeysetStep extends PurgeStep {
  afterId: number
}

export interface KeysetResult {
  changed: number
  /** The last id looked at; pass it as the next step's afterId. */
  lastId: number
  /** False when the table has no more rows past lastId. */
  more: boolean
}

async function keyset(ids: number[], limit: number, update: (ids: number[]) => Promise<number>): Promise<KeysetResult> {
  const lastId = ids[ids.length - 1] ?? 0
  return { changed: ids.length > 0 ? await update(ids) : 0, lastId, more: ids.length === limit }
}

/** The question stored with a follow-up request (the customer's words); the slot names and status stay. */
export async function purgeSlotRequestContent(db: Db, step: KeysetStep): Promise<KeysetResult> {
  const rows = await db.selectFrom('slot_requests').select('id').where('id', '>', step.afterId).where('asked_at', '<', step.before).orderBy('id').limit(step.limit).execute()
  return keyset(rows.map((r) => r.id), step.limit, async (ids) => {
    const result = await db.updateTable('slot_requests').set({ question: '' }).where('id', 'in', ids).where('question', '!=', '').executeTakeFirst()
    return Number(result.numUpdatedRows)
  })
}

/**
 * The decrypted payload (raw XML/JSON with user ids and text) of processed WeCom deliveries; the row and its
 * dedupe key stay so a late retry from WeCom is still recognised. Unprocessed or failed ones keep theirs: they may
 * still be (re)processed.
 */
export async function purgeWecomCallbackPayloads(db: Db, step: KeysetStep): Promise<KeysetResult> {
  const rows = await db.selectFrom('wecom_callbacks').select('id')
    .where('status', '=', 'processed').where('id', '>', step.afterId).where('received_at', '<', step.before)
    .orderBy('id').limit(step.limit).execute()
  return keyset(rows.map((r) => r.id), step.limit, async (ids) => {
    const result = await db.updateTable('wecom_callbacks').set({ payload: '' }).where('id', 'in', ids).where('payload', '!=', '').executeTakeFirst()
    return Number(result.numUpdatedRows)
  })
}

/** The text and mentioned name of finished sends; queued or in-flight ones are left alone. */
export async function purgeOutboxContent(db: Db, step: KeysetStep): Promise<KeysetResult> {
  const rows = await db.selectFrom('outbox').select('id')
    .where('id', '>', step.afterId).where('created_at', '<', step.before).where('status', 'in', ['sent', 'failed'])
    .orderBy('id').limit(step.limit).execute()
  return keyset(rows.map((r) => r.id), step.limit, async (ids) => {
    const result = await db.updateTable('outbox').set({ text: '', mention_member_name: blankIfSet('mention_member_name') })
      .where('id', 'in', ids).where((eb) => eb.or([eb('text', '!=', ''), eb('mention_member_name', '!=', '')]))
      .executeTakeFirst()
    return Number(result.numUpdatedRows)
  })
}

/** AI-bot reply addresses that expired before `before`: unusable, and each names one customer's message. */
export async function deleteExpiredResponseUrls(db: Db, step: { before: string; limit: number }): Promise<number> {
  const ids = db.selectFrom('wecom_response_urls').select('message_id').where('expires_at', '<', step.before).limit(step.limit)
  const result = await db.deleteFrom('wecom_response_urls').where('message_id', 'in', ids).executeTakeFirst()
  return Number(result.numDeletedRows)
}
