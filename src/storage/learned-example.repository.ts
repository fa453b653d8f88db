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

/** Removes a learned example once it lives in knowledge/learned.yaml, or when an admin discards the fix. */
export async function deleteLearnedExample(db: Db, row: { intentId: string; text: string }): Promise<number> {
  const result = await db.deleteFrom('learned_examples').where('intent_id', '=', row.intentId).where('text', '=', row.text).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Retention: fixes stored before `before` go (they quote customers); returns how many. */
export async function deleteExpiredLearnedExamples(db: Db, step: { before: string; limit: number }): Promise<number> {
  const ids = db.selectFrom('learned_examples').select('id').where('created_at', '<', step.before).limit(step.limit)
  const result = await db.deleteFrom('learned_examples').where('id', 'in', ids).executeTakeFirst()
  return Number(result.numDeletedRows)
}
