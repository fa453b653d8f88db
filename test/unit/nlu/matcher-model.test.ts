import { describe, expect, it } from 'vitest'
import { createKnowledgeBase } from '../../../src/knowledge/knowledge-base.js'
import type { KnowledgeBase } from '../../../src/knowledge/knowledge-base.js'
import { formatProblem, loadKnowledge } from '../../../src/knowledge/load-knowledge.js'
import { createMatcherFromModel, prepareTrainingInput, trainIntentMatcher } from '../../../src/nlu/intent-matcher.js'
import { matcherModelBuffers, trainMatcherModel } from '../../../src/nlu/matcher-model.js'
import type { MatcherModel } from '../../../src/nlu/matcher-model.js'
import { SAMPLE_QUESTIONS, generateIntents, loadOrThrow, matchAll } from './generated-knowledge.js'

const load = loadOrThrow

/** What crossing a worker boundary does to the model: a structured clone, typed arrays transferred. */
function viaPostMessage(model: MatcherModel): MatcherModel {
  return structuredClone(model, { transfer: matcherModelBuffers(model) })
}

describe('matcher model (train, export, rebuild)', () => {
  it.each([
    ['the small-shop fixture (node-nlp active)', () => load('test/fixtures/knowledge/small-shop')],
    ['120 generated intents (node-nlp active)', async () => createKnowledgeBase(generateIntents(120), ['generated.yaml'])],
    ['400 generated intents (over the node-nlp budget: lexical only)', async () => createKnowledgeBase(generateIntents(400), ['generated.yaml'])],
  ])('a matcher rebuilt from a transferred model matches exactly like trainIntentMatcher on %s', async (_name, makeKb) => {
    const kb = await makeKb()
    const options = { extraExamples: [{ intentId: kb.intents[0]!.id, text: '这是客服纠正过的问题' }] }
    const model = trainMatcherModel(await prepareTrainingInput(kb, options))
    const rebuilt = createMatcherFromModel(kb, viaPostMessage(model))
    expect(await matchAll(rebuilt)).toEqual(await matchAll(await trainIntentMatcher(kb, options)))
  })

  it('says whether node-nlp took part, and keeps its weights in typed arrays', async () => {
    const small = trainMatcherModel(await prepareTrainingInput(await load('test/fixtures/knowledge/small-shop')))
    expect(small.neural.active).toBe(true)
    expect(small.neural.weights.length).toBe(small.neural.labels.length * small.neural.features.length)
    const big = trainMatcherModel(await prepareTrainingInput(createKnowledgeBase(generateIntents(400), ['generated.yaml'])))
    expect(big.neural.active).toBe(false)
  })

  it('transfers the model buffers instead of copying them', async () => {
    const model = trainMatcherModel(await prepareTrainingInput(await load('test/fixtures/knowledge/small-shop')))
    const buffers = matcherModelBuffers(model)
    expect(buffers.length).toBeGreaterThan(0)
    viaPostMessage(model)
    for (const buffer of buffers) expect(buffer.byteLength).toBe(0) // detached: moved, not copied
  })

  it('refuses a model trained for other intents', async () => {
    const kb = await load('test/fixtures/knowledge/small-shop')
    const model = trainMatcherModel(await prepareTrainingInput(kb))
    const other = createKnowledgeBase(generateIntents(3), ['generated.yaml'])
    expect(() => createMatcherFromModel(other, model)).toThrow(/different knowledge base/)
  })

  it('refuses input and models of another format (a stale compiled worker)', async () => {
    const kb = await load('test/fixtures/knowledge/small-shop')
    const input = await prepareTrainingInput(kb)
    expect(() => trainMatcherModel({ ...input, format: 0 })).toThrow(/npm run build/)
    expect(() => createMatcherFromModel(kb, { ...trainMatcherModel(input), format: 0 })).toThrow(/npm run build/)
  })
})

describe('explain', () => {
  it('gives the same ranking as match, with evidence that adds up to each score', async () => {
    const loaded = await loadKnowledge(new URL('../../fixtures/knowledge/small-shop', import.meta.url).pathname)
    if (!loaded.ok) throw new Error('fixture invalid')
    const matcher = await trainIntentMatcher(loaded.kb)
    for (const question of ['我的快递到哪了', '今天天气怎么样', '发票怎么开', '']) {
      const { top, evidence } = await matcher.explain(question)
      expect(top).toEqual(await matcher.match(question))
      expect(evidence.map((e) => e.intentId)).toEqual(top.map((t) => t.intentId))
      for (const e of evidence) expect(e.score).toBeCloseTo(e.capped ? 1.2 * e.centroid : e.blend, 3)
    }
  })
})
