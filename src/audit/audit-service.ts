import { appendAudit, listAudit, type AuditEntry } from '../storage/audit.repository.js'
import type { AuditItem } from '../core/audit-item.js'
import type { Db } from '../storage/create-db.js'

export type { AuditItem } from '../core/audit-item.js'

export interface AuditService {
  /** Newest first; `before` pages back by id. */
  list(options?: { limit?: number; before?: number }): Promise<AuditItem[]>
  /** Appends an entry, for actions a route runs itself (e.g. an admin's full re-tag) rather than a service that audits. */
  record(entry: AuditEntry): Promise<void>
}

/**
 * Reads the audit log (services append to it as they act) and records the few actions no service audits.
 *
 * @example
 * const items = await createAuditService({ db }).list({ limit: 50 })
 */
export function createAuditService(deps: { db: Db }): AuditService {
  return {
    async list(options = {}) {
      const rows = await listAudit(deps.db, options.limit ?? 200, options.before)
      return rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, subjectType: r.subject_type, subjectId: r.subject_id, detail: JSON.parse(r.detail) as unknown }))
    },
    record: (entry) => appendAudit(deps.db, entry),
  }
}
