import type { Clock } from '../core/clock.js'
import { appendAudit } from '../storage/audit.repository.js'
import type { Db } from '../storage/create-db.js'
import { findSuggestion, listOverdueUnescalated, transitionSuggestion } from '../storage/suggestion.repository.js'
import { toSuggestion, type Suggestion } from '../suggestions/suggestion.js'

/**
 * Sends @-mentions still pending past the SLA to a human (reason `sla`, audited), once each; returns the ones it
 * escalated now. A scheduled job runs it every minute; the suggestion stays pending, only more visible.
 *
 * @example
 * const escalated = await escalateOverdue({ db, clock, notify: suggestions.notify }, 15)
 */
export async function escalateOverdue(deps: { db: Db; clock: Clock; notify: (suggestion: Suggestion) => void }, slaMinutes: number): Promise<Suggestion[]> {
  const { db } = deps
  const now = deps.clock()
  const overdue = await listOverdueUnescalated(db, new Date(now.getTime() - slaMinutes * 60_000).toISOString())
  const escalated: Suggestion[] = []
  for (const row of overdue) {
    const waited = Math.round((now.getTime() - Date.parse(row.asked_at)) / 60_000)
    // Conditional on still pending: an agent who decided meanwhile wins, and a second run finds nothing to do.
    const changed = await transitionSuggestion(db, row.id, 'pending', { status: 'pending', escalation_reason: 'sla', escalation_detail: `超过 SLA（${slaMinutes} 分钟）未回复，已等待 ${waited} 分钟` })
    if (!changed) continue
    await appendAudit(db, { at: now, actor: 'system', action: 'suggestion.escalated', subjectType: 'suggestion', subjectId: String(row.id), detail: { reason: 'sla', waitedMinutes: waited } })
    const updated = await findSuggestion(db, row.id)
    if (!updated) continue
    const suggestion = toSuggestion(updated, now)
    deps.notify(suggestion)
    escalated.push(suggestion)
  }
  return escalated
}
