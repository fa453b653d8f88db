import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { formatProblem, loadKnowledge, MAX_KNOWLEDGE_FILE_BYTES } from '../../../src/knowledge/load-knowledge.js'
import type { KnowledgeProblem, LoadKnowledgeResult } from '../../../src/knowledge/load-knowledge.js'
import { parseKnowledgeFile } from '../../../src/knowledge/parse-knowledge-file.js'
import { englishRun } from '../../support/english-run.js'

const FIXTURES = 'test/fixtures/knowledge'
const fixture = (name: string) => join(FIXTURES, name)

/** Problems (or warnings) as the operator sees them, without the fix hint. */
function lines(list: KnowledgeProblem[]): string[] {
  return list.map((p) => `${p.line > 0 ? `${p.file}:${p.line}` : p.file}: ${p.message}`)
}

function problemsOf(result: LoadKnowledgeResult): KnowledgeProblem[] {
  if (result.ok) throw new Error(`expected problems, got a KB with ${result.kb.intents.length} intents`)
  return result.problems
}

describe('loadKnowledge', () => {
  it('loads every *.yaml and *.yml file in name order and ignores README.md and other files', async () => {
    const result = await loadKnowledge(fixture('valid'))
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'))
    expect(result.kb.files).toEqual([fixture('valid/empty-on-purpose.yaml'), fixture('valid/returns.yml'), fixture('valid/shop.yaml')])
    expect(result.kb.intents.map((i) => i.id)).toEqual(['returns.policy', 'shop.hours', 'shop.invoice'])
    expect(result.warnings).toEqual([])
  })

  it('maps YAML fields to intents with defaults, overrides and source lines', async () => {
    const result = await loadKnowledge(fixture('valid'))
    if (!result.ok) throw new Error('fixture should load')
    expect(result.kb.get('shop.hours')).toEqual({
      id: 'shop.hours',
      examples: ['几点上班', '周末有人吗', '晚上有客服吗'],
      answer: '{{name}}您好，客服每天 9:00–22:00 在线。',
      autoSend: true,
      source: { file: fixture('valid/shop.yaml'), line: 2 },
    })
    expect(result.kb.get('shop.invoice')).toMatchObject({ name: '开发票', autoSend: false, threshold: 0.6, source: { line: 7 } })
    expect(result.kb.get('shop.hours')).not.toHaveProperty('name')
    expect(result.kb.get('returns.policy')?.autoSend).toBe(false)
    expect(result.kb.get('no.such.intent')).toBeUndefined()
  })

  it.each([
    ['missing folder', fixture('does-not-exist'), `${fixture('does-not-exist')}: 找不到知识库文件夹`],
    ['folder without YAML files', fixture('empty'), `${fixture('empty')}: 知识库文件夹里没有 *.yaml 文件`],
    ['only empty files', fixture('no-intents'), `${fixture('no-intents')}: 知识库里没有意图`],
    ['a file instead of a folder', fixture('valid/shop.yaml'), `${fixture('valid/shop.yaml')}: 知识库路径不是文件夹`],
  ])('reports a %s clearly', async (_case, dir, expected) => {
    const problems = problemsOf(await loadKnowledge(dir))
    expect(lines(problems)).toEqual([expected])
    expect(problems[0]?.hint).not.toBe('')
  })

  it('points a YAML 语法错误 at its line with a fix hint', async () => {
    const problems = problemsOf(await loadKnowledge(fixture('malformed')))
    expect(lines(problems)).toEqual([
      `${fixture('malformed/broken.yaml')}:4: YAML 语法错误：[ … ] 列表没有用 ] 结束，或缩进不够`,
    ])
    expect(problems[0]?.hint).toContain('没有闭合')
  })

  it('refuses an alias bomb instead of expanding it', async () => {
    const problems = problemsOf(await loadKnowledge(fixture('evil')))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({ file: fixture('evil/alias-bomb.yaml'), line: 0 })
    expect(problems[0]?.message).toMatch(/^YAML 用了太多别名/)
  })

  it('points a duplicated id at the second file and names the first', async () => {
    const problems = problemsOf(await loadKnowledge(fixture('duplicate-id')))
    expect(lines(problems)).toEqual([
      `${fixture('duplicate-id/b.yaml')}:6: id "shop.hours" 已在 ${fixture('duplicate-id/a.yaml')}:2 用过`,
    ])
  })

  it('reports a missing and a blank answer at their lines', async () => {
    const problems = problemsOf(await loadKnowledge(fixture('missing-answer')))
    const file = fixture('missing-answer/shipping.yaml')
    expect(lines(problems)).toEqual([
      `${file}:6: intents[1] (logistics.ship_time) 缺少 answer`,
      `${file}:11: intents[2] (logistics.change_address).answer 是空的`,
    ])
    expect(formatProblem(problems[1]!)).toBe(`${file}:11: intents[2] (logistics.change_address).answer 是空的 — 写上回复内容`)
  })

  it('reports every wrongly typed value in one pass', async () => {
    const problems = problemsOf(await loadKnowledge(fixture('bad-values')))
    const file = fixture('bad-values/bad.yaml')
    expect(lines(problems)).toEqual([
      `${file}:2: intents[0].id 必须是文字，现在是 数字 12345`,
      `${file}:7: intents[1] (shop.hours).examples 必须是列表`,
      `${file}:13: intents[2] (shop.returns).examples[1] 是空的`,
      `${file}:14: intents[2] (shop.returns).examples[2] 必须是文字，现在是 数字 888`,
      `${file}:16: intents[2] (shop.returns).auto_send 只能是 true 或 false，现在是 "yes"`,
      `${file}:17: intents[2] (shop.returns).threshold 1.5 超出范围`,
      `${file}:19: intents[3] 不是“键: 值”结构`,
      `${file}:21: intents[4] 缺少 id`,
      `${file}:25: intents[5] (shop.named).name 必须是文字，现在是 列表`,
      `${file}:30: intents[6] (shop.long_name).name 超过 40 个字`,
    ])
  })

  it('warns about unknown keys with a "did you mean" and still loads', async () => {
    const result = await loadKnowledge(fixture('unknown-keys'))
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'))
    const file = fixture('unknown-keys/shop.yaml')
    expect(result.warnings.map(formatProblem)).toEqual([
      `${file}:1: 不认识顶层键 "intent"，已忽略 — 你是不是想写 “intents”？`,
      `${file}:5: intents[0] (shop.hours) 有不认识的键 "exmaples"，已忽略 — 你是不是想写 “examples”？`,
      `${file}:8: intents[0] (shop.hours) 有不认识的键 "autoSend"，已忽略 — 你是不是想写 “auto_send”？`,
      `${file}:9: intents[0] (shop.hours) 有不认识的键 "owner"，已忽略 — 可用的键：id、name、examples、answer、auto_send、threshold、auto_send_threshold、slots、ask`,
    ])
    expect(result.kb.get('shop.hours')?.autoSend).toBe(false)
  })

  it('rejects a file that 不是“键: 值”结构 and an `intents` that is not a list', async () => {
    const problems = problemsOf(await loadKnowledge(fixture('not-a-mapping')))
    expect(lines(problems)).toEqual([
      `${fixture('not-a-mapping/list.yaml')}:1: 文件顶层不是“键: 值”结构`,
      `${fixture('not-a-mapping/text.yaml')}:1: intents 不是列表`,
    ])
  })

  describe('with generated files', () => {
    let dir: string | undefined
    afterEach(async () => {
      if (dir) await rm(dir, { recursive: true, force: true })
      dir = undefined
    })

    it('refuses a file over the size cap without parsing it', async () => {
      dir = await mkdtemp(join(tmpdir(), 'qundesk-kb-'))
      const huge = `intents:\n${'  - id: x\n    examples: [很长很长的问题]\n    answer: 很长很长的回答\n'.repeat(Math.ceil(MAX_KNOWLEDGE_FILE_BYTES / 40))}`
      await writeFile(join(dir, 'huge.yaml'), huge)
      const problems = problemsOf(await loadKnowledge(dir))
      expect(problems).toHaveLength(1)
      expect(problems[0]?.message).toMatch(/^文件太大（\d+ 字节，上限 1048576 字节）$/)
    })

    it('warns about an example listed under two intents and about too few examples', async () => {
      dir = await mkdtemp(join(tmpdir(), 'qundesk-kb-'))
      await writeFile(
        join(dir, 'a.yaml'),
        ['intents:', '  - id: a', '    examples: [怎么退货, 退货流程, 退货地址]', '    answer: 甲', '  - id: b', '    examples: [怎么退货]', '    answer: 乙', ''].join('\n'),
      )
      const result = await loadKnowledge(dir)
      if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'))
      expect(lines(result.warnings)).toEqual([
        `${join(dir, 'a.yaml')}:6: intents[1] (b) 只有 1 条例句`,
        `${join(dir, 'a.yaml')}:5: b 的例句 "怎么退货" 也是 a 的例句（${join(dir, 'a.yaml')}:2）`,
      ])
    })
  })
})

