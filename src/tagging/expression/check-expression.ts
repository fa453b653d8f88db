import { didYouMean, didYouMeanHint } from '../../core/did-you-mean.js'
import { isMetricName, METRIC_NAMES, METRICS } from '../metrics.js'
import { ARITHMETIC_OPS, type Expr } from './ast.js'
import { ExpressionError } from './expression-error.js'
import { FUNCTION_NAMES, FUNCTIONS, intentPatternProblem } from './functions.js'

/** Static type of an expression; 'null' is only the literal `null`, which compares with anything. */
export type ExprType = 'number' | 'boolean' | 'string' | 'null'

const NAMES: Record<ExprType, string> = { number: '数字', boolean: '是/否值', string: '文字', null: 'null' }

/**
 * Type-checks a parsed rule against the metric catalogue and the function whitelist, so a typo is an error when
 * the rules load instead of a rule that is silently never true. The whole rule must be a yes/no condition.
 * Throws ExpressionError pointing at the offending part.
 *
 * @example
 * checkExpression(parseExpression("messages_30d == 'abc'"))
 * // throws: 不能拿数字和文字比较（第 17 列）
 */
export function checkExpression(ast: Expr): void {
  const type = typeOf(ast)
  if (type !== 'boolean') {
    throw new ExpressionError(`规则必须是一个是/否条件，现在是${NAMES[type]}`, ast.column, '拿它做比较，如 messages_30d > 0')
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
          throw new ExpressionError(`"${node.name}" 是函数`, node.column, `调用时传入加引号的参数，如 ${FUNCTIONS[node.name as keyof typeof FUNCTIONS].example}`)
        }
        const suggestion = didYouMean(node.name, METRIC_NAMES)
        throw new ExpressionError(`不认识的指标 "${node.name}"`, node.column, suggestion ? didYouMeanHint(suggestion) : '指标列表见 rules/README.md；文字要加引号')
      }
      return METRICS[node.name].type
    }
    case 'call':
      if (node.name === 'has_tag' && node.arg.trim() === '') throw new ExpressionError('has_tag() 需要标签名', node.column, "如 has_tag('VIP')")
      if (node.name === 'asked') {
        const problem = intentPatternProblem(node.arg)
        if (problem) throw new ExpressionError(`asked('${node.arg}') 的意图模式${problem}`, node.column, "写意图 id，或像 asked('logistics.*') 这样的前缀")
      }
      return FUNCTIONS[node.name].returns
    case 'unary': {
      const operand = typeOf(node.operand)
      if (node.op === '-') {
        if (operand !== 'number') throw new ExpressionError(`"-" 后面需要数字，现在是${NAMES[operand]}`, node.operand.column, '负号只能放在数字或数字指标前面')
        return 'number'
      }
      if (operand !== 'boolean') throw new ExpressionError(`"not" 后面需要是/否条件，现在是${NAMES[operand]}`, node.operand.column, '先做比较，如 not (messages_30d > 0)')
      return 'boolean'
    }
    case 'in': {
      const value = typeOf(node.value)
      if (value === 'null') throw new ExpressionError('null 不能放在列表里', node.value.column, '判断没有值请用 == null')
      for (const item of node.items) {
        if (item.kind !== value) {
          throw new ExpressionError(`列表项是${NAMES[item.kind]}，但 "in" 前面的值是${NAMES[value]}`, item.column, '列表里每一项要和前面的值是同一类')
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
        if (bad) throw new ExpressionError(`"${op}" 两边都需要数字，现在有${NAMES[bad === node.left ? left : right]}`, bad.column, '算术只能用数字指标和数字')
        return 'number'
      }
      if (op === 'and' || op === 'or') {
        const bad = left !== 'boolean' ? node.left : right !== 'boolean' ? node.right : undefined
        if (bad) throw new ExpressionError(`"${op}" 两边都需要是/否条件，现在有${NAMES[bad === node.left ? left : right]}`, bad.column, '先做比较，如 messages_30d > 0')
        return 'boolean'
      }
      if (op === '==' || op === '!=') {
        if (left === 'null' && right === 'null') throw new ExpressionError('拿 null 和 null 比较', node.opColumn, '拿指标和 null 比较，如 last_purchase_days == null')
        if (left !== 'null' && right !== 'null' && left !== right) {
          throw new ExpressionError(`不能拿${NAMES[left]}和${NAMES[right]}比较`, node.right.column, `${describeSide(node.left)} 是${NAMES[left]}，要和${NAMES[left]}比较`)
        }
        return 'boolean'
      }
      // < <= > >=
      const bad = left !== 'number' ? node.left : right !== 'number' ? node.right : undefined
      if (bad) {
        const got = bad === node.left ? left : right
        throw new ExpressionError(`"${op}" 只能比较数字，现在有${NAMES[got]}`, bad.column, got === 'null' ? '判断有没有值请用 == null 或 != null' : '文字和是/否值请用 == 或 !=')
      }
      return 'boolean'
    }
  }
}

function describeSide(node: Expr): string {
  return node.kind === 'metric' ? node.name : '左边'
}
