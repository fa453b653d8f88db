import type { AiDraftTotals } from '../core/report.js'
import type { AiDraftReportRow } from '../storage/ai-draft.repository.js'

export const NO_AI_DRAFTS: AiDraftTotals = Object.freeze({
  requested: 0, drafted: 0, failed: 0, timedOut: 0, superseded: 0, sentUnchanged: 0, edited: 0, rejected: 0,
  promptTokens: 0, completionTokens: 0, estimatedTokens: 0, cost: 0,
})

/**
 * Totals of the AI drafter's requests: outcomes, what became of the drafts shown (sent as drafted, edited,
 * rejected: only drafts that reached the queue count there), tokens and cost (rounded to 1e-6). Pure.
 *
 * @example
 * aggregateAiDrafts([{ outcome: 'drafted', prompt_tokens: 300, completion_tokens: 40, tokens_estimated: 0, cost: 0.001, status: 'sent', decision: 'edited' }])
 * // { requested: 1, drafted: 1, edited: 1, promptTokens: 300, completionTokens: 40, cost: 0.001, … }
 */
export function aggregateAiDrafts(rows: readonly AiDraftReportRow[]): AiDraftTotals {
  const t = { ...NO_AI_DRAFTS }
  for (const r of rows) {
    t.requested++
    if (r.outcome === 'drafted') t.drafted++
    else if (r.outcome === 'timeout') t.timedOut++
    else if (r.outcome === 'superseded') t.superseded++
    else t.failed++
    if (r.outcome === 'drafted') {
      if (r.status === 'sent' && r.decision === 'sent') t.sentUnchanged++
      else if (r.status === 'sent' && r.decision === 'edited') t.edited++
      else if (r.status === 'rejected') t.rejected++
    }
    t.promptTokens += Number(r.prompt_tokens)
    t.completionTokens += Number(r.completion_tokens)
    if (Number(r.tokens_estimated) === 1) t.estimatedTokens++
    t.cost += Number(r.cost)
  }
  t.cost = Math.round(t.cost * 1e6) / 1e6
  return t
}
