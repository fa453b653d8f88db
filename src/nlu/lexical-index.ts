import { FEATURE_PREFIX, FEATURE_VIEWS } from './text-features.js'
import type { FeatureView, TextFeatures } from './text-features.js'

/** How much each view counts in the score; should sum to 1 so scores stay in [0,1]. */
export type ViewWeights = Record<FeatureView, number>

export interface LexicalScores {
  /** Cosine to each intent's centroid (mean of its examples), per-view weighted: in [0,1]. */
  centroid: Float64Array
  /** Cosine to each intent's closest example, per-view weighted: in [0,1]. */
  nearest: Float64Array
}

export interface LexicalIndex {
  readonly intentCount: number
  score(features: TextFeatures): LexicalScores
}

export interface LexicalDocument {
  intent: number
  features: TextFeatures
}

interface Postings {
  ids: number[]
  weights: number[]
}

/**
 * TF-IDF index over examples with an inverted list per feature, so scoring touches only the intents that
 * share a feature with the question (fast with thousands of intents). A feature the index has never seen
 * still weighs in the question's norm: off-topic words lower every score, which is what rejection needs.
 *
 * @example
 * const index = buildLexicalIndex(docs, intentCount, weights)
 * index.score(extractFeatures('快递到哪了', dict)).centroid // one score per intent
 */
export function buildLexicalIndex(docs: readonly LexicalDocument[], intentCount: number, weights: ViewWeights): LexicalIndex {
  const documentFrequency = new Map<string, number>()
  for (const doc of docs) {
    for (const view of FEATURE_VIEWS) for (const key of doc.features[view].keys()) documentFrequency.set(key, (documentFrequency.get(key) ?? 0) + 1)
  }
  const n = docs.length
  const idfOf = (key: string) => Math.log(1 + n / (documentFrequency.get(key) ?? 0.5))
  const viewScale = Object.fromEntries(FEATURE_VIEWS.map((v) => [v, Math.sqrt(Math.max(0, weights[v]))])) as Record<FeatureView, number>

  const weigh = (features: TextFeatures): Map<string, number> => {
    const vector = new Map<string, number>()
    for (const view of FEATURE_VIEWS) {
      const entries: Array<[string, number]> = []
      let norm = 0
      for (const [key, tf] of features[view]) {
        const w = (1 + Math.log(tf)) * idfOf(key)
        entries.push([key, w])
        norm += w * w
      }
      if (norm === 0 || viewScale[view] === 0) continue // zero weights would break the touched-doc bookkeeping
      const scale = viewScale[view] / Math.sqrt(norm)
      for (const [key, w] of entries) vector.set(key, w * scale)
    }
    return vector
  }

  const docPostings = new Map<string, Postings>()
  const centroidSums = Array.from({ length: intentCount }, () => new Map<string, number>())
  docs.forEach((doc, docId) => {
    const vector = weigh(doc.features)
    const sum = centroidSums[doc.intent]
    for (const [key, w] of vector) {
      push(docPostings, key, docId, w)
      if (sum) sum.set(key, (sum.get(key) ?? 0) + w)
    }
  })
  const centroidPostings = new Map<string, Postings>()
  centroidSums.forEach((sum, intent) => {
    // Re-normalise each view of the summed vector so a centroid is unit length per view, like a question.
    const norms = new Map<string, number>()
    for (const [key, w] of sum) norms.set(key.slice(0, 2), (norms.get(key.slice(0, 2)) ?? 0) + w * w)
    const prefixScale = new Map<string, number>()
    for (const view of FEATURE_VIEWS) {
      const prefix = FEATURE_PREFIX[view]
      const norm = norms.get(prefix)
      if (norm) prefixScale.set(prefix, viewScale[view] / Math.sqrt(norm))
    }
    for (const [key, w] of sum) push(centroidPostings, key, intent, w * (prefixScale.get(key.slice(0, 2)) ?? 0))
  })
  const docIntent = Int32Array.from(docs.map((d) => d.intent))
  const frozenDocs = freeze(docPostings)
  const frozenCentroids = freeze(centroidPostings)
  // Scratch space reused across calls (score is synchronous); only touched entries are reset.
  const docScores = new Float64Array(docs.length)
  const touched = new Int32Array(docs.length)

  return {
    intentCount,
    score(features) {
      const query = weigh(features)
      const centroid = new Float64Array(intentCount)
      let touchedCount = 0
      for (const [key, w] of query) {
        const c = frozenCentroids.get(key)
        if (c) {
          const { ids, weights } = c
          for (let i = 0; i < ids.length; i++) centroid[ids[i]!] = centroid[ids[i]!]! + w * weights[i]!
        }
        const d = frozenDocs.get(key)
        if (d) {
          const { ids, weights } = d
          for (let i = 0; i < ids.length; i++) {
            const id = ids[i]!
            if (docScores[id] === 0) touched[touchedCount++] = id
            docScores[id] = docScores[id]! + w * weights[i]!
          }
        }
      }
      const nearest = new Float64Array(intentCount)
      for (let t = 0; t < touchedCount; t++) {
        const id = touched[t]!
        const intent = docIntent[id]!
        if (docScores[id]! > nearest[intent]!) nearest[intent] = docScores[id]!
        docScores[id] = 0
      }
      return { centroid, nearest }
    },
  }
}

interface FrozenPostings {
  ids: Int32Array
  weights: Float64Array
}

function freeze(index: Map<string, Postings>): Map<string, FrozenPostings> {
  const frozen = new Map<string, FrozenPostings>()
  for (const [key, { ids, weights }] of index) frozen.set(key, { ids: Int32Array.from(ids), weights: Float64Array.from(weights) })
  return frozen
}

function push(index: Map<string, Postings>, key: string, id: number, weight: number): void {
  let postings = index.get(key)
  if (!postings) {
    postings = { ids: [], weights: [] }
    index.set(key, postings)
  }
  postings.ids.push(id)
  postings.weights.push(weight)
}
