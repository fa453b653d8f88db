import type { MemberFacts } from '../member-facts.js'
import { isMetricName, METRICS } from '../metrics.js'
import type { Expr } from './ast.js'
import { intentPatternMatches } from './functions.js'

type Value = number | string | boolean | null

export interface Evaluation {
  /** The rule's answer; an unknown (null) result counts as false. */
  value: boolean
  /** Every metric (and function call, keyed like `has_tag('VIP')`) the rule read, with the value it saw. */
  seen: Record<string, unknown>
}

/**
 * Evaluates a checked rule for one member. Pure and total: never throws, never runs code from the rule.
 *
 * Null semantics (documented in rules/README.md):
 * - a missing metric reads as null; arithmetic with null gives null; `x / 0` gives null (not Infinity);
 * - `<  <=  >  >=`, `==`, `!=` and `in` with a null operand are false (as in SQL) — except that writing the
 *   literal `null` tests for it: `x == null` is true when x is unknown, `x != null` when it is known;
 * - in yes/no positions null is false, so `not null` is true and `null or true` is true.
 * Both sides of `and` / `or` are evaluated so `seen` is complete for `qundesk tags explain`.
 *
 * @example
 * evaluate(parseExpression('messages_30d == 0 and join_age_days >= 30'), { metrics: { messages_30d: 0, join_age_days: 45 } })
 * // { value: true, seen: { messages_30d: 0, join_age_days: 45 } }
 */
export function evaluate(ast: Expr, facts: MemberFacts): Evaluation {
  const seen: Record<string, unknown> = {}
  const tags = new Set(facts.tags ?? [])
  const run = (node: Expr): Value => {
    switch (node.kind) {
      case 'number':
      case 'string':
      case 'boolean':
        return node.value
      case 'null':
        return null
      case 'metric': {
        const value = readMetric(facts, node.name)
        seen[node.name] = value
        return value
      }
      case 'call': {
        if (node.name === 'has_tag') {
          const has = tags.has(node.arg)
          seen[`has_tag('${node.arg}')`] = has
          return has
        }
        let count = 0
        for (const [intentId, n] of Object.entries(facts.questionsByIntent ?? {})) {
          if (intentPatternMatches(node.arg, intentId) && Number.isFinite(n)) count += n
        }
        seen[`asked('${node.arg}')`] = count
        return count
      }
      case 'unary': {
        const operand = run(node.operand)
        if (node.op === 'not') return !truthy(operand)
        return typeof operand === 'number' ? -operand : null
      }
      case 'in': {
        const value = run(node.value)
        return value !== null && node.items.some((item) => item.value === value)
      }
      case 'binary': {
        const left = run(node.left)
        const right = run(node.right)
        switch (node.op) {
          case 'and':
            return truthy(left) && truthy(right)
          case 'or':
            return truthy(left) || truthy(right)
          case '==':
          case '!=': {
            if (node.left.kind === 'null' || node.right.kind === 'null') {
              const other = node.left.kind === 'null' ? right : left
              return node.op === '==' ? other === null : other !== null
            }
            if (left === null || right === null) return false
            return node.op === '==' ? left === right : left !== right
          }
          default: {
            if (typeof left !== 'number' || typeof right !== 'number') return null
            switch (node.op) {
              case '<': return left < right
              case '<=': return left <= right
              case '>': return left > right
              case '>=': return left >= right
              case '+': return finiteOrNull(left + right)
              case '-': return finiteOrNull(left - right)
              case '*': return finiteOrNull(left * right)
              case '/': return right === 0 ? null : finiteOrNull(left / right)
            }
          }
        }
      }
    }
  }
  return { value: truthy(run(ast)), seen }
}

/** A metric as the catalogue promises it: anything missing, non-finite or of the wrong type is unknown. */
function readMetric(facts: MemberFacts, name: string): Value {
  if (!isMetricName(name)) return null
  const value = facts.metrics[name]
  if (value === undefined || value === null || typeof value !== METRICS[name].type) return null
  if (typeof value === 'number' && !Number.isFinite(value)) return null
  return value
}

function truthy(value: Value): boolean {
  return value === true
}

function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? n : null
}
