import { didYouMean } from '../../core/did-you-mean.js'
import { isMetricName, METRIC_NAMES, METRICS } from '../metrics.js'
import { ARITHMETIC_OPS, type Expr } from './ast.js'
import { ExpressionError } from './expression-error.js'
import { FUNCTION_NAMES, FUNCTIONS, intentPatternProblem } from './functions.js'

/** Static type of an expression; 'null' is only the literal `null`, which compares with anything. */
export type ExprType = 'number' | 'boolean' | 'string' | 'null'

const NAMES: Record<ExprType, string> = { number: 'a number', boolean: 'a yes/no value', string: 'text', null: 'null' }

/**
 * Type-checks a parsed rule against the metric catalogue and the function whitelist, so a typo is an error when
 * the rules load instead of a rule that is silently never true. The whole rule must be a yes/no condition.
 * Throws ExpressionError pointing at the offending part.
 *
 * @example
 * checkExpression(parseExpression("messages_30d == 'abc'"))
 * // throws: cannot compare a number with text at column 17
 */
export function checkExpression(ast: Expr): void {
  const type = typeOf(ast)
  if (type !== 'boolean') {
    throw new ExpressionError(`the rule must be a yes/no condition, but it is ${NAMES[type]}`, ast.column, 'compare it, e.g. messages_30d > 0')
  }
}

function typeOf(node: Expr): ExprType {
  switch (node.kind) {
    case 'number':
    case 'string':
    case 'boolean':
      return node.kind
    case 'null':
      return 'null'
    case 'metric': {
      if (!isMetricName(node.name)) {
        if ((FUNCTION_NAMES as string[]).includes(node.name)) {
          throw new ExpressionError(`"${node.name}" is a function`, node.column, `call it with a quoted argument, e.g. ${FUNCTIONS[node.name as keyof typeof FUNCTIONS].example}`)
        }
        const suggestion = didYouMean(node.name, METRIC_NAMES)
        throw new ExpressionError(`unknown metric "${node.name}"`, node.column, suggestion ? `did you mean "${suggestion}"?` : 'see the metric list in rules/README.md; put text in quotes')
      }
      return METRICS[node.name].type
    }
    case 'call':
      if (node.name === 'has_tag' && node.arg.trim() === '') throw new ExpressionError('has_tag() needs a tag name', node.column, "e.g. has_tag('VIP')")
      if (node.name === 'asked') {
        const problem = intentPatternProblem(node.arg)
        if (problem) throw new ExpressionError(`asked('${node.arg}') pattern ${problem}`, node.column, "use an intent id or a prefix such as asked('logistics.*')")
      }
      return FUNCTIONS[node.name].returns
    case 'unary': {
      const operand = typeOf(node.operand)
      if (node.op === '-') {
        if (operand !== 'number') throw new ExpressionError(`"-" needs a number, got ${NAMES[operand]}`, node.operand.column, 'put the minus sign before a number or a number metric')
        return 'number'
      }
      if (operand !== 'boolean') throw new ExpressionError(`"not" needs a yes/no condition, got ${NAMES[operand]}`, node.operand.column, 'compare it first, e.g. not (messages_30d > 0)')
      return 'boolean'
    }
    case 'in': {
      const value = typeOf(node.value)
      if (value === 'null') throw new ExpressionError('null cannot be in a list', node.value.column, 'test for a missing value with == null')
      for (const item of node.items) {
        if (item.kind !== value) {
          throw new ExpressionError(`list item is ${NAMES[item.kind]}, but the value before "in" is ${NAMES[value]}`, item.column, 'make every list item the same kind as the value')
        }
      }
      return 'boolean'
    }
    case 'binary': {
      const left = typeOf(node.left)
      const right = typeOf(node.right)
      const op = node.op
      if ((ARITHMETIC_OPS as readonly string[]).includes(op)) {
        const bad = left !== 'number' ? node.left : right !== 'number' ? node.right : undefined
        if (bad) throw new ExpressionError(`"${op}" needs numbers on both sides, got ${NAMES[bad === node.left ? left : right]}`, bad.column, 'use number metrics and numbers in arithmetic')
        return 'number'
      }
      if (op === 'and' || op === 'or') {
        const bad = left !== 'boolean' ? node.left : right !== 'boolean' ? node.right : undefined
        if (bad) throw new ExpressionError(`"${op}" needs yes/no conditions on both sides, got ${NAMES[bad === node.left ? left : right]}`, bad.column, 'compare it first, e.g. messages_30d > 0')
        return 'boolean'
      }
      if (op === '==' || op === '!=') {
        if (left === 'null' && right === 'null') throw new ExpressionError('comparing null with null', node.opColumn, 'compare a metric with null, e.g. last_purchase_days == null')
        if (left !== 'null' && right !== 'null' && left !== right) {
          throw new ExpressionError(`cannot compare ${NAMES[left]} with ${NAMES[right]}`, node.right.column, `${describeSide(node.left)} is ${NAMES[left]}; compare it with ${NAMES[left]}`)
        }
        return 'boolean'
      }
      // < <= > >=
      const bad = left !== 'number' ? node.left : right !== 'number' ? node.right : undefined
      if (bad) {
        const got = bad === node.left ? left : right
        throw new ExpressionError(`"${op}" compares numbers, got ${NAMES[got]}`, bad.column, got === 'null' ? 'use == null or != null to test for a missing value' : 'use == or != for text and yes/no values')
      }
      return 'boolean'
    }
  }
}

function describeSide(node: Expr): string {
  return node.kind === 'metric' ? node.name : 'the left side'
}
