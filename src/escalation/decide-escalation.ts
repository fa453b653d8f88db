import type { EmotionResult } from '../nlu/emotion/emotion-types.js'
import { SEVERITY_ORDER, type EscalationReason } from '../core/vocabulary.js'
import type { EscalationPolicy } from '../knowledge/escalation-policy.js'
import { intentMatches } from '../knowledge/intent-pattern.js'
import { toSimplified } from '../nlu/to-simplified.js'

export interface EscalationInput {
  question: string
  /** The accepted intent, if any. */
  intentId: string | null
  emotion: EmotionResult
  /** How many of this member's previous questions in this group, most recent first, went unmatched in a row. */
  previousMisses: number
}

export interface Escalation {
  reason: EscalationReason
  /** For the agent, in Chinese: what triggered it. */
  detail: string
}

const SEVERITY_TEXT = { none: '无', mild: '轻度', moderate: '中度', severe: '严重' } as const
// "不用/不要/无需 转人工" is the customer declining, not asking.
const DECLINED = /(不用|不要|无需|不需要|别)\s*$/u

/**
 * Decides whether a question must go to a human, and why. Pure. Precedence: an explicit request, then severe
 * emotion, then a complaint-type intent, then repeated misses — the first that applies is the reason shown.
 *
 * @example
 * decideEscalation({ question: '转人工', intentId: null, emotion: calm, previousMisses: 0 }, DEFAULT_ESCALATION_POLICY)
 * // { reason: 'keyword', detail: '客户要求人工：转人工' }
 */
export function decideEscalation(input: EscalationInput, policy: EscalationPolicy): Escalation | null {
  // Traditional and simplified alike: 轉人工 asks for a person as clearly as 转人工.
  const text = toSimplified(input.question.normalize('NFKC').toLowerCase())
  for (const keyword of policy.keywords) {
    const at = text.indexOf(toSimplified(keyword.normalize('NFKC').toLowerCase()))
    if (at >= 0 && !DECLINED.test(text.slice(Math.max(0, at - 4), at))) return { reason: 'keyword', detail: `客户要求人工：${keyword}` }
  }
  if (policy.emotion !== 'none' && SEVERITY_ORDER.indexOf(input.emotion.severity) >= SEVERITY_ORDER.indexOf(policy.emotion)) {
    const evidence = input.emotion.signals.slice(0, 3).map((s) => s.text).join('、')
    return { reason: 'emotion', detail: `情绪${SEVERITY_TEXT[input.emotion.severity]}${evidence ? `（${evidence}）` : ''}` }
  }
  if (input.intentId && policy.intents.some((pattern) => intentMatches(pattern, input.intentId!))) {
    return { reason: 'intent', detail: `需人工处理的问题类型：${input.intentId}` }
  }
  if (policy.consecutiveMisses > 0 && input.intentId === null && input.previousMisses + 1 >= policy.consecutiveMisses) {
    return { reason: 'misses', detail: `同一客户连续 ${input.previousMisses + 1} 次没有匹配到答案` }
  }
  return null
}