describe('escalation policy in knowledge YAML', () => {
  const write = async (files: Record<string, string>) => {
    const dir = await mkdtemp(join(tmpdir(), 'qundesk-esc-'))
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
    return dir
  }
  const INTENT = 'intents:\n  - id: complaint.quality\n    examples: [质量太差, 东西坏了, 做工很差]\n    answer: 抱歉\n'

  it('reads keywords, intents, emotion and consecutive misses; unset keys keep the defaults', async () => {
    const dir = await write({ 'a.yaml': INTENT, 'escalation.yaml': 'escalation:\n  keywords: [转人工]\n  emotion: moderate\n' })
    const result = await loadKnowledge(dir)
    expect(result.ok).toBe(true)
    if (result.ok) expect(result.kb.escalation).toEqual({ keywords: ['转人工'], intents: ['complaint.*'], emotion: 'moderate', consecutiveMisses: 3 })
  })

  it('uses the defaults when no file has an escalation section', async () => {
    const result = await loadKnowledge(await write({ 'a.yaml': INTENT }))
    expect(result.ok && result.kb.escalation.consecutiveMisses).toBe(3)
  })

  it('reports bad values and a second escalation section with file:line', async () => {
    const dir = await write({
      'a.yaml': `${INTENT}escalation:\n  emotion: furious\n  consecutive_misses: -1\n  keywords: 转人工\n`,
      'b.yaml': 'escalation:\n  emotion: severe\n',
    })
    const result = await loadKnowledge(dir)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.problems.map(formatProblem)).toEqual([
        `${join(dir, 'a.yaml')}:6: escalation.emotion 必须是 none、mild、moderate、severe 之一 — 如 \`emotion: severe\`（none 关闭这条规则）`,
        `${join(dir, 'a.yaml')}:7: escalation.consecutive_misses 必须是 0 到 100 之间的整数 — 如 \`consecutive_misses: 3\`（0 关闭这条规则）`,
        `${join(dir, 'a.yaml')}:8: escalation.keywords 必须是文字列表 — 如 \`keywords: [转人工, 人工客服]\``,
      ])
    }
    const twice = await loadKnowledge(await write({ 'a.yaml': `${INTENT}escalation:\n  emotion: severe\n`, 'b.yaml': 'escalation:\n  emotion: mild\n' }))
    expect(!twice.ok && twice.problems[0]!.message).toMatch(/^escalation 已在 .*a\.yaml:5 写过$/)
  })

  it('warns about an escalation intent pattern that matches nothing', async () => {
    const result = await loadKnowledge(await write({ 'a.yaml': `${INTENT}escalation:\n  intents: [complain.*]\n` }))
    expect(result.ok && result.warnings.map((w) => w.message)).toContain('escalation.intents "complain.*" 没有匹配到任何意图')
  })
})

