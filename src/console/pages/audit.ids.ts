/** DOM ids of the 审计日志 page (audit.page.ts), read by audit.ts. */
export const AUDIT_IDS = {
  table: 'audit-table',
  more: 'audit-more',
} as const
