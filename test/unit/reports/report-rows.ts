import type { JudgedSuggestion } from '../../../src/reports/outcome-tally.js'

let nextId = 1

/**
 * A suggestion as the report query returns it, its outcome judged: an answered-as-drafted question by 小王 unless
 * told otherwise. Resolution and satisfaction stay null (not counted) unless a test gives them.
 */
export function reportRow(overrides: Partial<JudgedSuggestion> = {}): JudgedSuggestion {
  return {
    id: nextId++,
    group_id: 'g1@chatroom',
    group_name: '一号群',
    member_id: 'wxid_c1',
    question: '能开发票吗',
    kind: 'answer',
    intent_id: 'invoice.issue',
    status: 'sent',
    decision: 'sent',
    decided_by: '小王',
    reject_reason: null,
    asked_at: '2026-11-23T02:00:00.000Z',
    replied_at: '2026-11-23T02:00:30.000Z',
    response_ms: 30_000,
    escalation_reason: null,
    resolution: null,
    satisfaction: null,
    ...overrides,
  }
}

export const pendingRow = (overrides: Partial<JudgedSuggestion> = {}) => reportRow({ status: 'pending', decision: null, decided_by: null, replied_at: null, response_ms: null, ...overrides })
export const unmatchedRow = (question: string, overrides: Partial<JudgedSuggestion> = {}) =>
  pendingRow({ kind: 'needs_human', intent_id: null, question, ...overrides })
