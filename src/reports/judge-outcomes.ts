import type { FollowUpMessageRow, LaterQuestionRow, ReportSuggestionRow } from '../storage/report.repository.js'
import { judgeResolution, type LaterQuestion } from './first-contact-resolution.js'
import type { JudgedSuggestion } from './outcome-tally.js'
import { judgeSatisfaction, type FollowUpMessage } from './satisfaction-signal.js'

/** Decisions that put a reply in the group: only these have a resolution and a satisfaction. */
const REPLIED = new Set(['auto_sent', 'sent', 'edited'])

/**
 * Attaches to each replied question its first-contact resolution and satisfaction, from the later questions and
 * follow-up messages the repository found for it (keyed by `answered_id`). Unreplied questions get null for both.
 * The window is checked again here, so the result never depends on how the SQL rounded it.
 *
 * @example
 * judgeOutcomes({ suggestions, later: [], followUps: [{ answered_id: 7, question: '谢谢', ... }], now, windowHours: 24 })
 * // [{ ...suggestion7, resolution: 'open', satisfaction: 'positive' }]
 */
export function judgeOutcomes(input: {
  suggestions: readonly ReportSuggestionRow[]
  later: readonly LaterQuestionRow[]
  followUps: readonly FollowUpMessageRow[]
  now: Date
  windowHours: number
}): JudgedSuggestion[] {
  const laterOf = groupBy(input.later, (row): LaterQuestion => ({ intentId: row.intent_id, escalationReason: row.escalation_reason }))
  const windowMs = input.windowHours * 3_600_000
  const followUpsOf = new Map<number, Array<FollowUpMessage & { sentAt: string }>>()
  for (const row of input.followUps) {
    // PostgreSQL drivers may hand ids back as strings from a join: compare as numbers.
    const id = Number(row.answered_id)
    let list = followUpsOf.get(id)
    if (!list) followUpsOf.set(id, (list = []))
    list.push({ text: row.question, emotionSeverity: row.emotion_severity, sentAt: row.sent_at })
  }
  return input.suggestions.map((s) => {
    if (s.replied_at === null || s.decision === null || !REPLIED.has(s.decision)) return { ...s, resolution: null, satisfaction: null }
    const windowEnd = Date.parse(s.replied_at) + windowMs
    const followUps = (followUpsOf.get(Number(s.id)) ?? []).filter((m) => Date.parse(m.sentAt) <= windowEnd)
    return {
      ...s,
      resolution: judgeResolution({ intentId: s.intent_id, repliedAt: s.replied_at }, laterOf.get(Number(s.id)) ?? [], input.now, input.windowHours),
      satisfaction: judgeSatisfaction(followUps),
    }
  })
}

function groupBy(rows: readonly LaterQuestionRow[], map: (row: LaterQuestionRow) => LaterQuestion): Map<number, LaterQuestion[]> {
  const out = new Map<number, LaterQuestion[]>()
  for (const row of rows) {
    const id = Number(row.answered_id)
    let list = out.get(id)
    if (!list) out.set(id, (list = []))
    list.push(map(row))
  }
  return out
}
