import { describe, expect, it } from 'vitest'
import { compileExpression } from '../../../src/tagging/expression/compile-expression.js'
import { evaluate } from '../../../src/tagging/expression/evaluate-expression.js'
import { ExpressionError } from '../../../src/tagging/expression/expression-error.js'
import { parseExpression } from '../../../src/tagging/expression/parse-expression.js'
import type { Expr } from '../../../src/tagging/expression/ast.js'
import type { MemberFacts } from '../../../src/tagging/member-facts.js'

/** The error as the admin sees it: `message — hint`, or 'ok'. */
function errorOf(text: string): string {
  const result = compileExpression(text)
  return result.ok ? 'ok' : `${result.error.message} — ${result.error.hint}`
}

function run(text: string, facts: MemberFacts) {
  const result = compileExpression(text)
  if (!result.ok) throw new Error(result.error.message)
  return evaluate(result.ast, facts)
}

/** A compact rendering of the tree to assert precedence: (op left right). */
function show(node: Expr): string {
  switch (node.kind) {
    case 'number': case 'boolean': return String(node.value)
    case 'string': return `'${node.value}'`
    case 'null': return 'null'
    case 'metric': return node.name
    case 'call': return `${node.name}('${node.arg}')`
    case 'unary': return `(${node.op} ${show(node.operand)})`
    case 'in': return `(in ${show(node.value)} [${node.items.map((i) => String(i.value)).join(', ')}])`
    case 'binary': return `(${node.op} ${show(node.left)} ${show(node.right)})`
  }
}

describe('parseExpression: precedence and forms', () => {
  it.each([
    ['a or b and c', '(or a (and b c))'],
    ['a and b or c', '(or (and a b) c)'],
    ['a || b && !c', '(or a (and b (not c)))'],
    ['not a == 1', '(not (== a 1))'],
    ['1 + 2 * 3 - 4 / 2', '(- (+ 1 (* 2 3)) (/ 4 2))'],
    ['(1 + 2) * 3', '(* (+ 1 2) 3)'],
    ['-x * 2', '(* (- x) 2)'],
    ['x > -1.5', '(> x -1.5)'],
    ['join_scene in [1, -3]', '(in join_scene [1, -3])'],
    ["has_tag('高净值VIP') and asked(\"logistics.*\") >= 3", "(and has_tag('高净值VIP') (>= asked('logistics.*') 3))"],
    ['x == null', '(== x null)'],
    ["name == 'it\\'s'", "(== name 'it's')"],
  ])('%s → %s', (text, tree) => {
    expect(show(parseExpression(text))).toBe(tree)
  })
})

describe('compileExpression: errors point at a column', () => {
  it.each([
    ['messages_30d > 0)', 'unexpected ")" at column 17 — remove it or add the matching "("'],
    ['(messages_30d > 0', '"(" is not closed at column 1 — add the matching ")"'],
    ['messages_30d >', 'expression ends too early at column 15 — something is missing at the end, e.g. a number after ">"'],
    ['messages_30d = 0', 'single "=" at column 14 — use "==" to compare'],
    ['messages_30d ＞ 0', 'full-width "＞" at column 14 — type the half-width ">" instead (switch the input method to English)'],
    ['has_tag(新成员)', 'unexpected "新" at column 9 — put tag names and other text in quotes, e.g. has_tag(\'新成员\'); metric names are English (see rules/README.md)'],
    ["has_tag('VIP", 'text starting with \' is not closed at column 9 — add the closing \''],
    ['return_rate < 5%', 'percent sign after 5 at column 16 — write a fraction instead, e.g. 0.05 for 5%'],
    ['return_rate < .5', 'number starts with a dot at column 15 — write a 0 before the dot, e.g. 0.5'],
    ['1 < x < 5', 'comparisons cannot be chained ("<") at column 7 — write two comparisons joined by and, e.g. a >= 1 and a <= 5'],
    ['messages_30d > 0 AND in_group', 'unexpected "AND" at column 18 — an operator such as and, or, ==, > is missing before it'],
    ['join_scene in 1', '"in" must be followed by a list in [ ] at column 15 — e.g. join_scene in [1, 3]'],
    ['join_scene in [1, x]', 'list items must be numbers or quoted text, got "x" at column 19 — e.g. [1, 3] or [\'a\', \'b\']'],
    ['join_scene in []', 'the list is empty at column 16 — put at least one value in the list'],
    ['hastag(\'VIP\')', 'unknown function "hastag" at column 1 — did you mean "has_tag"?'],
    ['eval(\'1\')', 'unknown function "eval" at column 1 — the functions are has_tag, asked'],
    ['has_tag(VIP)', "has_tag() takes one quoted text at column 9 — e.g. has_tag('VIP')"],
    ["asked('logi*stics')", "asked('logi*stics') pattern may only end in \".*\" at column 1 — use an intent id or a prefix such as asked('logistics.*')"],
    ['', 'expression is empty at column 1 — write a condition such as messages_30d > 0'],
  ])('%s', (text, expected) => {
    expect(errorOf(text)).toBe(expected)
  })
})

