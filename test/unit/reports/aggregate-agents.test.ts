import { describe, expect, it } from 'vitest'
import { aggregateAgents } from '../../../src/reports/aggregate-agents.js'
import { ERASED_REJECT_REASON } from '../../../src/storage/member-data.repository.js'
import { pendingRow, reportRow } from './report-rows.js'

describe('aggregateAgents', () => {
  it('counts what each agent decided, their response times over what they sent, and the 需人工 they closed', () => {
    const rows = [
      reportRow({ decided_by: '小王', decision: 'sent', response_ms: 10_000, resolution: 'resolved', satisfaction: 'positive' }),
      reportRow({ decided_by: '小王', decision: 'edited', kind: 'needs_human', intent_id: null, response_ms: 30_000, resolution: 'unresolved', satisfaction: 'negative' }),
      reportRow({ decided_by: '小王', decision: 'rejected', status: 'rejected', escalation_reason: 'keyword', replied_at: null, response_ms: null }),
      reportRow({ decided_by: '小李', decision: 'sent', response_ms: 90_000, resolution: 'open', satisfaction: 'unknown' }),
      // Not an agent's decision: the bot's own send, a claim still sending, an erasure's cancel, a question nobody touched.
      reportRow({ decided_by: 'bot', decision: 'auto_sent', resolution: 'resolved', satisfaction: 'positive' }),
      pendingRow({ decided_by: '小李', status: 'sending' }),
      reportRow({ decided_by: '老板', decision: 'rejected', status: 'rejected', reject_reason: ERASED_REJECT_REASON, replied_at: null, response_ms: null }),
      pendingRow(),
    ]
    expect(aggregateAgents(rows)).toEqual([
      {
        agent: '小王', handled: 3, sent: 1, edited: 1, rejected: 1, escalationsClosed: 2, medianResponseMs: 20_000, p90ResponseMs: 28_000,
        answered: 2, resolved: 1, unresolved: 1, resolutionOpen: 0, resolutionRate: 0.5, positive: 1, negative: 1, noFeedback: 0, satisfactionRate: 0.5,
      },
      {
        agent: '小李', handled: 1, sent: 1, edited: 0, rejected: 0, escalationsClosed: 0, medianResponseMs: 90_000, p90ResponseMs: 90_000,
        answered: 1, resolved: 0, unresolved: 0, resolutionOpen: 1, resolutionRate: null, positive: 0, negative: 0, noFeedback: 1, satisfactionRate: null,
      },
    ])
  })

  it('lists nobody when only the bot answered', () => {
    expect(aggregateAgents([reportRow({ decided_by: 'bot', decision: 'auto_sent' })])).toEqual([])
  })
})
