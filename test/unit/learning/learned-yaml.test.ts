import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseKnowledgeFile } from '../../../src/knowledge/parse-knowledge-file.js'
import { loadKnowledge } from '../../../src/knowledge/load-knowledge.js'
import { addLearnedExample, toExampleText } from '../../../src/learning/learned-yaml.js'

const INTENTS = 'intents:\n  - id: invoice.request\n    examples: [能开发票吗, 发票怎么开, 要发票]\n    answer: 可以开\n  - id: shop.hours\n    examples: [几点关门, 营业时间, 几点开门]\n    answer: 九点到六点\n'
const entry = (text: string, intentId = 'invoice.request') => ({ intentId, text, provenance: '2026-12-02T10:00:00.000Z admin 采纳（坐席 小王 按原稿发送，来自建议 #3）' })

describe('addLearnedExample', () => {
  it('creates the file with a header, the entry and its provenance as a comment', () => {
    const text = addLearnedExample(undefined, entry('发票: 能开公司的吗'))
    // The first line as in the sample files, so editors check the file against knowledge.schema.json.
    expect(text.split('\n').slice(0, 2)).toEqual(['# yaml-language-server: $schema=./knowledge.schema.json', '# 学习候选：管理员在控制台「用户与设置 → 学习候选」采纳的例句（由 QunDesk 写入）。'])
    expect(text).toContain('# 2026-12-02T10:00:00.000Z admin 采纳（坐席 小王 按原稿发送，来自建议 #3）')
    const parsed = parseKnowledgeFile(text, 'learned.yaml')
    expect(parsed.problems).toEqual([])
    expect(parsed.warnings).toEqual([])
    expect(parsed.learned).toEqual([{ intentId: 'invoice.request', examples: ['发票: 能开公司的吗'], line: expect.any(Number) }])
  })

  it("keeps what is already in the file: other entries, an admin's comments and hand edits", () => {
    const existing = [
      '# 我们自己的说明，别删',
      'learned:',
      '  # 老王手工加的',
      '  - intent: shop.hours',
      '    examples:',
      '      - 周末开门吗   # 周末也营业',
      '  - intent: invoice.request',
      '    examples: ["能开专票吗"]',
      '',
    ].join('\n')
    const text = addLearnedExample(existing, entry('电子发票呢'))
    expect(text).toContain('# 我们自己的说明，别删')
    expect(text).toContain('# 老王手工加的')
    expect(text).toContain('周末开门吗 # 周末也营业')
    const parsed = parseKnowledgeFile(text, 'learned.yaml')
    expect(parsed.problems).toEqual([])
    expect(parsed.learned?.map((l) => [l.intentId, l.examples])).toEqual([['shop.hours', ['周末开门吗']], ['invoice.request', ['能开专票吗', '电子发票呢']]])
    // A second intent gets its own entry.
    const again = parseKnowledgeFile(addLearnedExample(text, entry('几点下班', 'shop.closing')), 'learned.yaml')
    expect(again.learned?.map((l) => l.intentId)).toEqual(['shop.hours', 'invoice.request', 'shop.closing'])
  })

  it('refuses to edit a file it cannot read, instead of overwriting it', () => {
    expect(() => addLearnedExample('learned: [unclosed', entry('x'))).toThrow(/语法错误/)
    expect(() => addLearnedExample('learned: 3', entry('x'))).toThrow(/不是列表/)
  })

  it('keeps a provenance comment on one line whatever it holds', () => {
    const text = addLearnedExample(undefined, { intentId: 'a.b', text: 'q', provenance: 'admin\n- intent: evil\r\n#' })
    expect(parseKnowledgeFile(text, 'learned.yaml').learned).toEqual([{ intentId: 'a.b', examples: ['q'], line: expect.any(Number) }])
  })
})

describe('learned.yaml round trip with hostile text', () => {
  let dir: string
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qundesk-learned-'))
    await fs.writeFile(path.join(dir, 'base.yaml'), INTENTS)
  })
  afterAll(async () => fs.rm(dir, { recursive: true, force: true }))

  const hostile = fc.string({
    maxLength: 40,
    unit: fc.oneof(
      fc.constantFrom(':', '#', '-', "'", '"', '\n', '\r', '\t', ' ', '\\', '[', ']', '{', '}', '&', '*', '!', '|', '>', '%', '@', '`', '?', ',',
        '\u200f', '\u202e', '\u200b', '\ufeff', '\u0085', '\u2028', '\u2029', '\ud800', '\udfff', '\0', '\u0007', '发', '票', '😀', '---', '...', 'null', 'true', '0x1'),
      fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
    ),
  })

  it('parses back to exactly the stored text (toExampleText), in one file and after another', () => {
    fc.assert(fc.property(fc.array(hostile, { minLength: 1, maxLength: 4 }), (texts) => {
      const kept = texts.map(toExampleText).filter((t) => t !== '')
      let file: string | undefined
      for (const t of kept) file = addLearnedExample(file, entry(t))
      if (file === undefined) return
      const parsed = parseKnowledgeFile(file, 'learned.yaml')
      expect(parsed.problems).toEqual([])
      expect(parsed.learned?.[0]?.examples).toEqual(kept)
    }), { numRuns: 300 })
  })

  it('loads with the knowledge folder and adds the examples to the intent', async () => {
    await fc.assert(fc.asyncProperty(hostile, async (raw) => {
      const text = toExampleText(raw)
      if (text === '') return
      await fs.writeFile(path.join(dir, 'learned.yaml'), addLearnedExample(undefined, entry(text)))
      const loaded = await loadKnowledge(dir)
      expect(loaded.ok).toBe(true)
      if (!loaded.ok) return
      expect(loaded.kb.get('invoice.request')?.examples).toContain(text)
    }), { numRuns: 60 })
  })

  it('warns about, and ignores, examples for an intent that no longer exists', async () => {
    await fs.writeFile(path.join(dir, 'learned.yaml'), addLearnedExample(undefined, entry('改名了', 'invoice.gone')))
    const loaded = await loadKnowledge(dir)
    expect(loaded.ok).toBe(true)
    if (!loaded.ok) return
    expect(loaded.warnings.map((w) => w.message)).toContain('learned 里 "invoice.gone" 的例句找不到对应的意图，已忽略')
  })

  it('reports a malformed learned section with its line', () => {
    const parsed = parseKnowledgeFile('learned:\n  - examples: [a]\n  - intent: x\n    examples: [3]\n', 'learned.yaml')
    expect(parsed.problems.map((p) => [p.line, p.message])).toEqual([[2, 'learned[0] 缺少 intent'], [4, 'learned[1].examples[0] 必须是文字']])
  })
})
