import { sql } from 'kysely'
import type { Db } from './create-db.js'
import type { WecomCallbackRow } from './schema.js'
import type { WecomCallbackKind } from '../core/vocabulary.js'

/**
 * Stores a verified delivery unless its dedupe key is already there (WeCom's retries).
 * Returns the row's id and whether it was already stored.
 */
export async function insertWecomCallback(db: Db, r: { kind: WecomCallbackKind; dedupeKey: string; payload: string; receivedAt: string }): Promise<{ id: number; duplicate: boolean }> {
  const inserted = await db
    .insertInto('wecom_callbacks')
    .values({ kind: r.kind, dedupe_key: r.dedupeKey, payload: r.payload, received_at: r.receivedAt, status: 'received' })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst()
  if (inserted) return { id: inserted.id, duplicate: false }
  const existing = await db.selectFrom('wecom_callbacks').select('id').where('dedupe_key', '=', r.dedupeKey).executeTakeFirstOrThrow()
  return { id: existing.id, duplicate: true }
}

/** Deliveries not yet processed, oldest first. */
export async function listUnprocessedWecomCallbacks(db: Db, limit: number): Promise<WecomCallbackRow[]> {
  return db.selectFrom('wecom_callbacks').selectAll().where('status', '=', 'received').orderBy('id').limit(limit).execute()
}

export async function findWecomCallback(db: Db, id: number): Promise<WecomCallbackRow | undefined> {
  return db.selectFrom('wecom_callbacks').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function markWecomCallbackProcessed(db: Db, id: number, at: string): Promise<void> {
  await db.updateTable('wecom_callbacks').set({ status: 'processed', processed_at: at, error: null, attempts: sql<number>`attempts + 1` }).where('id', '=', id).execute()
}

/** Puts failed deliveries with fewer than `maxAttempts` attempts back in line; returns how many. */
export async function requeueFailedWecomCallbacks(db: Db, maxAttempts: number): Promise<number> {
  const result = await db.updateTable('wecom_callbacks').set({ status: 'received' }).where('status', '=', 'failed').where('attempts', '<', maxAttempts).executeTakeFirst()
  return Number(result.numUpdatedRows)
}

export async function markWecomCallbackFailed(db: Db, id: number, error: string): Promise<void> {
  await db.updateTable('wecom_callbacks').set({ status: 'failed', error, attempts: sql<number>`attempts + 1` }).where('id', '=', id).execute()
}
