import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createKnowledgeBase, type Intent } from '../../../src/knowledge/knowledge-base.js'
import { calibrateMatcher, holdOutQuestions, spreadEvenly, withoutIntent, withoutText } from '../../../src/nlu/calibrate-matcher.js'
import { createMatcherFromModel, prepareTrainingInput, trainIntentMatcher } from '../../../src/nlu/intent-matcher.js'
import { trainMatcherModel } from '../../../src/nlu/matcher-model.js'

const intent = (id: string, examples: string[], extra: Partial<Intent> = {}): Intent => ({ id, examples, answer: '回答', autoSend: false, source: { file: 'c.yaml', line: 1 }, ...extra })
const intents = [
  intent('invoice.request', ['能开发票吗', '怎么开发票', '我要开票', '发票在哪里申请']),
  intent('member.points', ['积分怎么用', '我有多少积分', '积分能抵现吗']),
  intent('logistics.track', ['我的快递到哪了', '怎么查物流', '包裹到哪儿了', '物流信息在哪看']),
  intent('service.hours', ['客服几点上班']),
]
const kb = createKnowledgeBase(intents, ['c.yaml'])

describe('fold training inputs', () => {
  it('train exactly the matcher a fresh training on the smaller knowledge gives', async () => {
    const input = await prepareTrainingInput(kb)
    const withoutPoints = createKnowledgeBase(intents.filter((i) => i.id !== 'member.points'), ['c.yaml'])
    const fold = createMatcherFromModel(withoutPoints, trainMatcherModel(withoutIntent(input, 1)))
    const fresh = await trainIntentMatcher(withoutPoints)
    const oneLess = createKnowledgeBase(intents.map((i) => (i.id === 'logistics.track' ? { ...i, examples: i.examples.slice(1) } : i)), ['c.yaml'])
    const foldExample = createMatcherFromModel(kb, trainMatcherModel(withoutText(input, input.texts.findIndex((t) => t.text === '我的快递到哪了'))))
    const freshExample = await trainIntentMatcher(oneLess)
    for (const text of ['积分怎么用', '我的快递到哪了', '发票', '今天天气']) {
      expect(await fold.match(text)).toEqual(await fresh.match(text))
      expect(await foldExample.match(text)).toEqual(await freshExample.match(text))
    }
  })
})

describe('holdOutQuestions', () => {
  it('holds out every example of every intent once, keeping an intent\'s only example', async () => {
    const progress: string[] = []
    const { questions, skipped, folds } = await holdOutQuestions(kb, 0, (p) => progress.push(`${p.phase} ${p.done}/${p.total}`))
    expect(questions.filter((q) => q.kind === 'unlisted')).toHaveLength(12)
    expect(questions.filter((q) => q.kind === 'listed')).toHaveLength(11)
    expect(skipped).toBe(1)
    expect(folds).toBe(4 + 11)
    // A left-out intent never ranks its own examples.
    for (const q of questions.filter((q) => q.kind === 'unlisted')) expect(q.top.map((t) => t.intentId)).not.toContain(q.intentId)
    expect(progress.at(0)).toBe('intents 1/4')
    expect(progress.at(-1)).toBe('examples 11/11') // trainings: the only example is not held out
  })
})

describe('sampling a large knowledge base', () => {
  it('spreadEvenly picks min(n, m) distinct indices in order, all of them when m >= n', () => {
    expect(spreadEvenly(10, 3)).toEqual([1, 5, 8])
    fc.assert(fc.property(fc.nat(3000), fc.nat(400), (n, m) => {
      const picked = spreadEvenly(n, m)
      expect(picked).toHaveLength(Math.min(n, m))
      picked.forEach((i, k) => {
        expect(i).toBeGreaterThanOrEqual(k === 0 ? 0 : picked[k - 1]! + 1)
        expect(i).toBeLessThan(n)
      })
    }))
  })

  it('leaves out at most maxFolds intents and holds out at most maxFolds examples, and says it sampled', async () => {
    const progress: string[] = []
    const held = await holdOutQuestions(kb, 0, (p) => progress.push(`${p.phase} ${p.done}/${p.total}`), undefined, { intents: 2, examples: 3 })
    // Progress counts the trainings of each phase, so a sampled run ends at its own total.
    expect(progress).toEqual(['intents 1/2', 'intents 2/2', 'examples 1/3', 'examples 2/3', 'examples 3/3'])
    expect(held.leftOutIntents).toBe(2)
    expect(held.sampled).toBe(true)
    expect(new Set(held.questions.filter((q) => q.kind === 'unlisted').map((q) => q.intentId)).size).toBe(2)
    expect(held.questions.filter((q) => q.kind === 'listed')).toHaveLength(3)
    expect(held.folds).toBe(2 + 3)
    const whole = await holdOutQuestions(kb)
    expect(whole).toMatchObject({ leftOutIntents: 4, sampled: false })
  })
})

describe('calibrateMatcher', () => {
  it('proposes thresholds decided as the bot decides, and pools several knowledge bases', async () => {
    const report = await calibrateMatcher([kb], { targetFalseAccept: 0.05 })
    expect(report).toMatchObject({ knowledgeBases: 1, intents: 4, listed: 11, unlisted: 12, skipped: 1, targetFalseAccept: 0.05 })
    expect(report.accept!.point.falseAccept).toBeLessThanOrEqual(0.05)
    expect(report.autoSend!.threshold).toBeGreaterThanOrEqual(report.accept!.threshold)
    const pooled = await calibrateMatcher([kb, kb])
    expect(pooled).toMatchObject({ knowledgeBases: 2, intents: 8, listed: 22, unlisted: 24 })
    expect(pooled.curve).toEqual(report.curve)
  })

  it('keeps an intent\'s own threshold while the global one moves', async () => {
    // Every intent with threshold 0: everything is accepted at any global threshold.
    const loose = createKnowledgeBase(intents.map((i) => ({ ...i, threshold: 0 })), ['c.yaml'])
    const report = await calibrateMatcher([loose])
    expect(new Set(report.curve.map((p) => p.falseAccept))).toEqual(new Set([report.curve[0]!.falseAccept]))
  })
})
