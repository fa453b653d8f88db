import { isMetricName, METRICS } from '../metrics.js'
import type { MetricValue } from '../metrics.js'
import type { Expr } from './ast.js'
import { intentPatternMatches } from './functions.js'

type Value = number | string | boolean | null

/** What a compiled predicate reads: metrics by name, the member's tags as a set, questions per intent. */
export interface PredicateFacts {
  readonly metrics: Readonly<Partial<Record<string, MetricValue>>>
  readonly tags: ReadonlySet<string>
  readonly questionsByIntent: Readonly<Record<string, number>>
}

export type Predicate = (facts: PredicateFacts) => boolean

/**
 * Compiles a checked rule into a closure with exactly the semantics of `evaluate()` (null rules included) but
 * without recording what it read: the full re-tag runs every rule for a million members, and only the few tags
 * that changed need their `seen` values (which `evaluate()` then provides). A property test keeps the two equal.
 *
 * @example
 * const isNew = compilePredicate(parseExpression('join_age_days < 7'))
 * isNew({ metrics: { join_age_days: 3 }, tags: new Set(), questionsByIntent: {} }) // true
 */
export function compilePredicate(ast: Expr): Predicate {
  const run = compile(ast)
  return (facts) => run(facts) === true
}

function compile(node: Expr): (facts: PredicateFacts) => Value {
  switch (node.kind) {
    case 'number':
    case 'string':
    case 'boolean': {
      const value = node.value
      return () => value
    }
    case 'null':
      return () => null
    case 'metric': {
      const name = node.name
      if (!isMetricName(name)) return () => null
      const type = METRICS[name].type
      return (facts) => {
        const value = facts.metrics[name]
        if (value === undefined || value === null || typeof value !== type) return null
        if (typeof value === 'number' && !Number.isFinite(value)) return null
        return value
      }
    }
    case 'call': {
      const arg = node.arg
      if (node.name === 'has_tag') return (facts) => facts.tags.has(arg)
      return (facts) => {
        let count = 0
        for (const intentId in facts.questionsByIntent) {
          const n = facts.questionsByIntent[intentId]
          if (n !== undefined && Number.isFinite(n) && intentPatternMatches(arg, intentId)) count += n
        }
        return count
      }
    }
    case 'unary': {
      const operand = compile(node.operand)
      if (node.op === 'not') return (facts) => operand(facts) !== true
      return (facts) => {
        const value = operand(facts)
        return typeof value === 'number' ? -value : null
      }
    }
    case 'in': {
      const value = compile(node.value)
      const items = node.items.map((item) => item.value)
      return (facts) => {
        const v = value(facts)
        return v !== null && items.includes(v)
      }
    }
    case 'binary':
      return compileBinary(node)
  }
}

function compileBinary(node: Extract<Expr, { kind: 'binary' }>): (facts: PredicateFacts) => Value {
  const left = compile(node.left)
  const right = compile(node.right)
  switch (node.op) {
    case 'and':
      return (facts) => left(facts) === true && right(facts) === true
    case 'or':
      return (facts) => left(facts) === true || right(facts) === true
    case '==':
    case '!=': {
      const equal = node.op === '=='
      if (node.left.kind === 'null' || node.right.kind === 'null') {
        const other = node.left.kind === 'null' ? right : left
        return (facts) => (equal ? other(facts) === null : other(facts) !== null)
      }
      return (facts) => {
        const l = left(facts)
        const r = right(facts)
        if (l === null || r === null) return false
        return equal ? l === r : l !== r
      }
    }
    default: {
      const op = node.op
      return (facts) => {
        const l = left(facts)
        const r = right(facts)
        if (typeof l !== 'number' || typeof r !== 'number') return null
        switch (op) {
          case '<': return l < r
          case '<=': return l <= r
          case '>': return l > r
          case '>=': return l >= r
          case '+': return finiteOrNull(l + r)
          case '-': return finiteOrNull(l - r)
          case '*': return finiteOrNull(l * r)
          case '/': return r === 0 ? null : finiteOrNull(l / r)
        }
      }
    }
  }
}

function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? n : null
}
