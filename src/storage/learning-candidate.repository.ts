import type { Db } from './create-db.js'
import type { LearningCandidateRow, LearningCandidateSource } from './schema.js'

/** Adds a candidate; false when this suggestion already proposed one from the same source (another instance heard it too). */
export async function insertLearningCandidate(db: Db, row: { intentId: string; text: string; source: LearningCandidateSource; suggestionId: number | null; memberId: string | null; proposedBy: string; createdAt: string }): Promise<boolean> {
  const result = await db
    .insertInto('learning_candidates')
    .values({ intent_id: row.intentId, text: row.text, source: row.source, suggestion_id: row.suggestionId, member_id: row.memberId, proposed_by: row.proposedBy, created_at: row.createdAt })
    .onConflict((oc) => oc.columns(['suggestion_id', 'source']).doNothing())
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0
}

/** Pending candidates, oldest first, at most `limit`. */
export async function listLearningCandidates(db: Db, limit: number): Promise<LearningCandidateRow[]> {
  return db.selectFrom('learning_candidates').selectAll().orderBy('id').limit(limit).execute()
}

export async function countLearningCandidates(db: Db): Promise<number> {
  const row = await db.selectFrom('learning_candidates').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirst()
  return Number(row?.n ?? 0)
}

export async function findLearningCandidate(db: Db, id: number): Promise<LearningCandidateRow | undefined> {
  return db.selectFrom('learning_candidates').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Deletes candidates by id; returns how many went (0 when someone decided first). */
export async function deleteLearningCandidates(db: Db, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0
  const result = await db.deleteFrom('learning_candidates').where('id', 'in', [...ids]).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Retention: candidates proposed before `before` go (they quote customers); returns how many. */
export async function deleteExpiredLearningCandidates(db: Db, step: { before: string; limit: number }): Promise<number> {
  const ids = db.selectFrom('learning_candidates').select('id').where('created_at', '<', step.before).limit(step.limit)
  const result = await db.deleteFrom('learning_candidates').where('id', 'in', ids).executeTakeFirst()
  return Number(result.numDeletedRows)
}