describe('slots in knowledge YAML', () => {
  const load = async (yaml: string) => {
    const dir = await mkdtemp(join(tmpdir(), 'qundesk-slots-'))
    await writeFile(join(dir, 'a.yaml'), yaml)
    return { dir, result: await loadKnowledge(dir) }
  }
  const intent = (extra: string) => `intents:\n  - id: logistics.urge\n    examples: [帮我催一下发货, 能不能快点发货, 催一下我的单子]\n    answer: "订单 {{order_id}} 已催"\n${extra}`

  it('reads slots and the ask text', async () => {
    const { result } = await load(intent('    slots: [order_id]\n    ask: "麻烦发一下订单号"\n'))
    expect(result.ok && result.kb.get('logistics.urge')).toMatchObject({ slots: ['order_id'], ask: '麻烦发一下订单号' })
  })

  it('rejects an unknown slot name with file:line', async () => {
    const { dir, result } = await load(intent('    slots: [order_no]\n'))
    expect(!result.ok && result.problems.map(formatProblem)).toEqual([
      `${join(dir, 'a.yaml')}:5: intents[0] (logistics.urge).slots 必须是由 order_id、phone、amount、date 组成的列表，现在有 "order_no" — 如 \`slots: [order_id]\`，并在 answer 里用 {{order_id}}`,
    ])
  })

  it('warns when the answer does not use a slot it asks for, and when ask has no slots', async () => {
    const { result } = await load(intent('    slots: [phone]\n'))
    expect(result.ok && result.warnings.map((w) => w.message)).toContain('intents[0] (logistics.urge) 要客户提供 phone，但 answer 里没有 {{phone}}')
    const other = await load(intent('    ask: "发一下订单号"\n'))
    expect(other.result.ok && other.result.warnings.map((w) => w.message)).toContain('intents[0] (logistics.urge).ask 只在有 slots 时使用')
  })
})

