/**
 * The syntax tree of a rule expression. Every node keeps `column`, the 1-based column where it starts, so the
 * type checker can point at the operand that is wrong; operators also keep `opColumn`.
 */
export type Expr =
  | { kind: 'number'; value: number; column: number }
  | { kind: 'string'; value: string; column: number }
  | { kind: 'boolean'; value: boolean; column: number }
  | { kind: 'null'; column: number }
  | { kind: 'metric'; name: string; column: number }
  | { kind: 'unary'; op: UnaryOp; operand: Expr; column: number }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; column: number; opColumn: number }
  | { kind: 'in'; value: Expr; items: ListItem[]; column: number; opColumn: number }
  | { kind: 'call'; name: FunctionName; arg: string; column: number }

export type UnaryOp = '-' | 'not'
export type ArithmeticOp = '+' | '-' | '*' | '/'
export type ComparisonOp = '==' | '!=' | '<' | '<=' | '>' | '>='
export type LogicalOp = 'and' | 'or'
export type BinaryOp = ArithmeticOp | ComparisonOp | LogicalOp
/** `in [ ... ]` lists hold literals only, so membership never runs code. */
export type ListItem = Extract<Expr, { kind: 'number' | 'string' | 'boolean' }>
export type FunctionName = 'has_tag' | 'asked'

export const COMPARISON_OPS: readonly ComparisonOp[] = ['==', '!=', '<', '<=', '>', '>=']
export const ARITHMETIC_OPS: readonly ArithmeticOp[] = ['+', '-', '*', '/']
