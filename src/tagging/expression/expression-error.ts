/**
 * A problem in one rule expression, pointing at the 1-based column (in characters, so Chinese text in quotes
 * counts one per character). `message` already ends with "（第 N 列）"; `hint` says how to fix it.
 *
 * @example
 * new ExpressionError('多了 ")"', 12, '删掉它，或补上对应的 "("').message
 * // '多了 ")"（第 12 列）'
 */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError'
  constructor(
    /** What is wrong, without the position. */
    readonly problem: string,
    readonly column: number,
    readonly hint: string,
  ) {
    super(`${problem}（第 ${column} 列）`)
  }
}

/** Rules are admin-written: 500 characters is several lines of conditions; more belongs in two tags. */
export const MAX_EXPRESSION_LENGTH = 500
/** Parentheses / `not` / unary minus nested deeper than this are a mistake or an attack on the parser's stack. */
export const MAX_EXPRESSION_DEPTH = 32
