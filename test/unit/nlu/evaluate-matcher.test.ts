import { describe, expect, it } from 'vitest'
import { createKnowledgeBase } from '../../../src/knowledge/knowledge-base.js'
import type { Intent } from '../../../src/knowledge/knowledge-base.js'
import type { MatchingBands } from '../../../src/knowledge/matching-bands.js'
import { evaluateMatcher, parseEvalCases } from '../../../src/nlu/evaluate-matcher.js'

const intent = (id: string, examples: string[]): Intent => ({ id, examples, answer: '回答', autoSend: false, source: { file: 'eval.yaml', line: 1 } })

const kb = createKnowledgeBase(
  [
    intent('invoice.request', ['能开发票吗', '怎么开发票', '我要开票', '发票在哪里申请']),
    intent('member.points', ['积分怎么用', '我有多少积分', '积分能抵现吗', '积分在哪里查']),
    intent('logistics.track', ['我的快递到哪了', '怎么查物流', '包裹到哪儿了', '物流信息在哪看']),
  ],
  ['eval.yaml'],
)

describe('evaluateMatcher', () => {
  it('computes top-1, accuracy and false accepts as defined', async () => {
    // Hand-computed: 4 positives; 3 are exact examples (top-1 hit and accepted). The 4th expects an intent the
    // KB does not have, so it can never be a top-1 hit nor an accepted hit. 2 negatives: one repeats a KB
    // example word for word (so it is accepted -> a false accept), one is off-topic (rejected).
    const report = await evaluateMatcher(kb, [
      { text: '能开发票吗', expect: 'invoice.request' },
      { text: '积分怎么用', expect: 'member.points' },
      { text: '我的快递到哪了', expect: 'logistics.track' },
      { text: '我的快递到哪了', expect: 'shop.hours' },
      { text: '怎么查物流', expect: null },
      { text: '今天天气真不错', expect: null },
    ])
    expect(report).toMatchObject({ positives: 4, negatives: 2, top1Hits: 3, accepted: 3, falseAccepts: 1 })
    expect(report.top1).toBe(0.75)
    expect(report.accuracy).toBe(0.75)
    expect(report.falseAccept).toBe(0.5)
    expect(report.trainMs).toBeGreaterThan(0)
    expect(report.matchMsP99).toBeGreaterThanOrEqual(report.matchMsMedian)
  })

  it('decides as the bot does: with the global matching: band, without group bands', async () => {
    const cases = [
      { text: '能开发票吗', expect: 'invoice.request' },
      { text: '积分怎么用', expect: 'member.points' },
      { text: '我的快递到哪了', expect: 'logistics.track' },
      { text: '怎么查物流', expect: null },
    ]
    const withBands = (bands: MatchingBands) => createKnowledgeBase(kb.intents.slice(), ['eval.yaml'], { bands })
    // The exact examples score well above the 0.25 default but below 0.95.
    const strict = await evaluateMatcher(withBands({ global: { suggest: 0.95 }, groups: [] }), cases)
    expect(strict).toMatchObject({ top1Hits: 3, accepted: 0, falseAccepts: 0 })
    const vipOnly = await evaluateMatcher(withBands({ global: {}, groups: [{ match: 'VIP客户群', suggest: 0.95 }] }), cases)
    expect(vipOnly).toMatchObject({ top1Hits: 3, accepted: 3, falseAccepts: 1 })
  })

  it('counts false accepts per negative kind, unkinded negatives as unspecified', async () => {
    const report = await evaluateMatcher(kb, [
      { text: '能开发票吗', expect: 'invoice.request' },
      { text: '怎么查物流', expect: null, kind: 'in_domain' },
      { text: '积分在哪里查', expect: null, kind: 'in_domain' },
      { text: '今天天气真不错', expect: null, kind: 'off_topic' },
      { text: '周末去哪玩', expect: null },
    ])
    expect(report.falseAcceptByKind).toEqual([
      { kind: 'in_domain', negatives: 2, falseAccepts: 2, falseAccept: 1 },
      { kind: 'off_topic', negatives: 1, falseAccepts: 0, falseAccept: 0 },
      { kind: 'unspecified', negatives: 1, falseAccepts: 0, falseAccept: 0 },
    ])
  })

  it('reports zero ratios rather than NaN when a side has no cases', async () => {
    const report = await evaluateMatcher(kb, [{ text: '今天天气真不错', expect: null }])
    expect(report).toMatchObject({ positives: 0, top1: 0, accuracy: 0, negatives: 1, falseAccept: 0 })
  })
})

