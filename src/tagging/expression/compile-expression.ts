import type { Expr, FunctionName } from './ast.js'
import { checkExpression } from './check-expression.js'
import { ExpressionError } from './expression-error.js'
import { parseExpression } from './parse-expression.js'

export type CompileResult = { ok: true; ast: Expr } | { ok: false; error: ExpressionError }

/**
 * Parses and type-checks a rule expression, returning the error instead of throwing (the loader's entry point).
 *
 * @example
 * const result = compileExpression('mesages_30d > 0')
 * // { ok: false, error: '不认识的指标 "mesages_30d"（第 1 列）', hint '你是不是想写 “messages_30d”？' }
 */
export function compileExpression(text: string): CompileResult {
  try {
    const ast = parseExpression(text)
    checkExpression(ast)
    return { ok: true, ast }
  } catch (error) {
    if (error instanceof ExpressionError) return { ok: false, error }
    throw error
  }
}

/**
 * The tag names an expression reads with `has_tag(...)`, with their columns, in reading order.
 *
 * @example
 * tagReferences(parseExpression("has_tag('VIP') or has_tag('新成员')")) // [{ name: 'VIP', column: 1 }, { name: '新成员', column: 19 }]
 */
export function tagReferences(ast: Expr): Array<{ name: string; column: number }> {
  return callArguments(ast, 'has_tag')
}

/** The arguments of every call to `fn` in an expression (e.g. the patterns of `asked()`), in reading order. */
export function callArguments(ast: Expr, fn: FunctionName): Array<{ name: string; column: number }> {
  const found: Array<{ name: string; column: number }> = []
  const walk = (node: Expr): void => {
    if (node.kind === 'call' && node.name === fn) found.push({ name: node.arg, column: node.column })
    else if (node.kind === 'unary') walk(node.operand)
    else if (node.kind === 'in') walk(node.value)
    else if (node.kind === 'binary') {
      walk(node.left)
      walk(node.right)
    }
  }
  walk(ast)
  return found
}
