import type { Db } from './create-db.js'
import type { AiDraftRow, NewAiDraftRow, SuggestionRow } from './schema.js'
import { NEXT_VERSION } from './suggestion.repository.js'

/** Records one request to the AI drafter; a second record for the same suggestion (another instance) is dropped. */
export async function insertAiDraft(db: Db, row: NewAiDraftRow): Promise<void> {
  await db.insertInto('ai_drafts').values(row).onConflict((oc) => oc.column('suggestion_id').doNothing()).execute()
}

/**
 * Puts an AI draft into a suggestion that still waits with no text. A claim does not stop it: the agent who opened
 * the item is the one it is for (their pane shows it, and keeps what they are typing instead if they are). A decided
 * item, or one that got a text meanwhile (an intent fix), is never overwritten. One conditional UPDATE, so it is safe
 * against a decision on another instance. The version moves on, as for every change. True when written.
 */
export async function fillAiDraft(db: Db, id: number, draft: { text: string; intentIds: readonly string[] }): Promise<boolean> {
  const result = await db.updateTable('suggestions')
    .set({ text: draft.text, ai_draft_intents: JSON.stringify(draft.intentIds), version: NEXT_VERSION })
    .where('id', '=', id).where('status', '=', 'pending').where('text', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** An AI draft's accounting with what became of its suggestion, for the reports. */
export type AiDraftReportRow = Pick<AiDraftRow, 'outcome' | 'prompt_tokens' | 'completion_tokens' | 'tokens_estimated' | 'cost'> & Pick<SuggestionRow, 'status' | 'decision'>

/** AI draft requests for questions asked in `[fromIso, toIso)` (optionally one group): the reports total them. */
export async function listAiDraftsForReport(db: Db, filter: { fromIso: string; toIso: string; groupId?: string }): Promise<AiDraftReportRow[]> {
  let query = db.selectFrom('ai_drafts as d').innerJoin('suggestions as s', 's.id', 'd.suggestion_id')
    .select(['d.outcome', 'd.prompt_tokens', 'd.completion_tokens', 'd.tokens_estimated', 'd.cost', 's.status', 's.decision'])
    .where('s.asked_at', '>=', filter.fromIso).where('s.asked_at', '<', filter.toIso)
  if (filter.groupId) query = query.where('s.group_id', '=', filter.groupId)
  return query.execute()
}
