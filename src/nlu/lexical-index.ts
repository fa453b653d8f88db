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

/** Inverted lists in CSR form: the postings of vocabulary entry `v` are `ids/weights[offsets[v] .. offsets[v + 1])`. */
export interface PostingLists {
  offsets: Int32Array
  ids: Int32Array
  weights: Float64Array
}

/**
 * A trained index as plain data (strings and typed arrays), so it can cross a worker boundary with its buffers
 * transferred rather than copied. `createLexicalIndex` turns it back into a `LexicalIndex`.
 */
export interface LexicalModel {
  intentCount: number
  weights: ViewWeights
  /** Every feature key seen in training, in first-seen order; the postings below are aligned with it. */
  vocabulary: string[]
  /** Inverse document frequency of each vocabulary entry. */
  idf: Float64Array
  /** Used for keys never seen in training: as if they were in half a document. */
  unseenIdf: number
  /** Intent of each training example. */
  docIntent: Int32Array
  /** Per feature: the examples that have it, with their TF-IDF weight (ids ascending). */
  docPostings: PostingLists
  /** Per feature: the intent centroids that have it, with their weight (ids ascending). */
  centroidPostings: PostingLists
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
  return createLexicalIndex(computeLexicalModel(docs, intentCount, weights))
}

/**
 * The training half of `buildLexicalIndex`: weighs every example and every intent centroid. Pure data out.
 *
 * @example
 * const model = computeLexicalModel(docs, intentCount, VIEW_WEIGHTS) // e.g. in a worker
 * const index = createLexicalIndex(model)                            // e.g. in the main thread
 */
export function computeLexicalModel(docs: readonly LexicalDocument[], intentCount: number, weights: ViewWeights): LexicalModel {
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
  const weigh = createWeigher(vocabularyIndex, idf, unseenIdf, weights)

  const vocabularySize = frequency.length
  const docPostings = new PostingBuilder(vocabularySize)
  const centroidSums = Array.from({ length: intentCount }, () => new Map<string, number>())
  docs.forEach((doc, docId) => {
    const vector = weigh(doc.features)
    const sum = centroidSums[doc.intent]
    for (const [key, w] of vector) {
      docPostings.push(vocabularyIndex.get(key)!, docId, w)
      if (sum) sum.set(key, (sum.get(key) ?? 0) + w)
    }
  })
  const viewScale = viewScales(weights)
  const centroidPostings = new PostingBuilder(vocabularySize)
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
    for (const [key, w] of sum) centroidPostings.push(vocabularyIndex.get(key)!, intent, w * (prefixScale.get(key.slice(0, 2)) ?? 0))
  })
  return {
    intentCount,
    weights: { ...weights },
    vocabulary: [...vocabularyIndex.keys()],
    idf,
    unseenIdf,
    docIntent: Int32Array.from(docs, (d) => d.intent),
    docPostings: docPostings.build(),
    centroidPostings: centroidPostings.build(),
  }
}

/**
 * Rebuilds a scorable index from a `LexicalModel`: one Map over the vocabulary, the typed arrays are used as they
 * are. Scores are bit-for-bit those of the index the model was computed for.
 */
export function createLexicalIndex(model: LexicalModel): LexicalIndex {
  const { intentCount, idf, unseenIdf, docIntent } = model
  const vocabularyIndex = new Map<string, number>()
  model.vocabulary.forEach((key, v) => vocabularyIndex.set(key, v))
  const weigh = createWeigher(vocabularyIndex, idf, unseenIdf, model.weights)
  const docs = model.docPostings
  const centroids = model.centroidPostings
  // Scratch space reused across calls (score is synchronous); only touched entries are reset.
  const docScores = new Float64Array(docIntent.length)
  const touched = new Int32Array(docIntent.length)

  return {
    intentCount,
    score(features) {
      const query = weigh(features)
      const centroid = new Float64Array(intentCount)
      let touchedCount = 0
      for (const [key, w] of query) {
        const v = vocabularyIndex.get(key)
        if (v === undefined) continue
        for (let i = centroids.offsets[v]!, end = centroids.offsets[v + 1]!; i < end; i++) {
          const id = centroids.ids[i]!
          centroid[id] = centroid[id]! + w * centroids.weights[i]!
        }
        for (let i = docs.offsets[v]!, end = docs.offsets[v + 1]!; i < end; i++) {
          const id = docs.ids[i]!
          if (docScores[id] === 0) touched[touchedCount++] = id
          docScores[id] = docScores[id]! + w * docs.weights[i]!
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

/** The buffers of a model, for `postMessage(..., transferList)`. */
export function lexicalModelBuffers(model: LexicalModel): ArrayBuffer[] {
  const { docPostings: d, centroidPostings: c } = model
  return [model.idf, model.docIntent, d.offsets, d.ids, d.weights, c.offsets, c.ids, c.weights].map((a) => a.buffer as ArrayBuffer)
}

/** Unit-length TF-IDF vector per view, scaled by sqrt(view weight), as one Map keyed by prefixed feature. */
function createWeigher(vocabularyIndex: ReadonlyMap<string, number>, idf: Float64Array, unseenIdf: number, weights: ViewWeights) {
  const viewScale = viewScales(weights)
  const idfOf = (key: string) => {
    const v = vocabularyIndex.get(key)
    return v === undefined ? unseenIdf : idf[v]!
  }
  return (features: TextFeatures): Map<string, number> => {
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
}

function viewScales(weights: ViewWeights): Record<FeatureView, number> {
  return Object.fromEntries(FEATURE_VIEWS.map((v) => [v, Math.sqrt(Math.max(0, weights[v]))])) as Record<FeatureView, number>
}

/** Collects (vocabulary entry, id, weight) triples, then lays them out in CSR order keeping push order per entry. */
class PostingBuilder {
  private readonly entries: number[] = []
  private readonly ids: number[] = []
  private readonly weights: number[] = []
  constructor(private readonly vocabularySize: number) {}

  push(entry: number, id: number, weight: number): void {
    this.entries.push(entry)
    this.ids.push(id)
    this.weights.push(weight)
  }

  build(): PostingLists {
    const offsets = new Int32Array(this.vocabularySize + 1)
    for (const entry of this.entries) offsets[entry + 1]!++
    for (let v = 0; v < this.vocabularySize; v++) offsets[v + 1]! += offsets[v]!
    const next = offsets.slice(0, this.vocabularySize)
    const ids = new Int32Array(this.ids.length)
    const weights = new Float64Array(this.weights.length)
    for (let i = 0; i < this.entries.length; i++) {
      const at = next[this.entries[i]!]!++
      ids[at] = this.ids[i]!
      weights[at] = this.weights[i]!
    }
    return { offsets, ids, weights }
  }
}