describe('evaluateMatcher with the embedding provider (semantic option)', () => {
  // A toy model: one axis per topic word, so a paraphrase without any example's words is still near its intent.
  const topics = [['发票', '开票'], ['积分'], ['快递', '物流', '包裹', '货']]
  const embed = async (texts: readonly string[]) => texts.map((t) => Float32Array.from(topics.map((words) => (words.some((w) => t.includes(w)) ? 1 : 0))))

  it('blends each ranking as the bot does and decides with matching.semantic; semanticWeight says so', async () => {
    const withSemantic = createKnowledgeBase(kb.intents.slice(), ['eval.yaml'], { bands: { global: { suggest: 0.9 }, semantic: { suggest: 0.6 }, groups: [] } })
    const cases = [
      { text: '货呢', expect: 'logistics.track' },
      { text: '今天天气真不错', expect: null },
    ]
    const seen: string[][] = []
    const blended = await evaluateMatcher(withSemantic, cases, { semantic: { embed: async (texts) => (seen.push([...texts]), embed(texts)), weight: 0.8 } })
    expect(blended).toMatchObject({ accepted: 1, falseAccepts: 0, semanticWeight: 0.8 })
    // One pass: the 12 examples, then the questions (normalised).
    expect(seen).toHaveLength(1)
    expect(seen[0]!.slice(12)).toEqual(['货呢', '今天天气真不错'])
    const offline = await evaluateMatcher(withSemantic, cases)
    expect(offline).toMatchObject({ accepted: 0, semanticWeight: null })
    expect(offline.failures[0]).toMatchObject({ text: '货呢', got: null, threshold: 0.9 })
  })

  it('lets a provider error through (a tool must not present offline figures as blended)', async () => {
    await expect(evaluateMatcher(kb, [{ text: '货呢', expect: 'logistics.track' }], { semantic: { embed: () => Promise.reject(new Error('provider down')), weight: 0.5 } }))
      .rejects.toThrow('provider down')
  })
})

describe('parseEvalCases', () => {
  it('reads cases with intent ids and nulls', () => {
    expect(parseEvalCases({ cases: [{ text: '快递到哪了', expect: 'logistics.track' }, { text: '天气', expect: null }] })).toEqual([
      { text: '快递到哪了', expect: 'logistics.track' },
      { text: '天气', expect: null },
    ])
  })

  it('reads an intent-set file: test questions expect their intent, negatives null with their kind', () => {
    const set = { intents: [{ id: 'a', train: ['甲'], test: ['问一', '问二'] }, { id: 'b', test: [] }], negatives: ['天气', '借钱'], negatives_kind: ['ood', 'in_domain'] }
    expect(parseEvalCases(set)).toEqual([
      { text: '问一', expect: 'a' },
      { text: '问二', expect: 'a' },
      { text: '天气', expect: null, kind: 'ood' },
      { text: '借钱', expect: null, kind: 'in_domain' },
    ])
  })

  it.each([
    [{ intents: {} }, '"intents" 必须是 {"id", "test": ["question", ...]} 的列表'],
    [{ intents: [{ id: 'a' }] }, 'intents[0] 必须是 {"id": "...", "test": ["question", ...]}'],
    [{ intents: [{ id: 'a', test: ['问'] }], negatives: ['x'], negatives_kind: [] }, '"negatives_kind" 必须为每条 negatives 各列一个类别'],
    [{ intents: [{ id: 'a', test: [''] }] }, 'cases[0].text 必须是非空的文字'],
    [{ cases: [{ text: '快递', expect: null, kind: 7 }] }, 'cases[0].kind 必须是简短的名称'],
    [null, '测试用例文件必须是这样的对象：{"cases": [{"text": "...", "expect": "intent.id" | null}]}'],
    [[], '测试用例文件必须是这样的对象：{"cases": [{"text": "...", "expect": "intent.id" | null}]}'],
    [{ cases: 'x' }, '"cases" 必须是 {"text", "expect"} 对象的列表'],
    [{ cases: [] }, '"cases" 是空的 — 至少加一条 {"text", "expect"} 用例'],
    [{ cases: ['快递'] }, 'cases[0] 必须是对象 {"text", "expect"}'],
    [{ cases: [{ text: '', expect: null }] }, 'cases[0].text 必须是非空的文字'],
    [{ cases: [{ text: '快递', expect: null }, { text: '发票' }] }, 'cases[1] 缺少 expect — 写意图 id；机器人不该回答的问题写 null'],
    [{ cases: [{ text: '快递', expect: 3 }] }, 'cases[0].expect 必须是意图 id（文字）或 null'],
  ])('rejects %j with a clear error', (json, message) => {
    expect(() => parseEvalCases(json)).toThrow(message)
  })
})
