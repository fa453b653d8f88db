/**
 * A problem in one rule expression, pointing at the 1-based column (in characters, so Chinese text in quotes
 * counts one per character). `message` already ends with "at column N"; `hint` says how to fix it.
 *
 * @example
 * new ExpressionError('unexpected ")"', 12, 'remove it or add the matching "("').message
 * // 'unexpected ")" at column 12'
 */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError'
  constructor(
    /** What is wrong, without the position. */
    readonly problem: string,
    readonly column: number,
    readonly hint: string,
  ) {
    super(`${problem} at column ${column}`)
  }
}

/** Rules are admin-written: 500 characters is several lines of conditions; more belongs in two tags. */
export const MAX_EXPRESSION_LENGTH = 500
/** Parentheses / `not` / unary minus nested deeper than this are a mistake or an attack on the parser's stack. */
export const MAX_EXPRESSION_DEPTH = 32
