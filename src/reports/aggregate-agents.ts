import type { AgentTotal } from '../core/report.js'
import { needsHuman } from '../core/vocabulary.js'
import { ERASED_REJECT_REASON } from '../storage/member-data.repository.js'
import { OutcomeTally, type JudgedSuggestion } from './outcome-tally.js'
import { percentile } from './percentile.js'

/** The `decided_by` of the bot's own sends (suggestions/suggestion-service.ts): not an agent. */
export const BOT_ACTOR = 'bot'

/**
 * Per-agent figures from the range's suggestions: what each person decided (sent as drafted, edited, rejected),
 * their first-response median and P90 over what they sent, the 需人工 questions they closed, and resolution and
 * satisfaction over their replies. A claim still sending or failed is not a decision yet, nor the rejection an
 * admin's erasure of the member wrote (privacy, not handling). Most decisions first.
 *
 * @example
 * aggregateAgents(rows)   // [{ agent: '小王', handled: 3, sent: 1, edited: 1, rejected: 1, escalationsClosed: 1, medianResponseMs: 45_000, ... }]
 */
export function aggregateAgents(suggestions: readonly JudgedSuggestion[]): AgentTotal[] {
  const byAgent = new Map<string, { sent: number; edited: number; rejected: number; escalationsClosed: number; responseMs: number[]; outcomes: OutcomeTally }>()
  for (const row of suggestions) {
    if (row.decided_by === null || row.decided_by === BOT_ACTOR) continue
    if (row.decision !== 'sent' && row.decision !== 'edited' && row.decision !== 'rejected') continue
    if (row.decision === 'rejected' && row.reject_reason === ERASED_REJECT_REASON) continue
    let agent = byAgent.get(row.decided_by)
    if (!agent) byAgent.set(row.decided_by, (agent = { sent: 0, edited: 0, rejected: 0, escalationsClosed: 0, responseMs: [], outcomes: new OutcomeTally() }))
    agent[row.decision] += 1
    if (needsHuman({ kind: row.kind, escalationReason: row.escalation_reason })) agent.escalationsClosed += 1
    if (row.decision !== 'rejected' && row.response_ms !== null) agent.responseMs.push(row.response_ms)
    agent.outcomes.add(row)
  }
  return [...byAgent]
    .map(([name, a]): AgentTotal => ({
      agent: name,
      handled: a.sent + a.edited + a.rejected,
      sent: a.sent,
      edited: a.edited,
      rejected: a.rejected,
      escalationsClosed: a.escalationsClosed,
      medianResponseMs: percentile(a.responseMs, 50),
      p90ResponseMs: percentile(a.responseMs, 90),
      ...a.outcomes.counts(),
    }))
    .sort((a, b) => b.handled - a.handled || a.agent.localeCompare(b.agent, 'zh-CN'))
}
