import { sql, type RawBuilder } from 'kysely'
import type { Db } from './create-db.js'
import { isPostgres } from './dialect.js'
import type { SuggestionRow } from './schema.js'
import { QUESTION_KINDS } from './suggestion.repository.js'

/** The columns the reports aggregate: small on purpose, a 92-day range can hold many suggestions. */
export type ReportSuggestionRow = Pick<SuggestionRow, 'id' | 'group_id' | 'group_name' | 'member_id' | 'question' | 'kind' | 'intent_id' | 'status' | 'decision' | 'decided_by' | 'reject_reason' | 'asked_at' | 'replied_at' | 'response_ms' | 'escalation_reason'>

export type OverdueSuggestionRow = Pick<SuggestionRow, 'id' | 'group_id' | 'group_name' | 'member_name' | 'question' | 'asked_at'>

/** A question the same member asked after an answered one, within the window: `answered_id` is the answered one. */
export interface LaterQuestionRow {
  answered_id: number
  intent_id: string | null
  escalation_reason: SuggestionRow['escalation_reason']
}

/** A message the same member wrote in the same group after an answered question's reply, within the window. */
export interface FollowUpMessageRow {
  answered_id: number
  question: string
  emotion_severity: string | null
  sent_at: string
}

interface AnsweredFilter { fromIso: string; toIso: string; groupId?: string; windowHours: number }

/**
 * Suggestions whose question was asked in `[fromIso, toIso)`, oldest first. A plain select on ISO-8601 UTC
 * strings (they compare as strings) so the same query runs on SQLite and PostgreSQL; aggregation is done in
 * TypeScript by src/reports/.
 *
 * @example
 * await listReportSuggestions(db, { fromIso: '2026-11-22T16:00:00.000Z', toIso: '2026-11-23T16:00:00.000Z' })
 */
export async function listReportSuggestions(db: Db, filter: { fromIso: string; toIso: string; groupId?: string }): Promise<ReportSuggestionRow[]> {
  let query = db
    .selectFrom('suggestions')
    .select(['id', 'group_id', 'group_name', 'member_id', 'question', 'kind', 'intent_id', 'status', 'decision', 'decided_by', 'reject_reason', 'asked_at', 'replied_at', 'response_ms', 'escalation_reason'])
    .where('kind', 'in', QUESTION_KINDS)
    .where('asked_at', '>=', filter.fromIso)
    .where('asked_at', '<', filter.toIso)
  if (filter.groupId) query = query.where('group_id', '=', filter.groupId)
  return query.orderBy('asked_at').orderBy('id').execute()
}

/**
 * For every question asked in the range and replied to, the questions the same member asked after the reply and
 * within `windowHours` of it (in any group: a customer who re-asks elsewhere was not helped either). One self-join;
 * the reports decide which of them undo a first-contact resolution.
 *
 * @example
 * await listLaterQuestions(db, { fromIso, toIso, windowHours: 24 })   // [{ answered_id: 7, intent_id: 'invoice.issue', escalation_reason: null }]
 */
export async function listLaterQuestions(db: Db, filter: AnsweredFilter): Promise<LaterQuestionRow[]> {
  let query = db
    .selectFrom('suggestions as s')
    .innerJoin('suggestions as later', (join) => join
      .onRef('later.member_id', '=', 's.member_id')
      .onRef('later.id', '<>', 's.id')
      .onRef('later.asked_at', '>', 's.replied_at')
      .on('later.asked_at', '<=', windowEnd(db, 's.replied_at', filter.windowHours)))
    .select(['s.id as answered_id', 'later.intent_id', 'later.escalation_reason'])
    .where('s.kind', 'in', QUESTION_KINDS)
    .where('later.kind', 'in', QUESTION_KINDS)
    .where('s.replied_at', 'is not', null)
    .where('s.asked_at', '>=', filter.fromIso)
    .where('s.asked_at', '<', filter.toIso)
  if (filter.groupId) query = query.where('s.group_id', '=', filter.groupId)
  return query.orderBy('s.id').orderBy('later.asked_at').execute()
}

/**
 * For every question asked in the range and replied to, what the same member then wrote in the same group within
 * `windowHours` of the reply, oldest first. The text is read (and opened, when content is sealed) here and judged in
 * TypeScript: sealed content cannot be searched in SQL.
 *
 * @example
 * await listFollowUpMessages(db, { fromIso, toIso, windowHours: 24 })   // [{ answered_id: 7, question: '谢谢', emotion_severity: 'none', sent_at: '…' }]
 */
export async function listFollowUpMessages(db: Db, filter: AnsweredFilter): Promise<FollowUpMessageRow[]> {
  let query = db
    .selectFrom('suggestions as s')
    .innerJoin('messages as m', (join) => join
      .onRef('m.group_id', '=', 's.group_id')
      .onRef('m.sender_id', '=', 's.member_id')
      .onRef('m.sent_at', '>', 's.replied_at')
      .on('m.sent_at', '<=', windowEnd(db, 's.replied_at', filter.windowHours)))
    .select(['s.id as answered_id', 'm.question', 'm.emotion_severity', 'm.sent_at'])
    .where('m.from_self', '=', 0)
    .where('s.kind', 'in', QUESTION_KINDS)
    .where('s.replied_at', 'is not', null)
    .where('s.asked_at', '>=', filter.fromIso)
    .where('s.asked_at', '<', filter.toIso)
  if (filter.groupId) query = query.where('s.group_id', '=', filter.groupId)
  return query.orderBy('s.id').orderBy('m.sent_at').execute()
}

/**
 * Suggestions still `pending` whose question was asked strictly before `askedBefore`, oldest first: the
 * @-mentions past the SLA.
 *
 * @example
 * await listOverdueSuggestions(db, { askedBefore: '2026-11-23T07:45:00.000Z', groupId: 'g1@chatroom' })
 */
export async function listOverdueSuggestions(db: Db, filter: { askedBefore: string; groupId?: string }): Promise<OverdueSuggestionRow[]> {
  let query = db
    .selectFrom('suggestions')
    .select(['id', 'group_id', 'group_name', 'member_name', 'question', 'asked_at'])
    .where('status', '=', 'pending')
    .where('kind', 'in', QUESTION_KINDS)
    .where('asked_at', '<', filter.askedBefore)
  if (filter.groupId) query = query.where('group_id', '=', filter.groupId)
  return query.orderBy('asked_at').orderBy('id').execute()
}

/**
 * `column` (an ISO-8601 UTC string) plus `hours`, as the same ISO string format, so it compares with stored
 * timestamps as a string on both databases. The hours are a checked number written into the SQL, not user text.
 */
function windowEnd(db: Db, column: string, hours: number): RawBuilder<string> {
  const seconds = Math.round(hours * 3600)
  if (!Number.isSafeInteger(seconds)) throw new Error(`resolution window must be a finite number of hours (got ${hours})`)
  if (isPostgres(db)) {
    return sql<string>`to_char((${sql.ref(column)}::timestamptz + ${sql.lit(seconds)} * interval '1 second') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
  }
  return sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', ${sql.ref(column)}, ${sql.lit(`+${seconds} seconds`)})`
}
