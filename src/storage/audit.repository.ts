import type { AuditAction } from '../core/audit-item.js'
import { wellFormed } from '../core/well-formed-text.js'
import { chainHash, GENESIS_HASH } from './audit-chain.js'
import type { Db } from './create-db.js'
import { LOCK, lockForTransaction } from './locks.js'
import type { AuditLogRow } from './schema.js'

export interface AuditEntry {
  at: Date
  actor: string
  action: AuditAction
  subjectType: string
  subjectId: string
  detail?: Record<string, unknown>
}

/**
 * Appends to the audit log (every send, approval, rejection, login, setting and tag change), chained: the entry
 * stores the previous entry's hash and its own, so `qundesk audit verify` finds any later edit or deletion.
 * Reading the last hash and inserting happen in one transaction (the caller's, when it already has one), so
 * concurrent appends cannot fork the chain: SQLite has a single writer; on PostgreSQL an advisory lock serialises
 * appends from every process.
 * The hash covers exactly the strings stored: each is made storable first (the database would turn a lone
 * surrogate into U+FFFD, and PostgreSQL refuses a NUL outright), and the actor is capped.
 */
/** Text both databases store as given (no lone surrogate, no NUL): see core/well-formed-text.ts. */
const storable = wellFormed

export async function appendAudit(db: Db, entry: AuditEntry): Promise<void> {
  const fields = {
    at: entry.at.toISOString(),
    actor: capActor(storable(entry.actor)),
    action: storable(entry.action),
    subject_type: storable(entry.subjectType),
    subject_id: storable(entry.subjectId),
    // JSON.stringify escapes NUL, so only surrogates can reach the stored detail.
    detail: wellFormed(JSON.stringify(entry.detail ?? {})),
  }
  const append = async (trx: Db) => {
    await lockForTransaction(trx, LOCK.auditChain)
    const last = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst()
    const prev = last?.hash ?? GENESIS_HASH
    await trx.insertInto('audit_log').values({ ...fields, prev_hash: prev, hash: chainHash(prev, fields) }).execute()
  }
  if (db.isTransaction) await append(db)
  else await db.transaction().execute(append)
}

/** The longest actor an entry keeps, in code points: a name an anonymous caller typed must not fill the log. */
export const MAX_AUDIT_ACTOR = 64

function capActor(actor: string): string {
  const points = Array.from(actor)
  return points.length > MAX_AUDIT_ACTOR ? `${points.slice(0, MAX_AUDIT_ACTOR - 1).join('')}…` : actor
}

/** Every entry in id order, in pages, for verifying the chain without holding the whole log. */
export async function* iterateAudit(db: Db, pageSize = 1000): AsyncGenerator<AuditLogRow> {
  let lastId = 0
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('id', '>', lastId).orderBy('id').limit(pageSize).execute()
    if (rows.length === 0) return
    yield* rows
    lastId = rows[rows.length - 1]!.id
  }
}

export async function listAudit(db: Db, limit = 200, beforeId?: number): Promise<AuditLogRow[]> {
  let query = db.selectFrom('audit_log').selectAll()
  if (beforeId !== undefined) query = query.where('id', '<', beforeId)
  return query.orderBy('id', 'desc').limit(limit).execute()
}
