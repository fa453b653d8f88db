import { describe, expect, it } from 'vitest'
import { createKnowledgeBase, type Intent } from '../../../src/knowledge/knowledge-base.js'
import { parseKnowledgeFile } from '../../../src/knowledge/parse-knowledge-file.js'
import { setMatchingBand } from '../../../src/knowledge/write-matching-band.js'
import { calibrateMatcher, holdOutQuestions } from '../../../src/nlu/calibrate-matcher.js'
import { decideIntent } from '../../../src/nlu/decide-intent.js'
import { fakeEmbedding } from '../../support/fake-embeddings-server.js'

const intent = (id: string, examples: string[], extra: Partial<Intent> = {}): Intent => ({ id, examples, answer: '回答', autoSend: false, source: { file: 'c.yaml', line: 1 }, ...extra })
const intents = [
  intent('invoice.request', ['能开发票吗', '怎么开发票', '我要开票', '发票在哪里申请']),
  intent('refund.money', ['退款什么时候到账', '钱什么时候退回来', '退款多久到']),
  intent('logistics.track', ['我的快递到哪了', '怎么查物流', '包裹到哪儿了', '物流信息在哪看']),
  intent('service.hours', ['客服几点上班', '你们几点下班']),
]

describe('matching.semantic: the band for blended rankings', () => {
  const kb = createKnowledgeBase(intents, ['c.yaml'], { bands: { global: { suggest: 0.4 }, groups: [{ match: 'VIP', suggest: 0.7 }], semantic: { suggest: 0.6, autoSend: 0.8 } } })
  const top = [{ intentId: 'logistics.track', score: 0.5 }]

  it('applies to a blended ranking only; an offline one keeps the global band', () => {
    expect(decideIntent(top, kb)).toMatchObject({ decision: 'accept', threshold: 0.4, bands: 'matching:' })
    expect(decideIntent(top, kb, undefined, { semantic: true })).toMatchObject({ decision: 'reject', threshold: 0.6, bands: 'matching.semantic:' })
    // A stricter group band still raises it.
    expect(decideIntent([{ intentId: 'logistics.track', score: 0.65 }], kb, { id: 'r', name: 'VIP' }, { semantic: true })).toMatchObject({ decision: 'reject', threshold: 0.7, bands: 'matching.semantic: + group VIP' })
  })

  it('falls back to the global band (or the default) when the knowledge has no semantic band', () => {
    const plain = createKnowledgeBase(intents, ['c.yaml'], { bands: { global: { suggest: 0.4 }, groups: [] } })
    expect(decideIntent(top, plain, undefined, { semantic: true })).toMatchObject({ threshold: 0.4, bands: 'matching:' })
  })

  it('is read from matching.semantic in the YAML, and written there by setMatchingBand', () => {
    const text = 'matching:\n  suggest: 0.25   # S\nintents:\n  - id: a\n    examples: [你好]\n    answer: 好\n'
    const written = setMatchingBand(text, { suggest: 0.52, autoSend: 0.61 }, { semantic: true })
    expect(written).toBe('matching:\n  semantic:\n    suggest: 0.52\n    auto_send: 0.61\n  suggest: 0.25   # S\nintents:\n  - id: a\n    examples: [你好]\n    answer: 好\n')
    // Written again: the values are replaced in place.
    expect(setMatchingBand(written, { suggest: 0.5, autoSend: 0.7 }, { semantic: true })).toBe(written.replace('0.52', '0.5').replace('0.61', '0.7'))
    // A file without matching: gets the section at its end.
    expect(setMatchingBand('intents: []\n', { suggest: 0.5 }, { semantic: true })).toBe('intents: []\nmatching:\n  semantic:\n    suggest: 0.5\n')
    const parsed = parseKnowledgeFile(written, 'k.yaml')
    expect(parsed.bands?.bands).toEqual({ global: { suggest: 0.25 }, groups: [], semantic: { suggest: 0.52, autoSend: 0.61 } })
  })

  it('refuses a semantic band that is not a mapping, or out of range, with the fix', () => {
    const bad = parseKnowledgeFile('matching:\n  semantic: 0.5\n', 'k.yaml')
    expect(bad.problems.map((p) => p.message)).toContain('matching.semantic 必须是“键: 值”结构')
    const range = parseKnowledgeFile('matching:\n  semantic:\n    suggest: 2\n', 'k.yaml')
    expect(range.problems.map((p) => p.message)).toContain('matching.semantic.suggest 必须是 0 到 1 之间的数')
  })
})

describe('calibration with embeddings', () => {
  const kb = createKnowledgeBase(intents, ['c.yaml'])
  const embed = async (texts: readonly string[]) => texts.map((t) => Float32Array.from(fakeEmbedding(t)))

  it('never lets a held-out text see its own vector: with orthogonal vectors the blend is the offline ranking scaled by (1 − w)', async () => {
    // Each text gets its own axis: only its own vector could be near it.
    let next = 0
    const axes = new Map<string, number>()
    const orthogonal = async (texts: readonly string[]) => texts.map((t) => {
      if (!axes.has(t)) axes.set(t, next++)
      const v = new Float32Array(64)
      v[axes.get(t)!] = 1
      return v
    })
    const offline = await holdOutQuestions(kb)
    const blended = await holdOutQuestions(kb, 0, undefined, { embed: orthogonal, weight: 0.4 })
    expect(blended.questions.map((q) => [q.kind, q.text])).toEqual(offline.questions.map((q) => [q.kind, q.text]))
    blended.questions.forEach((q, i) => {
      // The same intents with their offline scores scaled (ordered by score, so near-ties may swap; a score that rounds to 0 drops out).
      const expected = Object.fromEntries(offline.questions[i]!.top.map((t) => [t.intentId, Math.round(0.6 * t.score * 10000) / 10000]).filter(([, s]) => (s as number) > 0))
      const got = Object.fromEntries(q.top.map((t) => [t.intentId, t.score]))
      expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort())
      for (const [id, score] of Object.entries(expected)) expect(got[id]).toBeCloseTo(score as number, 3)
    })
  })

  it('proposes the band for blended rankings, and says so in the report', async () => {
    const offline = await calibrateMatcher([kb])
    const semantic = await calibrateMatcher([kb], { semantic: { embed, weight: 0.5 } })
    expect(offline.semanticWeight).toBeNull()
    expect(semantic.semanticWeight).toBe(0.5)
    expect(semantic.accept).toBeDefined()
    // The fake model relates paraphrases the characters alone do not: held-out examples rank their own intent at least as often.
    expect(semantic.top1).toBeGreaterThanOrEqual(offline.top1)
  })
})
