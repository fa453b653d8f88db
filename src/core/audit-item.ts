/** One entry of the audit log as agents and admins read it (GET /api/audit, `qundesk audit`). Types only. */
export interface AuditItem {
  id: number
  at: string
  actor: string
  action: string
  subjectType: string
  subjectId: string
  detail: unknown
}
