/** DOM ids of one member's page (member.page.ts), and of the parts member.ts builds itself. */
export const MEMBER_IDS = {
  member: 'member',
  name: 'member-name',
  memberships: 'memberships',
  historyTitle: 'history-title',
  tagHistory: 'tag-history',
  crmTitle: 'crm-title',
  crm: 'crm',
  privacy: 'privacy',
  metricLabels: 'metric-labels',
  historyTable: 'history-table',
  declaredManualTags: 'declared-manual-tags',
  privacyTitle: 'privacy-title',
  eraseTitle: 'erase-title',
  eraseConfirm: 'erase-confirm',
} as const
