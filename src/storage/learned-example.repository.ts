import type { Db } from './create-db.js'
import type { LearnedExampleRow } from './schema.js'

/** Stores a question an agent assigned to an intent; the same text for the same intent is kept once. */
export async function insertLearnedExample(db: Db, row: { intentId: string; text: string; suggestionId: number | null; createdBy: string; createdAt: string }): Promise<void> {
  await db
    .insertInto('learned_examples')
    .values({ intent_id: row.intentId, text: row.text, suggestion_id: row.suggestionId, created_by: row.createdBy, created_at: row.createdAt })
    .onConflict((oc) => oc.columns(['intent_id', 'text']).doNothing())
    .execute()
}

export async function listLearnedExamples(db: Db): Promise<LearnedExampleRow[]> {
  return db.selectFrom('learned_examples').selectAll().orderBy('intent_id').orderBy('id').execute()
}