describe('compileExpression: metrics and types', () => {
  it.each([
    ['mesages_30d == 0', 'unknown metric "mesages_30d" at column 1 — did you mean "messages_30d"?'],
    ['join_age_days < 7 and vip_level > 3', 'unknown metric "vip_level" at column 23 — see the metric list in rules/README.md; put text in quotes'],
    ['has_tag', '"has_tag" is a function at column 1 — call it with a quoted argument, e.g. has_tag(\'VIP\')'],
    ["messages_30d == 'abc'", 'cannot compare a number with text at column 17 — messages_30d is a number; compare it with a number'],
    ['messages_30d and in_group', '"and" needs yes/no conditions on both sides, got a number at column 1 — compare it first, e.g. messages_30d > 0'],
    ['in_group or orders', '"or" needs yes/no conditions on both sides, got a number at column 13 — compare it first, e.g. messages_30d > 0'],
    ['in_group + 1 > 0', '"+" needs numbers on both sides, got a yes/no value at column 1 — use number metrics and numbers in arithmetic'],
    ["'a' < 'b'", '"<" compares numbers, got text at column 1 — use == or != for text and yes/no values'],
    ['orders > null', '"<" compares numbers, got null at column 10 — use == null or != null to test for a missing value'.replace('"<"', '">"')],
    ['not orders', '"not" needs a yes/no condition, got a number at column 5 — compare it first, e.g. not (messages_30d > 0)'],
    ["join_scene in [1, 'x']", 'list item is text, but the value before "in" is a number at column 19 — make every list item the same kind as the value'],
    ['messages_30d + 1', 'the rule must be a yes/no condition, but it is a number at column 1 — compare it, e.g. messages_30d > 0'],
    ['in_group', 'ok'],
    ['last_purchase_days == null or not in_group', 'ok'],
  ])('%s', (text, expected) => {
    expect(errorOf(text)).toBe(expected)
  })
})

describe('compileExpression: hostile input', () => {
  it('refuses nesting deeper than 32 levels, at the first level too deep', () => {
    expect(errorOf(`${'('.repeat(32)}in_group${')'.repeat(32)}`)).toBe('ok')
    expect(errorOf(`${'('.repeat(33)}in_group${')'.repeat(33)}`)).toBe('expression is nested too deeply (more than 32 levels) at column 33 — remove extra parentheses or split the rule into two tags')
    expect(errorOf(`${'not '.repeat(40)}in_group`)).toMatch(/^expression is nested too deeply .* at column 129 /)
    expect(errorOf(`${'-'.repeat(400)}1 > 0`)).toMatch(/nested too deeply/)
  })

  it('refuses expressions over 500 characters before parsing them', () => {
    const ok = `in_group${' '.repeat(492)}`
    expect(errorOf(ok)).toBe('ok')
    expect(errorOf(`${ok} `)).toBe('expression is too long (501 characters, limit 500) at column 501 — split it into two tags and combine them with has_tag(...)')
  })

  it('never reaches JavaScript: code-looking input is a plain syntax or name error', () => {
    expect(errorOf('constructor')).toBe('unknown metric "constructor" at column 1 — see the metric list in rules/README.md; put text in quotes')
    expect(errorOf('process.exit(1)')).toBe('unexpected "." at column 8 — remove it; see rules/README.md for the operators you can use')
    expect(errorOf('`${1}`')).toMatch(/^unexpected "`" at column 1/)
  })

  it('throws ExpressionError from parseExpression with problem and column', () => {
    try {
      parseExpression('a ) b')
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ExpressionError)
      expect(error).toMatchObject({ problem: 'unexpected ")"', column: 3 })
    }
  })
})

