import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { computeLexicalModel, createLexicalIndex, type LexicalDocument, type LexicalModel, type ViewWeights } from '../../../src/nlu/lexical-index.js'
import { VIEW_WEIGHTS } from '../../../src/nlu/matcher-settings.js'
import { FEATURE_PREFIX, FEATURE_VIEWS, type FeatureView, type TextFeatures } from '../../../src/nlu/text-features.js'

/**
 * The TF-IDF training as it was written before it ran on typed arrays (Maps of feature keys per document and per
 * centroid): the reference the faster `computeLexicalModel` must reproduce bit for bit, so its scores (and every
 * calibrated threshold) stay as they were.
 */
function referenceLexicalModel(docs: readonly LexicalDocument[], intentCount: number, weights: ViewWeights): LexicalModel {
  const vocabularyIndex = new Map<string, number>()
  const frequency: number[] = []
  for (const doc of docs) {
    for (const view of FEATURE_VIEWS) {
      for (const key of doc.features[view].keys()) {
        const v = vocabularyIndex.get(key)
        if (v === undefined) {
          vocabularyIndex.set(key, frequency.length)
          frequency.push(1)
        } else frequency[v]!++
      }
    }
  }
  const n = docs.length
  const idf = Float64Array.from(frequency, (df) => Math.log(1 + n / df))
  const unseenIdf = Math.log(1 + n / 0.5)
  const viewScale = Object.fromEntries(FEATURE_VIEWS.map((v) => [v, Math.sqrt(Math.max(0, weights[v]))])) as Record<FeatureView, number>
  const weigh = (features: TextFeatures): Map<string, number> => {
    const vector = new Map<string, number>()
    for (const view of FEATURE_VIEWS) {
      const entries: Array<[string, number]> = []
      let norm = 0
      for (const [key, tf] of features[view]) {
        const w = (1 + Math.log(tf)) * idf[vocabularyIndex.get(key)!]!
        entries.push([key, w])
        norm += w * w
      }
      if (norm === 0 || viewScale[view] === 0) continue
      const scale = viewScale[view] / Math.sqrt(norm)
      for (const [key, w] of entries) vector.set(key, w * scale)
    }
    return vector
  }
  const docPostings: Array<[number, number, number]> = []
  const centroidSums = Array.from({ length: intentCount }, () => new Map<string, number>())
  docs.forEach((doc, docId) => {
    const sum = centroidSums[doc.intent]
    for (const [key, w] of weigh(doc.features)) {
      docPostings.push([vocabularyIndex.get(key)!, docId, w])
      if (sum) sum.set(key, (sum.get(key) ?? 0) + w)
    }
  })
  const centroidPostings: Array<[number, number, number]> = []
  centroidSums.forEach((sum, intent) => {
    const norms = new Map<string, number>()
    for (const [key, w] of sum) norms.set(key.slice(0, 2), (norms.get(key.slice(0, 2)) ?? 0) + w * w)
    const prefixScale = new Map<string, number>()
    for (const view of FEATURE_VIEWS) {
      const norm = norms.get(FEATURE_PREFIX[view])
      if (norm) prefixScale.set(FEATURE_PREFIX[view], viewScale[view] / Math.sqrt(norm))
    }
    for (const [key, w] of sum) centroidPostings.push([vocabularyIndex.get(key)!, intent, w * (prefixScale.get(key.slice(0, 2)) ?? 0)])
  })
  const csr = (triples: Array<[number, number, number]>) => {
    const offsets = new Int32Array(frequency.length + 1)
    for (const [v] of triples) offsets[v + 1]!++
    for (let v = 0; v < frequency.length; v++) offsets[v + 1]! += offsets[v]!
    const next = offsets.slice(0, frequency.length)
    const ids = new Int32Array(triples.length)
    const ws = new Float64Array(triples.length)
    for (const [v, id, w] of triples) {
      const at = next[v]!++
      ids[at] = id
      ws[at] = w
    }
    return { offsets, ids, weights: ws }
  }
  return {
    intentCount, weights: { ...weights }, vocabulary: [...vocabularyIndex.keys()], idf, unseenIdf,
    docIntent: Int32Array.from(docs, (d) => d.intent), docPostings: csr(docPostings), centroidPostings: csr(centroidPostings),
  }
}

/** Features over a small alphabet, so documents share keys the way real examples do. */
const features = fc.record(
  Object.fromEntries(
    FEATURE_VIEWS.map((view) => [view, fc.uniqueArray(fc.tuple(fc.constantFrom('订', '单', '快', '递', '退', '款', 'vip', '0'), fc.integer({ min: 1, max: 4 })), { selector: ([k]) => k, maxLength: 6 })]),
  ) as Record<FeatureView, fc.Arbitrary<Array<[string, number]>>>,
).map((byView) => Object.fromEntries(FEATURE_VIEWS.map((view) => [view, new Map(byView[view].map(([k, tf]) => [FEATURE_PREFIX[view] + k, tf]))])) as TextFeatures)

const corpus = fc.integer({ min: 1, max: 6 }).chain((intentCount) =>
  fc.record({
    intentCount: fc.constant(intentCount),
    docs: fc.array(fc.record({ intent: fc.integer({ min: 0, max: intentCount - 1 }), features }), { maxLength: 25 }),
    weights: fc.oneof(fc.constant(VIEW_WEIGHTS), fc.constant({ ...VIEW_WEIGHTS, word: 0, char: 0.45 })),
  }),
)

describe('computeLexicalModel', () => {
  it('gives bit for bit the model of the Map-based computation it replaced', () => {
    fc.assert(
      fc.property(corpus, ({ intentCount, docs, weights }) => {
        expect(computeLexicalModel(docs, intentCount, weights)).toEqual(referenceLexicalModel(docs, intentCount, weights))
      }),
      { numRuns: 300 },
    )
  })

  it('scores a question identically from either model', () => {
    fc.assert(
      fc.property(corpus, features, ({ intentCount, docs, weights }, question) => {
        const fast = createLexicalIndex(computeLexicalModel(docs, intentCount, weights)).score(question)
        const reference = createLexicalIndex(referenceLexicalModel(docs, intentCount, weights)).score(question)
        expect(fast).toEqual(reference)
      }),
      { numRuns: 100 },
    )
  })
})
