import type { Db } from './create-db.js'
import type { SuggestionRow } from './schema.js'
import { QUESTION_KINDS } from './suggestion.repository.js'

/** The columns the reports aggregate: small on purpose, a 92-day range can hold many suggestions. */
export type ReportSuggestionRow = Pick<SuggestionRow, 'id' | 'group_id' | 'group_name' | 'question' | 'kind' | 'status' | 'decision' | 'asked_at' | 'response_ms' | 'escalation_reason'>

export type OverdueSuggestionRow = Pick<SuggestionRow, 'id' | 'group_id' | 'group_name' | 'member_name' | 'question' | 'asked_at'>

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
    .select(['id', 'group_id', 'group_name', 'question', 'kind', 'status', 'decision', 'asked_at', 'response_ms', 'escalation_reason'])
    .where('kind', 'in', QUESTION_KINDS)
    .where('asked_at', '>=', filter.fromIso)
    .where('asked_at', '<', filter.toIso)
  if (filter.groupId) query = query.where('group_id', '=', filter.groupId)
  return query.orderBy('asked_at').orderBy('id').execute()
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
