import type { Db } from './create-db.js'
import type { AuditLogRow } from './schema.js'

export interface AuditEntry {
  at: Date
  actor: string
  action: string
  subjectType: string
  subjectId: string
  detail?: Record<string, unknown>
}

/** Appends to the audit log: every send, approval, rejection (and later logins and setting changes). */
export async function appendAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: entry.at.toISOString(),
      actor: entry.actor,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .execute()
}

export async function listAudit(db: Db, limit = 200, beforeId?: number): Promise<AuditLogRow[]> {
  let query = db.selectFrom('audit_log').selectAll()
  if (beforeId !== undefined) query = query.where('id', '<', beforeId)
  return query.orderBy('id', 'desc').limit(limit).execute()
}
