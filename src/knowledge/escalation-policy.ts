import type { Severity } from '../core/vocabulary.js'

/** When a question goes to a human instead of (or besides) a drafted answer. Set in knowledge YAML under `escalation:`. */
export interface EscalationPolicy {
  /** Explicit requests for a person, e.g. 转人工. Matched in the question; "不用转人工" does not count. */
  keywords: readonly string[]
  /** Intent ids that always need a person; `complaint.*` matches every id starting with `complaint.`. */
  intents: readonly string[]
  /** Messages at or above this negative-emotion severity escalate; 'none' turns the rule off. */
  emotion: Severity
  /** The same member unanswered (no intent matched) this many times in a row in a group; 0 turns it off. */
  consecutiveMisses: number
}

export const DEFAULT_ESCALATION_POLICY: EscalationPolicy = Object.freeze({
  keywords: Object.freeze(['转人工', '人工客服', '找人工', '要人工', '真人客服', '找客服', '叫客服', '人工服务']),
  intents: Object.freeze(['complaint.*']),
  emotion: 'severe' as Severity,
  consecutiveMisses: 3,
})
