import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { formatProblem, loadKnowledge, MAX_KNOWLEDGE_FILE_BYTES } from '../../../src/knowledge/load-knowledge.js'
import type { KnowledgeProblem, LoadKnowledgeResult } from '../../../src/knowledge/load-knowledge.js'

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
    ['missing folder', fixture('does-not-exist'), `${fixture('does-not-exist')}: knowledge folder not found`],
    ['folder without YAML files', fixture('empty'), `${fixture('empty')}: knowledge folder has no *.yaml files`],
    ['only empty files', fixture('no-intents'), `${fixture('no-intents')}: knowledge base has no intents`],
    ['a file instead of a folder', fixture('valid/shop.yaml'), `${fixture('valid/shop.yaml')}: knowledge path is not a folder`],
  ])('reports a %s clearly', async (_case, dir, expected) => {
    const problems = problemsOf(await loadKnowledge(dir))
    expect(lines(problems)).toEqual([expected])
    expect(problems[0]?.hint).not.toBe('')
  })

  it('points a YAML syntax error at its line with a fix hint', async () => {
    const problems = problemsOf(await loadKnowledge(fixture('malformed')))
    expect(lines(problems)).toEqual([
      `${fixture('malformed/broken.yaml')}:4: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ])
    expect(problems[0]?.hint).toContain('not closed')
  })

  it('refuses an alias bomb instead of expanding it', async () => {
    const problems = problemsOf(await loadKnowledge(fixture('evil')))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({ file: fixture('evil/alias-bomb.yaml'), line: 0 })
    expect(problems[0]?.message).toMatch(/^YAML uses too many aliases/)
  })

  it('points a duplicated id at the second file and names the first', async () => {
    const problems = problemsOf(await loadKnowledge(fixture('duplicate-id')))
    expect(lines(problems)).toEqual([
      `${fixture('duplicate-id/b.yaml')}:6: id "shop.hours" is already used at ${fixture('duplicate-id/a.yaml')}:2`,
    ])
  })

  it('reports a missing and a blank answer at their lines', async () => {
    const problems = problemsOf(await loadKnowledge(fixture('missing-answer')))
    const file = fixture('missing-answer/shipping.yaml')
    expect(lines(problems)).toEqual([
      `${file}:6: intents[1] (logistics.ship_time) has no answer`,
      `${file}:11: intents[2] (logistics.change_address).answer is empty`,
    ])
    expect(formatProblem(problems[1]!)).toBe(`${file}:11: intents[2] (logistics.change_address).answer is empty — add an answer`)
  })

  it('reports every wrongly typed value in one pass', async () => {
    const problems = problemsOf(await loadKnowledge(fixture('bad-values')))
    const file = fixture('bad-values/bad.yaml')
    expect(lines(problems)).toEqual([
      `${file}:2: intents[0].id must be text, got number 12345`,
      `${file}:7: intents[1] (shop.hours).examples must be a list`,
      `${file}:13: intents[2] (shop.returns).examples[1] is empty`,
      `${file}:14: intents[2] (shop.returns).examples[2] must be text, got number 888`,
      `${file}:16: intents[2] (shop.returns).auto_send must be true or false, got "yes"`,
      `${file}:17: intents[2] (shop.returns).threshold 1.5 is out of range`,
      `${file}:19: intents[3] is not a mapping`,
      `${file}:21: intents[4] has no id`,
      `${file}:25: intents[5] (shop.named).name must be text, got a list`,
      `${file}:30: intents[6] (shop.long_name).name is longer than 40 characters`,
    ])
  })

  it('warns about unknown keys with a "did you mean" and still loads', async () => {
    const result = await loadKnowledge(fixture('unknown-keys'))
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'))
    const file = fixture('unknown-keys/shop.yaml')
    expect(result.warnings.map(formatProblem)).toEqual([
      `${file}:1: unknown top-level key "intent" is ignored — did you mean "intents"?`,
      `${file}:5: intents[0] (shop.hours) has unknown key "exmaples", which is ignored — did you mean "examples"?`,
      `${file}:8: intents[0] (shop.hours) has unknown key "autoSend", which is ignored — did you mean "auto_send"?`,
      `${file}:9: intents[0] (shop.hours) has unknown key "owner", which is ignored — known keys: id, name, examples, answer, auto_send, threshold, auto_send_threshold, slots, ask`,
    ])
    expect(result.kb.get('shop.hours')?.autoSend).toBe(false)
  })

  it('rejects a file that is not a mapping and an `intents` that is not a list', async () => {
    const problems = problemsOf(await loadKnowledge(fixture('not-a-mapping')))
    expect(lines(problems)).toEqual([
      `${fixture('not-a-mapping/list.yaml')}:1: file is not a mapping`,
      `${fixture('not-a-mapping/text.yaml')}:1: intents is not a list`,
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
      expect(problems[0]?.message).toMatch(/^file is too large \(\d+ bytes, limit 1048576\)$/)
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
        `${join(dir, 'a.yaml')}:6: intents[1] (b) has only 1 example`,
        `${join(dir, 'a.yaml')}:5: example "怎么退货" of b is also an example of a (${join(dir, 'a.yaml')}:2)`,
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
        `${join(dir, 'a.yaml')}:6: escalation.emotion must be one of none, mild, moderate, severe — e.g. \`emotion: severe\` (none turns the rule off)`,
        `${join(dir, 'a.yaml')}:7: escalation.consecutive_misses must be a whole number from 0 to 100 — e.g. \`consecutive_misses: 3\` (0 turns the rule off)`,
        `${join(dir, 'a.yaml')}:8: escalation.keywords must be a list of text — e.g. \`keywords: [转人工, 人工客服]\``,
      ])
    }
    const twice = await loadKnowledge(await write({ 'a.yaml': `${INTENT}escalation:\n  emotion: severe\n`, 'b.yaml': 'escalation:\n  emotion: mild\n' }))
    expect(!twice.ok && twice.problems[0]!.message).toMatch(/^escalation is already set at .*a\.yaml:5$/)
  })

  it('warns about an escalation intent pattern that matches nothing', async () => {
    const result = await loadKnowledge(await write({ 'a.yaml': `${INTENT}escalation:\n  intents: [complain.*]\n` }))
    expect(result.ok && result.warnings.map((w) => w.message)).toContain('escalation.intents "complain.*" matches no intent')
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
      `${join(dir, 'a.yaml')}:5: intents[0] (logistics.urge).slots must be a list of order_id, phone, amount, date, got "order_no" — e.g. \`slots: [order_id]\`, and use {{order_id}} in the answer`,
    ])
  })

  it('warns when the answer does not use a slot it asks for, and when ask has no slots', async () => {
    const { result } = await load(intent('    slots: [phone]\n'))
    expect(result.ok && result.warnings.map((w) => w.message)).toContain('intents[0] (logistics.urge) asks for phone but its answer has no {{phone}}')
    const other = await load(intent('    ask: "发一下订单号"\n'))
    expect(other.result.ok && other.result.warnings.map((w) => w.message)).toContain('intents[0] (logistics.urge).ask is only used with slots')
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
      `${join(dir, 'a.yaml')}:7: matching.suggest must be a number between 0 and 1 — e.g. \`suggest: 0.3\` (higher = stricter)`,
      `${join(dir, 'a.yaml')}:9: matching.groups[0] has no match — add \`match: 群名或群 id\``,
      `${join(dir, 'a.yaml')}:10: matching.groups[1].auto_send (0.5) is below suggest (0.6) — auto-send must be at least as strict as suggest`,
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
      `${file}:2: synonyms.发票[1] must be text — write a word; put numbers in quotes, e.g. "3q"`,
      `${file}:3: "INVOICE" is already a synonym of 发票 (line 2) — list each word under one meaning only`,
      `${file}:4: synonyms.退款 must be a word or a list of words — e.g. \`退款: [order, orders]\``,
      `${file}:6: "价格" is both a word with synonyms and a synonym of 价钱 — list it in one place only, so a question reads one way`,
    ])
  })

  it('is one section per folder, and not a mapping is a problem', async () => {
    const twice = await load({ 'b.yaml': 'synonyms:\n  发票: [invoice]\n', 'c.yaml': 'synonyms:\n  订单: [order]\n' })
    expect(!twice.result.ok && twice.result.problems.map((p) => p.message)).toEqual([`synonyms is already set at ${join(twice.dir, 'b.yaml')}:1`])
    const list = await load({ 'b.yaml': 'synonyms: [invoice]\n' })
    expect(!list.result.ok && list.result.problems.map((p) => `${p.line}: ${p.message}`)).toEqual(['1: synonyms must be a mapping'])
  })

  it('warns about a word listed as its own synonym', async () => {
    const { result } = await load({ 's.yaml': 'synonyms:\n  发票: [发票, invoice]\n' })
    expect(result.ok && result.warnings.map((w) => `${w.line}: ${w.message}`)).toEqual(['2: synonyms.发票[0] is the word itself'])
  })
})
