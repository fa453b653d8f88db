import type { ReportSuggestionRow } from '../../../src/storage/report.repository.js'

let nextId = 1

/** A suggestion as the report query returns it: an answered-as-drafted question unless told otherwise. */
export function reportRow(overrides: Partial<ReportSuggestionRow> = {}): ReportSuggestionRow {
  return {
    id: nextId++,
    group_id: 'g1@chatroom',
    group_name: '一号群',
    question: '能开发票吗',
    kind: 'answer',
    status: 'sent',
    decision: 'sent',
    asked_at: '2026-11-23T02:00:00.000Z',
    response_ms: 30_000,
    escalation_reason: null,
    ...overrides,
  }
}

export const pendingRow = (overrides: Partial<ReportSuggestionRow> = {}) => reportRow({ status: 'pending', decision: null, response_ms: null, ...overrides })
export const unmatchedRow = (question: string, overrides: Partial<ReportSuggestionRow> = {}) =>
  pendingRow({ kind: 'needs_human', question, ...overrides })
