import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createKnowledgeBase, type Intent } from '../../../src/knowledge/knowledge-base.js'
import type { Synonyms } from '../../../src/knowledge/synonyms.js'
import { prepareTrainingInput } from '../../../src/nlu/intent-matcher.js'
import { trainMatcherModel } from '../../../src/nlu/matcher-model.js'
import { createPreparedTextCache } from '../../../src/nlu/prepared-text-cache.js'

// Examples are built from real words, so segmentation, pinyin and node-nlp's tokens all have something to do.
const WORDS = ['订单', '快递', '退款', '发票', '地址', '修改', '怎么', '查询', '多久', '到账', '会员', '积分', 'order', '您好', '请问', '123', '！', '單']
const example = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 }).map((words) => words.join(''))
const SYNONYM_CHOICES: Synonyms[] = [[], [{ term: '订单', variants: ['order', '单子'] }], [{ term: '快递', variants: ['包裹'] }]]
/** One version of a knowledge base: up to 6 intents of up to 5 examples, one of a few synonym lists. */
const version = fc.record({
  intents: fc.array(fc.array(example, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }),
  synonyms: fc.integer({ min: 0, max: SYNONYM_CHOICES.length - 1 }),
  extra: fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), example), { maxLength: 2 }),
})

function knowledgeOf(v: { intents: string[][]; synonyms: number; extra: Array<[number, string]> }) {
  const intents: Intent[] = v.intents.map((examples, i) => ({ id: `t.${i}`, examples, answer: '答', autoSend: false, source: { file: 'kb.yaml', line: i + 1 } }))
  const kb = createKnowledgeBase(intents, ['kb.yaml'], { synonyms: SYNONYM_CHOICES[v.synonyms]! })
  return { kb, options: { extraExamples: v.extra.map(([i, text]) => ({ intentId: `t.${i}`, text })) } }
}

describe('prepared text cache', () => {
  it('trains after any sequence of edits exactly the model a cold training of the last version gives', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(version, { minLength: 1, maxLength: 6 }), async (versions) => {
        const cache = createPreparedTextCache()
        for (const v of versions) {
          const { kb, options } = knowledgeOf(v)
          const warm = trainMatcherModel(await prepareTrainingInput(kb, { ...options, cache }))
          const cold = trainMatcherModel(await prepareTrainingInput(kb, options))
          expect(warm).toEqual(cold)
        }
      }),
      { numRuns: 40 },
    )
  })

  it('keeps only the last training texts, and renumbers feature keys once most are unused', async () => {
    const cache = createPreparedTextCache()
    const big = knowledgeOf({ intents: [['订单怎么修改地址', '快递多久到'], ['退款多久到账', '发票怎么开', '会员积分查询']], synonyms: 0, extra: [] })
    const first = await prepareTrainingInput(big.kb, { cache })
    expect(cache.size).toBe(5)
    const small = knowledgeOf({ intents: [['订单']], synonyms: 0, extra: [] })
    await prepareTrainingInput(small.kb, { cache })
    expect(cache.size).toBe(1)
    const again = await prepareTrainingInput(small.kb, { cache })
    expect(again.features.terms.length).toBeLessThan(first.features.terms.length)
    expect(trainMatcherModel(again)).toEqual(trainMatcherModel(await prepareTrainingInput(small.kb)))
  })

  it('normalises again when the synonyms change', async () => {
    const cache = createPreparedTextCache()
    const plain = knowledgeOf({ intents: [['order到哪了']], synonyms: 0, extra: [] })
    const withSynonyms = knowledgeOf({ intents: [['order到哪了']], synonyms: 1, extra: [] })
    expect((await prepareTrainingInput(plain.kb, { cache })).texts[0]!.text).toBe('order到哪了')
    expect((await prepareTrainingInput(withSynonyms.kb, { cache })).texts[0]!.text).toBe('订单到哪了')
  })
})