describe('matching bands in knowledge YAML', () => {
  const load = async (yaml: string) => {
    const dir = await mkdtemp(join(tmpdir(), 'qundesk-bands-'))
    await writeFile(join(dir, 'a.yaml'), `intents:\n  - id: shop.hours\n    examples: [几点上班, 几点下班, 营业时间]\n    answer: 9点\n    auto_send_threshold: 0.8\n${yaml}`)
    return { dir, result: await loadKnowledge(dir) }
  }

  it('reads the global band, group bands and an intent auto_send_threshold', async () => {
    const { result } = await load('matching:\n  suggest: 0.3\n  auto_send: 0.6\n  groups:\n    - match: VIP客户群\n      suggest: 0.4\n      auto_send: 0.9\n')
    expect(result.ok && result.kb.bands).toEqual({ global: { suggest: 0.3, autoSend: 0.6 }, groups: [{ match: 'VIP客户群', suggest: 0.4, autoSend: 0.9 }] })
    expect(result.ok && result.kb.get('shop.hours')?.autoSendThreshold).toBe(0.8)
  })

  it('reports out-of-range values, a missing match and auto_send below suggest with file:line', async () => {
    const { dir, result } = await load('matching:\n  suggest: 1.5\n  groups:\n    - suggest: 0.4\n    - match: VIP\n      suggest: 0.6\n      auto_send: 0.5\n')
    expect(!result.ok && result.problems.map(formatProblem)).toEqual([
      `${join(dir, 'a.yaml')}:7: matching.suggest 必须是 0 到 1 之间的数 — 如 \`suggest: 0.3\`（越高越严格）`,
      `${join(dir, 'a.yaml')}:9: matching.groups[0] 缺少 match — 加上 \`match: 群名或群 id\``,
      `${join(dir, 'a.yaml')}:10: matching.groups[1].auto_send（0.5）低于 suggest（0.6） — 自动发送的门槛不能比起草建议的门槛低`,
    ])
  })
})

describe('synonyms in knowledge YAML', () => {
  const load = async (files: Record<string, string>) => {
    const dir = await mkdtemp(join(tmpdir(), 'qundesk-synonyms-'))
    await writeFile(join(dir, 'a.yaml'), 'intents:\n  - id: shop.invoice\n    examples: [发票怎么开, 能开发票吗, 怎么开票, 要发票, 开个发票]\n    answer: 可以\n')
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
    return { dir, result: await loadKnowledge(dir) }
  }

  it('reads lists and single words, in file order', async () => {
    const { result } = await load({ 'synonyms.yaml': 'synonyms:\n  发票: [invoice, Invoices]\n  订单: order\n' })
    expect(result.ok && result.kb.synonyms).toEqual([
      { term: '发票', variants: ['invoice', 'Invoices'] },
      { term: '订单', variants: ['order'] },
    ])
    expect(result.ok && result.warnings).toEqual([])
  })

  it('defaults to no synonyms', async () => {
    const { result } = await load({})
    expect(result.ok && result.kb.synonyms).toEqual([])
  })

  it('reports bad entries with file:line and a fix', async () => {
    const { dir, result } = await load({
      's.yaml': 'synonyms:\n  发票: [invoice, 3]\n  订单: [order, INVOICE]\n  退款: {a: 1}\n  价格: [price]\n  价钱: [价格]\n',
    })
    const file = join(dir, 's.yaml')
    expect(!result.ok && result.problems.map(formatProblem)).toEqual([
      `${file}:2: synonyms.发票[1] 必须是文字 — 写一个词；数字要加引号，如 "3q"`,
      `${file}:3: "INVOICE" 已经是 发票 的近义词（第 2 行） — 每个词只放在一个意思下面`,
      `${file}:4: synonyms.退款 必须是一个词或一串词 — 如 \`退款: [order, orders]\``,
      `${file}:6: "价格" 既有自己的近义词，又是 价钱 的近义词 — 只在一处列出它，一句话才只有一种读法`,
    ])
  })

  it('is one section per folder, and not a mapping is a problem', async () => {
    const twice = await load({ 'b.yaml': 'synonyms:\n  发票: [invoice]\n', 'c.yaml': 'synonyms:\n  订单: [order]\n' })
    expect(!twice.result.ok && twice.result.problems.map((p) => p.message)).toEqual([`synonyms 已在 ${join(twice.dir, 'b.yaml')}:1 写过`])
    const list = await load({ 'b.yaml': 'synonyms: [invoice]\n' })
    expect(!list.result.ok && list.result.problems.map((p) => `${p.line}: ${p.message}`)).toEqual(['1: synonyms 必须是“键: 值”结构'])
  })

  it('warns about a word listed as its own synonym', async () => {
    const { result } = await load({ 's.yaml': 'synonyms:\n  发票: [发票, invoice]\n' })
    expect(result.ok && result.warnings.map((w) => `${w.line}: ${w.message}`)).toEqual(['2: synonyms.发票[0] 就是这个词本身'])
  })
})

