import { didYouMean, didYouMeanHint } from '../../core/did-you-mean.js'
import { COMPARISON_OPS, type BinaryOp, type ComparisonOp, type Expr, type FunctionName, type ListItem } from './ast.js'
import { ExpressionError, MAX_EXPRESSION_DEPTH } from './expression-error.js'
import { FUNCTION_NAMES, FUNCTIONS } from './functions.js'
import { tokenize, type Token } from './tokenize.js'

const KEYWORDS = ['and', 'or', 'not', 'in', 'true', 'false', 'null'] as const

/**
 * Parses a rule expression into an AST by recursive descent. Precedence, lowest first:
 * `or` / `||`, `and` / `&&`, `not` / `!`, comparisons and `in [...]` (not chainable), `+ -`, `* /`, unary `-`.
 * Throws ExpressionError with the column of the first problem. Names are not checked here (see checkExpression).
 *
 * @example
 * parseExpression('a or b and c') // or(a, and(b, c))
 * parseExpression('join_scene in [1, 3]') // { kind: 'in', value: metric join_scene, items: [1, 3] }
 */
export function parseExpression(text: string): Expr {
  if (text.trim() === '') throw new ExpressionError('条件是空的', 1, '写一个条件，如 messages_30d > 0')
  return new Parser(tokenize(text)).parseAll()
}

class Parser {
  private pos = 0
  private depth = 0

  constructor(private readonly tokens: Token[]) {}

  parseAll(): Expr {
    const expr = this.parseOr()
    const next = this.peek()
    if (next.type !== 'end') throw this.unexpected(next)
    return expr
  }

  private parseOr(): Expr {
    let left = this.parseAnd()
    for (let op = this.peek(); isWord(op, 'or') || isOp(op, '||'); op = this.peek()) {
      this.pos++
      left = binary('or', left, this.parseAnd(), op.column)
    }
    return left
  }

  private parseAnd(): Expr {
    let left = this.parseNot()
    for (let op = this.peek(); isWord(op, 'and') || isOp(op, '&&'); op = this.peek()) {
      this.pos++
      left = binary('and', left, this.parseNot(), op.column)
    }
    return left
  }

  private parseNot(): Expr {
    const token = this.peek()
    if (isWord(token, 'not') || isOp(token, '!')) {
      this.pos++
      const operand = this.nested(token, () => this.parseNot())
      return { kind: 'unary', op: 'not', operand, column: token.column }
    }
    return this.parseComparison()
  }

  private parseComparison(): Expr {
    const left = this.parseAdditive()
    const op = this.peek()
    if (isWord(op, 'in')) {
      this.pos++
      return { kind: 'in', value: left, items: this.parseList(), column: left.column, opColumn: op.column }
    }
    if (op.type !== 'op' || !(COMPARISON_OPS as readonly string[]).includes(op.text)) return left
    this.pos++
    const node = binary(op.text as ComparisonOp, left, this.parseAdditive(), op.column)
    const chained = this.peek()
    if ((chained.type === 'op' && (COMPARISON_OPS as readonly string[]).includes(chained.text)) || isWord(chained, 'in')) {
      throw new ExpressionError(`比较不能连写（"${chained.text}"）`, chained.column, '写成用 and 连接的两个比较，如 a >= 1 and a <= 5')
    }
    return node
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative()
    for (let op = this.peek(); isOp(op, '+') || isOp(op, '-'); op = this.peek()) {
      this.pos++
      left = binary(op.text as '+' | '-', left, this.parseMultiplicative(), op.column)
    }
    return left
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary()
    for (let op = this.peek(); isOp(op, '*') || isOp(op, '/'); op = this.peek()) {
      this.pos++
      left = binary(op.text as '*' | '/', left, this.parseUnary(), op.column)
    }
    return left
  }

  private parseUnary(): Expr {
    const token = this.peek()
    if (isOp(token, '-')) {
      this.pos++
      const operand = this.nested(token, () => this.parseUnary())
      // Fold `-5` into a literal so `in [-1, 0]` and error messages read naturally.
      if (operand.kind === 'number') return { kind: 'number', value: -operand.value, column: token.column }
      return { kind: 'unary', op: '-', operand, column: token.column }
    }
    return this.parsePrimary()
  }

