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
    ['messages_30d > 0)', '这里不应出现 ")"（第 17 列） — 删掉它，或补上对应的 "("'],
    ['(messages_30d > 0', '"(" 没有闭合（第 1 列） — 补上对应的 ")"'],
    ['messages_30d >', '条件没写完（第 15 列） — 结尾缺了东西，如 ">" 后面的数字'],
    ['messages_30d = 0', '只有一个 "="（第 14 列） — 比较请用 "=="'],
    ['messages_30d ＞ 0', '全角字符 "＞"（第 14 列） — 改成半角的 ">"（把输入法切换到英文）'],
    ['has_tag(新成员)', '这里不应出现 "新"（第 9 列） — 标签名等文字要加引号，如 has_tag(\'新成员\')；指标名是英文的（见 rules/README.md）'],
    ["has_tag('VIP", '以 \' 开头的文字没有闭合（第 9 列） — 补上结尾的 \''],
    ['return_rate < 5%', '5 后面有百分号（第 16 列） — 改写成小数，如 5% 写 0.05'],
    ['return_rate < .5', '数字以小数点开头（第 15 列） — 在小数点前加 0，如 0.5'],
    ['1 < x < 5', '比较不能连写（"<"）（第 7 列） — 写成用 and 连接的两个比较，如 a >= 1 and a <= 5'],
    ['messages_30d > 0 AND in_group', '这里不应出现 "AND"（第 18 列） — 它前面缺少运算符，如 and、or、==、>'],
    ['join_scene in 1', '"in" 后面必须是 [ ] 列表（第 15 列） — 如 join_scene in [1, 3]'],
    ['join_scene in [1, x]', '列表项必须是数字或加引号的文字，现在是 "x"（第 19 列） — 如 [1, 3] 或 [\'a\', \'b\']'],
    ['join_scene in []', '列表是空的（第 16 列） — 列表里至少放一个值'],
    ['hastag(\'VIP\')', '不认识的函数 "hastag"（第 1 列） — 你是不是想写 “has_tag”？'],
    ['eval(\'1\')', '不认识的函数 "eval"（第 1 列） — 可用的函数：has_tag、asked'],
    ['has_tag(VIP)', 'has_tag() 只接受一个加引号的文字参数（第 9 列） — 如 has_tag(\'VIP\')'],
    ["asked('logi*stics')", 'asked(\'logi*stics\') 的意图模式只能以 ".*" 结尾（第 1 列） — 写意图 id，或像 asked(\'logistics.*\') 这样的前缀'],
    ['', '条件是空的（第 1 列） — 写一个条件，如 messages_30d > 0'],
  ])('%s', (text, expected) => {
    expect(errorOf(text)).toBe(expected)
  })
})

describe('compileExpression: metrics and types', () => {
  it.each([
    ['mesages_30d == 0', '不认识的指标 "mesages_30d"（第 1 列） — 你是不是想写 “messages_30d”？'],
    ['join_age_days < 7 and vip_level > 3', '不认识的指标 "vip_level"（第 23 列） — 指标列表见 rules/README.md；文字要加引号'],
    ['has_tag', '"has_tag" 是函数（第 1 列） — 调用时传入加引号的参数，如 has_tag(\'VIP\')'],
    ["messages_30d == 'abc'", '不能拿数字和文字比较（第 17 列） — messages_30d 是数字，要和数字比较'],
    ['messages_30d and in_group', '"and" 两边都需要是/否条件，现在有数字（第 1 列） — 先做比较，如 messages_30d > 0'],
    ['in_group or orders', '"or" 两边都需要是/否条件，现在有数字（第 13 列） — 先做比较，如 messages_30d > 0'],
    ['in_group + 1 > 0', '"+" 两边都需要数字，现在有是/否值（第 1 列） — 算术只能用数字指标和数字'],
    ["'a' < 'b'", '"<" 只能比较数字，现在有文字（第 1 列） — 文字和是/否值请用 == 或 !='],
    ['orders > null', '"<" 只能比较数字，现在有null（第 10 列） — 判断有没有值请用 == null 或 != null'.replace('"<"', '">"')],
    ['not orders', '"not" 后面需要是/否条件，现在是数字（第 5 列） — 先做比较，如 not (messages_30d > 0)'],
    ["join_scene in [1, 'x']", '列表项是文字，但 "in" 前面的值是数字（第 19 列） — 列表里每一项要和前面的值是同一类'],
    ['messages_30d + 1', '规则必须是一个是/否条件，现在是数字（第 1 列） — 拿它做比较，如 messages_30d > 0'],
    ['in_group', 'ok'],
    ['last_purchase_days == null or not in_group', 'ok'],
  ])('%s', (text, expected) => {
    expect(errorOf(text)).toBe(expected)
  })
})

describe('compileExpression: hostile input', () => {
  it('refuses nesting deeper than 32 levels, at the first level too deep', () => {
    expect(errorOf(`${'('.repeat(32)}in_group${')'.repeat(32)}`)).toBe('ok')
    expect(errorOf(`${'('.repeat(33)}in_group${')'.repeat(33)}`)).toBe('条件嵌套太深（超过 32 层）（第 33 列） — 去掉多余的括号，或把规则拆成两个标签')
    expect(errorOf(`${'not '.repeat(40)}in_group`)).toMatch(/^条件嵌套太深.*（第 129 列） /)
    expect(errorOf(`${'-'.repeat(400)}1 > 0`)).toMatch(/条件嵌套太深/)
  })

  it('refuses expressions over 500 characters before parsing them', () => {
    const ok = `in_group${' '.repeat(492)}`
    expect(errorOf(ok)).toBe('ok')
    expect(errorOf(`${ok} `)).toBe('条件太长（501 个字符，上限 500）（第 501 列） — 拆成两个标签，再用 has_tag(...) 组合')
  })

  it('never reaches JavaScript: code-looking input is a plain syntax or name error', () => {
    expect(errorOf('constructor')).toBe('不认识的指标 "constructor"（第 1 列） — 指标列表见 rules/README.md；文字要加引号')
    expect(errorOf('process.exit(1)')).toBe('这里不应出现 "."（第 8 列） — 删掉它；可用的运算符见 rules/README.md')
    expect(errorOf('`${1}`')).toMatch(/^这里不应出现 "`"（第 1 列）/)
  })

  it('throws ExpressionError from parseExpression with problem and column', () => {
    try {
      parseExpression('a ) b')
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ExpressionError)
      expect(error).toMatchObject({ problem: '这里不应出现 ")"', column: 3 })
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
