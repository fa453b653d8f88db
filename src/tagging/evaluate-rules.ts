import { evaluate } from './expression/evaluate-expression.js'
import type { MemberFacts } from './member-facts.js'
import type { RuleSet } from './rule-set.js'

export interface RulesEvaluation {
  /** Rule tags the member has now, in rule order. */
  tags: string[]
  /** The first lifecycle stage whose tag is set, or null. */
  lifecycle: string | null
  /** One entry per rule, for `qundesk tags explain`. */
  explanations: Array<{ tagId: string; value: boolean; seen: Record<string, unknown> }>
}

/**
 * Computes one member's rule tags and lifecycle stage. Pure. Rules run in order; `has_tag('x')` sees the value
 * computed in this run when x is a rule tag (loadRules guarantees x was defined earlier), and the member's
 * manual tags (`facts.tags`) otherwise — a stale stored copy of a rule tag is never read.
 *
 * @example
 * evaluateRules(rules, { metrics: { join_age_days: 3, messages_30d: 4 } })
 * // { tags: ['新成员', '活跃'], lifecycle: '新成员', explanations: [...] }
 */
export function evaluateRules(rules: RuleSet, facts: MemberFacts): RulesEvaluation {
  const ruleIds = new Set(rules.tags.map((t) => t.id))
  const current = (facts.tags ?? []).filter((t) => !ruleIds.has(t))
  const tags: string[] = []
  const explanations: RulesEvaluation['explanations'] = []
  for (const rule of rules.tags) {
    const { value, seen } = evaluate(rule.ast, { ...facts, tags: current })
    explanations.push({ tagId: rule.id, value, seen })
    if (value) {
      tags.push(rule.id)
      current.push(rule.id)
    }
  }
  const has = new Set(current)
  return { tags, lifecycle: rules.lifecycle.find((stage) => has.has(stage)) ?? null, explanations }
}