  private parsePrimary(): Expr {
    const token = this.next()
    switch (token.type) {
      case 'number':
        return { kind: 'number', value: token.value, column: token.column }
      case 'string':
        return { kind: 'string', value: token.value, column: token.column }
      case 'end':
        throw new ExpressionError('条件没写完', token.column, '结尾缺了东西，如 ">" 后面的数字')
      case 'op':
        if (token.text === '(') {
          const inner = this.nested(token, () => this.parseOr())
          const close = this.next()
          if (!isOp(close, ')')) {
            if (close.type === 'end') throw new ExpressionError('"(" 没有闭合', token.column, '补上对应的 ")"')
            throw this.unexpected(close)
          }
          return inner
        }
        throw this.unexpected(token)
      case 'name': {
        if (token.text === 'true' || token.text === 'false') return { kind: 'boolean', value: token.text === 'true', column: token.column }
        if (token.text === 'null') return { kind: 'null', column: token.column }
        if ((KEYWORDS as readonly string[]).includes(token.text)) throw this.unexpected(token)
        if (isOp(this.peek(), '(')) return this.parseCall(token)
        if (['AND', 'OR', 'NOT', 'IN', 'TRUE', 'FALSE', 'NULL'].includes(token.text)) {
          throw new ExpressionError(`"${token.text}" 必须小写`, token.column, `写成 ${token.text.toLowerCase()}`)
        }
        return { kind: 'metric', name: token.text, column: token.column }
      }
    }
  }

  private parseCall(name: Extract<Token, { type: 'name' }>): Expr {
    if (!(FUNCTION_NAMES as string[]).includes(name.text)) {
      const suggestion = didYouMean(name.text, FUNCTION_NAMES)
      throw new ExpressionError(`不认识的函数 "${name.text}"`, name.column, suggestion ? didYouMeanHint(suggestion) : `可用的函数：${FUNCTION_NAMES.join('、')}`)
    }
    const fn = name.text as FunctionName
    this.pos++ // (
    const arg = this.next()
    const close = this.next()
    if (arg.type !== 'string' || !isOp(close, ')')) {
      const at = arg.type !== 'string' ? arg : close
      throw new ExpressionError(`${fn}() 只接受一个加引号的文字参数`, at.column, `如 ${FUNCTIONS[fn].example}`)
    }
    return { kind: 'call', name: fn, arg: arg.value, column: name.column }
  }

  private parseList(): ListItem[] {
    const open = this.next()
    if (!isOp(open, '[')) throw new ExpressionError('"in" 后面必须是 [ ] 列表', open.column, '如 join_scene in [1, 3]')
    const items: ListItem[] = []
    for (;;) {
      const token = this.next()
      if (isOp(token, ']') && items.length === 0) throw new ExpressionError('列表是空的', token.column, '列表里至少放一个值')
      let item: ListItem
      if (token.type === 'number' || token.type === 'string') item = { kind: token.type, value: token.value, column: token.column } as ListItem
      else if (isWord(token, 'true') || isWord(token, 'false')) item = { kind: 'boolean', value: token.text === 'true', column: token.column }
      else if (isOp(token, '-') && this.peek().type === 'number') {
        const number = this.next() as Extract<Token, { type: 'number' }>
        item = { kind: 'number', value: -number.value, column: token.column }
      } else if (token.type === 'end') throw new ExpressionError('"[" 没有闭合', open.column, '补上对应的 "]"')
      else throw new ExpressionError(`列表项必须是数字或加引号的文字，现在是 "${token.text}"`, token.column, '如 [1, 3] 或 [\'a\', \'b\']')
      items.push(item)
      const separator = this.next()
      if (isOp(separator, ']')) return items
      if (separator.type === 'end') throw new ExpressionError('"[" 没有闭合', open.column, '补上对应的 "]"')
      if (!isOp(separator, ',')) throw new ExpressionError(`这里应是 "," 或 "]"，却是 "${separator.text}"`, separator.column, '列表项之间用逗号分隔')
    }
  }

  /** Runs a nested parse, refusing to go deeper than MAX_EXPRESSION_DEPTH (hostile `((((...` input). */
  private nested<T>(token: Token, parse: () => T): T {
    if (++this.depth > MAX_EXPRESSION_DEPTH) {
      throw new ExpressionError(`条件嵌套太深（超过 ${MAX_EXPRESSION_DEPTH} 层）`, token.column, '去掉多余的括号，或把规则拆成两个标签')
    }
    try {
      return parse()
    } finally {
      this.depth--
    }
  }

  private peek(): Token {
    return this.tokens[this.pos] ?? (this.tokens[this.tokens.length - 1] as Token)
  }

  private next(): Token {
    const token = this.peek()
    if (token.type !== 'end') this.pos++
    return token
  }

  private unexpected(token: Token): ExpressionError {
    if (token.type === 'end') return new ExpressionError('条件没写完', token.column, '结尾缺了东西')
    const hint = isOp(token, ')') ? '删掉它，或补上对应的 "("'
      : token.type === 'name' || token.type === 'number' || token.type === 'string' ? '它前面缺少运算符，如 and、or、==、>'
      : '检查它前后的运算符'
    return new ExpressionError(`这里不应出现 "${token.text}"`, token.column, hint)
  }
}

function binary(op: BinaryOp, left: Expr, right: Expr, opColumn: number): Expr {
  return { kind: 'binary', op, left, right, column: left.column, opColumn }
}

function isOp(token: Token, text: string): boolean {
  return token.type === 'op' && token.text === text
}

function isWord(token: Token, word: string): boolean {
  return token.type === 'name' && token.text === word
}
