/** DOM ids of the 报表 page (reports.page.ts), read by reports.ts. */
export const REPORTS_IDS = {
  filter: 'report-filter',
  kpis: 'kpis',
  chartDaily: 'chart-daily',
  chartResponse: 'chart-response',
  chartOutcomes: 'chart-outcomes',
  sla: 'sla',
  tableDaily: 'table-daily',
  tableGroups: 'table-groups',
  tableIntents: 'table-intents',
  tableAgents: 'table-agents',
  resolutionWindow: 'resolution-window',
  tableUnanswered: 'table-unanswered',
  tableUnmatched: 'table-unmatched',
  aiDrafts: 'ai-drafts',
} as const
