import { evaluate } from './expression/evaluate-expression.js'
import type { MemberFacts } from './member-facts.js'
import type { RuleSet, TagRule } from './rule-set.js'
import { compilePredicate, type Predicate } from './expression/compile-predicate.js'

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

const predicates = new WeakMap<TagRule, Predicate>()
const predicateOf = (rule: TagRule): Predicate => {
  let predicate = predicates.get(rule)
  if (!predicate) predicates.set(rule, (predicate = compilePredicate(rule.ast)))
  return predicate
}

/**
 * The same tags and lifecycle as `evaluateRules`, without explanations: compiled predicates, one tag set per
 * member. What the full re-tag runs a million times; ask `seenBy` for the values behind the few tags that changed.
 *
 * @example
 * tagMember(rules, { metrics: { join_age_days: 3 } }) // { tags: ['新成员'], lifecycle: '新成员' }
 */
export function tagMember(rules: RuleSet, facts: MemberFacts): Pick<RulesEvaluation, 'tags' | 'lifecycle'> {
  const current = new Set(facts.tags ?? [])
  for (const rule of rules.tags) current.delete(rule.id)
  const view = { metrics: facts.metrics, tags: current, questionsByIntent: facts.questionsByIntent ?? {} }
  const tags: string[] = []
  for (const rule of rules.tags) {
    if (predicateOf(rule)(view)) {
      tags.push(rule.id)
      current.add(rule.id)
    }
  }
  let lifecycle: string | null = null
  for (const stage of rules.lifecycle) {
    if (current.has(stage)) {
      lifecycle = stage
      break
    }
  }
  return { tags, lifecycle }
}

/**
 * The values one rule read for a member, given the rule tags computed in the same run (`has_tag()` of an earlier
 * rule sees that run's value, exactly as in `evaluateRules`).
 */
export function seenBy(rule: TagRule, facts: MemberFacts, ruleTags: readonly string[]): Record<string, unknown> {
  const manual = (facts.tags ?? []).filter((t) => !ruleTags.includes(t))
  return evaluate(rule.ast, { ...facts, tags: [...manual, ...ruleTags] }).seen
}
