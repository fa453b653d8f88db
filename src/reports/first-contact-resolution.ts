import { CUSTOMER_ESCALATION_REASONS, type EscalationReason } from '../core/vocabulary.js'

/**
 * How long after a reply we watch the customer for a re-ask, an escalation or a thanks: a day covers "tried it this
 * evening, came back next morning" without mixing in next week's new problem. The report service takes another
 * window (`resolutionWindowHours`) where a team needs one; the page and CSVs state the one used.
 */
export const RESOLUTION_WINDOW_HOURS = 24

/** resolved: the window passed quietly; unresolved: a re-ask or escalation came; open: still watching. */
export type Resolution = 'resolved' | 'unresolved' | 'open'

/** A question the same member asked after the reply, within the window (the repository finds them). */
export interface LaterQuestion {
  intentId: string | null
  escalationReason: EscalationReason | null
}

/**
 * Whether an answered question was resolved on first contact: the same member did not ask the same intent again,
 * nor escalate (转人工, complaint, strong emotion, repeated misses — not an SLA overrun, which is the agents' delay),
 * within the window after the reply. Until the window has passed a quiet question is `open`, not resolved: today's
 * figures would otherwise read 100%. A question without an intent (answered by hand) fails only on an escalation.
 *
 * @example
 * judgeResolution({ intentId: 'invoice.issue', repliedAt: '2026-11-23T02:00:00.000Z' }, [{ intentId: 'invoice.issue', escalationReason: null }], new Date('2026-11-23T03:00:00.000Z'), 24)
 * // 'unresolved'
 * judgeResolution({ intentId: 'invoice.issue', repliedAt: '2026-11-23T02:00:00.000Z' }, [], new Date('2026-11-24T02:00:00.000Z'), 24)
 * // 'resolved' (the window ends 24 h after the reply)
 */
export function judgeResolution(
  answered: { intentId: string | null; repliedAt: string },
  later: readonly LaterQuestion[],
  now: Date,
  windowHours: number,
): Resolution {
  const failed = later.some((q) =>
    (answered.intentId !== null && q.intentId === answered.intentId) ||
    (q.escalationReason !== null && (CUSTOMER_ESCALATION_REASONS as readonly string[]).includes(q.escalationReason)))
  if (failed) return 'unresolved'
  return now.getTime() >= Date.parse(answered.repliedAt) + windowHours * 3_600_000 ? 'resolved' : 'open'
}

/**
 * A share as a ratio 0..1, or null when nothing was counted (a rate of nothing is not 0%).
 *
 * @example
 * rateOf(2, 3)   // 0.6667
 * rateOf(0, 0)   // null
 */
export function rateOf(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000
}