describe('knowledge problems and warnings are in Chinese', () => {
  /** Texts that reach every reader's messages: intents, escalation, matching, synonyms, learned, YAML syntax. */
  const BROKEN = [
    'intents:\n  - id: 12\n  - id: a b\n    examples: yes\n  - id: c\n    name: [x]\n    examples: [1, "", 好, 好]\n    answer: [x]\n    auto_send: yes\n    threshold: 2\n    auto_send_threshold: x\n    slots: [order_no]\n    ask: 1\n  - id: d\n    name: "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"\n    examples: []\n  - x\n  - id: e\n    examples: [好]\n    answer: 好\n    ask: 请问\n    owner: me\n    exmaples: [a]\n',
    'intent: []\nfoo: 1\n',
    'intents: 3\n',
    'intents:\n',
    '- a\n- b\n',
    '',
    'intents:\n  - id: a\n\texamples: [x]\n',
    'intents: [\n  - id: a\n',
    'intents:\n  - id: "a\n',
    'a: 1\na: 2\n',
    'intents:\n  - id: a\n    examples: [x]\n    answer: "y"\n---\nb: 1\n',
    'escalation: 3\n',
    'escalation:\n  keywords: 转人工\n  intents: [""]\n  emotion: angry\n  consecutive_misses: -1\n  keyword: [x]\n  zzz: 1\n',
    'matching: 3\n',
    'matching:\n  suggest: 2\n  auto_send: 0.1\n  semantic: 3\n  groups: x\n  sugest: 0.3\n',
    'matching:\n  suggest: 0.5\n  auto_send: 0.2\n  groups:\n    - x\n    - suggest: 0.2\n    - match: VIP\n      suggest: 0.6\n      auto_send: 0.5\n',
    'synonyms: [x]\n',
    'synonyms:\n  发票: [invoice, 3, "", "!!!", 发票, "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"]\n  退款: {a: 1}\n  价格: []\n  价钱: [价格]\n  费用: invoice\n',
    'learned: 3\n',
    'learned:\n  - x\n  - examples: [a]\n  - intent: a b\n    examples: 3\n  - intent: a\n    examples: [1]\n    extra: 1\n',
  ]

  it('no message or hint holds an English sentence, over the fixtures and broken texts', async () => {
    const found: KnowledgeProblem[] = []
    for (const name of ['bad-values', 'duplicate-id', 'empty', 'evil', 'malformed', 'missing-answer', 'no-intents', 'not-a-mapping', 'unknown-keys', 'does-not-exist', 'valid/shop.yaml']) {
      const result = await loadKnowledge(fixture(name))
      found.push(...(result.ok ? result.warnings : result.problems))
    }
    BROKEN.forEach((text, i) => {
      const parsed = parseKnowledgeFile(text, `broken-${i}.yaml`)
      found.push(...parsed.problems, ...parsed.warnings)
    })
    const english = found.map((p) => ({ text: formatProblem(p), english: englishRun(p.message) ?? englishRun(p.hint) })).filter((x) => x.english !== undefined)
    expect(english).toEqual([])
    expect(found.length).toBeGreaterThan(60)
    // The check itself catches English, and lets keys and quoted values through.
    expect(englishRun('intents[0] (a) has no examples')).toBe('has no examples')
    expect(englishRun('intents[1] (shop.hours).auto_send 只能是 true 或 false，现在是 "yes please now"')).toBeUndefined()
  })
})