describe('evaluate', () => {
  const member: MemberFacts = {
    metrics: { join_age_days: 45, messages_30d: 0, messages_prev_30d: 20, join_scene: 3, in_group: true, orders: 0, returns: 0, return_rate: null },
    tags: ['VIP', '老客户'],
    questionsByIntent: { 'logistics.track': 2, 'logistics.delay': 1, 'returns.policy': 4 },
  }

  it.each([
    ['沉默: 30 天没发言且入群超过 30 天', 'messages_30d == 0 and join_age_days >= 30', true],
    ['流失预警', 'messages_30d < messages_prev_30d * 0.3 and messages_prev_30d >= 5', true],
    ['precedence: a or b and c', 'in_group or join_age_days < 0 and messages_30d > 5', true],
    ['parentheses change it', '(in_group or join_age_days < 0) and messages_30d > 5', false],
    ['in list', 'join_scene in [1, 3]', true],
    ['not in list', 'not (join_scene in [1, 2])', true],
    ['has_tag of a manual tag', "has_tag('VIP') and not has_tag('黑名单')", true],
    ['asked sums a prefix', "asked('logistics.*') == 3", true],
    ['asked exact id', "asked('returns.policy') == 4", true],
    ['asked everything', "asked('*') == 7", true],
    ['decimals and unary minus', '-join_age_days + 45.5 == 0.5', true],
    ['&& || ! spellings', '!(messages_30d > 0) && (false || in_group)', true],
  ])('%s: %s → %s', (_name, text, expected) => {
    expect(run(text, member).value).toBe(expected)
  })

  it.each([
    ['a comparison with an unknown metric is false', 'return_rate < 0.05', false],
    ['… and its "opposite" is false too (SQL-like)', 'return_rate >= 0.05', false],
    ['!= with an unknown value is false', 'return_rate != 0.5', false],
    ['== null tests for unknown', 'return_rate == null', true],
    ['!= null tests for known', 'return_rate != null', false],
    ['a missing metric reads as null', 'monthly_spend == null', true],
    ['division by zero is null, not Infinity', 'returns / orders == null', true],
    ['… so comparing it is false', 'returns / orders < 1', false],
    ['arithmetic with null is null', 'monthly_spend + 1 == null', true],
    ['null is false in yes/no positions, so not null is true', 'not (return_rate > 0)', true],
    ['an unknown boolean metric is false', 'join_time_estimated', false],
    ['null is never in a list', 'rfm_r in [1, 2, 3, 4, 5]', false],
  ])('null: %s (%s)', (_name, text, expected) => {
    expect(run(text, member).value).toBe(expected)
  })

  it('treats non-finite numbers and wrong types in the facts as unknown', () => {
    const facts: MemberFacts = { metrics: { monthly_spend: Number.NaN, messages_30d: '12' as unknown as number } }
    expect(run('monthly_spend == null and messages_30d == null', facts).value).toBe(true)
    expect(run('orders > 0', { metrics: { orders: Number.POSITIVE_INFINITY } }).value).toBe(false)
  })

  it('lists in seen every metric and function the rule read, with its value', () => {
    const { seen } = run("messages_30d > 0 or has_tag('VIP') or asked('logistics.*') > 1 or monthly_spend > 5000", member)
    expect(seen).toEqual({ messages_30d: 0, "has_tag('VIP')": true, "asked('logistics.*')": 3, monthly_spend: null })
  })
})
