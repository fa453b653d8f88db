import { sql, type ExpressionBuilder } from 'kysely'
import type { Db } from './create-db.js'
import type { Database, NewOutboxRow, OutboxRow } from './schema.js'
import type { OutboxStatus } from '../core/vocabulary.js'

/**
 * Queues a send unless one for the same source is already queued or sending (the partial unique index);
 * returns the live row either way.
 */
export async function insertOutboxRow(db: Db, row: NewOutboxRow, options: { once?: boolean } = {}): Promise<OutboxRow> {
  if (options.once) {
    // Some sends happen once per source for good (a follow-up question): any earlier row, even a sent one, wins.
    const earlier = await db.selectFrom('outbox').selectAll().where('source', '=', row.source).orderBy('id').executeTakeFirst()
    if (earlier) return earlier
  }
  // The conflict target repeats the partial index's predicate as literal SQL, or SQLite will not match the index.
  const inserted = await db.insertInto('outbox').values(row).onConflict((oc) => oc.column('source').where(sql<boolean>`status in ('queued', 'sending')`).doNothing()).returningAll().executeTakeFirst()
  if (inserted) return inserted
  return db.selectFrom('outbox').selectAll().where('source', '=', row.source).where('status', 'in', ['queued', 'sending']).executeTakeFirstOrThrow()
}

export async function findOutboxRow(db: Db, id: number): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Rows this instance sends: its own, and rows from before instances (no owner). */
const ownedBy = (instanceId: string) => (eb: ExpressionBuilder<Database, 'outbox'>) => eb.or([eb('instance_id', '=', instanceId), eb('instance_id', 'is', null)])

/** Queued rows of this instance due by `now`, oldest first: the worker's next candidates. */
export async function listDueOutboxRows(db: Db, now: string, limit: number, instanceId: string): Promise<OutboxRow[]> {
  return db.selectFrom('outbox').selectAll().where('status', '=', 'queued').where('next_attempt_at', '<=', now).where(ownedBy(instanceId)).orderBy('id').limit(limit).execute()
}

/** When the earliest queued row of this instance that is not yet due becomes due, if any. */
export async function nextOutboxDueAt(db: Db, instanceId: string): Promise<string | undefined> {
  const row = await db.selectFrom('outbox').select((eb) => eb.fn.min('next_attempt_at').as('at')).where('status', '=', 'queued').where(ownedBy(instanceId)).executeTakeFirst()
  return row?.at ?? undefined
}

/** Conditional move between states: exactly one caller wins a row, which is what rules out a double send. */
export async function transitionOutboxRow(db: Db, id: number, from: OutboxStatus, set: Partial<Omit<OutboxRow, 'id'>> & { status: OutboxStatus }): Promise<boolean> {
  const result = await db.updateTable('outbox').set(set).where('id', '=', id).where('status', '=', from).executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** This instance's rows in a state, e.g. those a previous run handed to the channel without recording the outcome. */
export async function listOutboxRows(db: Db, status: OutboxStatus, instanceId: string, limit = 1000): Promise<OutboxRow[]> {
  return db.selectFrom('outbox').selectAll().where('status', '=', status).where(ownedBy(instanceId)).orderBy('id').limit(limit).execute()
}

/** Queued rows that only instance `instanceId` may send (its account is in their groups). */
export async function listQueuedRowsOf(db: Db, instanceId: string, limit = 1000): Promise<OutboxRow[]> {
  return db.selectFrom('outbox').selectAll().where('status', '=', 'queued').where('instance_id', '=', instanceId).orderBy('id').limit(limit).execute()
}

export async function countOutboxByStatus(db: Db): Promise<Record<OutboxStatus, number>> {
  const rows = await db.selectFrom('outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute()
  const counts: Record<OutboxStatus, number> = { queued: 0, sending: 0, sent: 0, failed: 0 }
  for (const r of rows) counts[r.status] = Number(r.n)
  return counts
}

/** This instance's finished rows whose outcome is not recorded yet (the process stopped in between). */
export async function listUnsettledOutboxRows(db: Db, instanceId: string, limit = 1000): Promise<OutboxRow[]> {
  return db.selectFrom('outbox').selectAll().where('status', 'in', ['sent', 'failed']).where('settled_at', 'is', null).where(ownedBy(instanceId)).orderBy('id').limit(limit).execute()
}

export async function markOutboxSettled(db: Db, id: number, at: string): Promise<void> {
  await db.updateTable('outbox').set({ settled_at: at }).where('id', '=', id).execute()
}

/** Whether a send whose source starts with `prefix` was queued to this member in this group since `since`. */
export async function hasSendToMemberSince(db: Db, prefix: string, groupId: string, memberId: string, since: string): Promise<boolean> {
  const row = await db.selectFrom('outbox').select('id')
    .where('source', 'like', `${prefix}%`).where('group_id', '=', groupId).where('mention_member_id', '=', memberId).where('created_at', '>=', since)
    .limit(1).executeTakeFirst()
  return row !== undefined
}
