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
  const encoder = createDocumentEncoder()
  for (const doc of docs) encoder.add(flattenFeatures(doc.features))
  return computeLexicalModelFromTerms(encoder.finish(), Int32Array.from(docs, (d) => d.intent), intentCount, weights)
}

/** A text's features as two aligned lists, views in `FEATURE_VIEWS` order, each view in `extractFeatures`' order. */
export interface FlatFeatures {
  keys: readonly string[]
  counts: readonly number[]
}

/** `features` flattened (see `FlatFeatures`): what a training document keeps of its text, cheap to cache and to encode. */
export function flattenFeatures(features: TextFeatures): FlatFeatures {
  const keys: string[] = []
  const counts: number[] = []
  for (const view of FEATURE_VIEWS) {
    for (const [key, count] of features[view]) {
      keys.push(key)
      counts.push(count)
    }
  }
  return { keys, counts }
}

/**
 * Training documents as indices into one list of feature keys (typed arrays, so they cross a worker boundary
 * cheaply): document `d`'s features are `termIds/counts[offsets[d] .. offsets[d + 1])`, in `FlatFeatures` order.
 */
export interface EncodedDocuments {
  /** The feature keys the documents refer to, in any order; may hold keys that no document uses. */
  terms: string[]
  offsets: Int32Array
  termIds: Int32Array
  counts: Int32Array
}

/**
 * Encodes documents one at a time (so a caller can yield between them) into `EncodedDocuments`.
 *
 * @example
 * const encoder = createDocumentEncoder()
 * encoder.add(flattenFeatures(extractFeatures('快递到哪了', dict)))
 * const encoded = encoder.finish()
 */
export function createDocumentEncoder(): { add(features: FlatFeatures): void; finish(): EncodedDocuments } {
  const termIndex = new Map<string, number>()
  const terms: string[] = []
  const offsets: number[] = [0]
  const termIds: number[] = []
  const counts: number[] = []
  return {
    add(features) {
      features.keys.forEach((key, j) => {
        let id = termIndex.get(key)
        if (id === undefined) {
          id = terms.length
          termIndex.set(key, id)
          terms.push(key)
        }
        termIds.push(id)
        counts.push(features.counts[j]!)
      })
      offsets.push(termIds.length)
    },
    finish: () => ({ terms, offsets: Int32Array.from(offsets), termIds: Int32Array.from(termIds), counts: Int32Array.from(counts) }),
  }
}

/**
 * `computeLexicalModel` over encoded documents, on typed arrays only (no per-feature Maps or strings), so a
 * 1,000-intent knowledge base trains in tens of ms. The arithmetic is the same, in the same order, as weighing
 * each document's features with `createWeigher` and summing them per intent, so the model is bit-for-bit the one
 * that computation gives (test/unit/nlu/lexical-index.test.ts keeps that computation as the reference).
 */
export function computeLexicalModelFromTerms(docs: EncodedDocuments, docIntent: Int32Array, intentCount: number, weights: ViewWeights): LexicalModel {
  const n = docIntent.length
  const { offsets, termIds, counts } = docs
  // The vocabulary in first-seen order, and each entry's document frequency (a key occurs once per document).
  const vocabularyOf = new Int32Array(docs.terms.length).fill(-1)
  const vocabularyTerms: number[] = []
  const frequency: number[] = []
  const entryOf = new Int32Array(termIds.length)
  for (let j = 0; j < termIds.length; j++) {
    const t = termIds[j]!
    let v = vocabularyOf[t]!
    if (v < 0) {
      v = vocabularyOf[t] = frequency.length
      vocabularyTerms.push(t)
      frequency.push(1)
    } else frequency[v]!++
    entryOf[j] = v
  }
  const vocabulary = vocabularyTerms.map((t) => docs.terms[t]!)
  const vocabularySize = vocabulary.length
  const idf = Float64Array.from(frequency, (df) => Math.log(1 + n / df))
  const unseenIdf = Math.log(1 + n / 0.5)
  const viewScale = viewScales(weights)
  const scaleOfView = FEATURE_VIEWS.map((view) => viewScale[view])
  const viewOf = viewsOf(vocabulary)

  // Each document's unit-length-per-view weights, aligned with its entries; NaN where its view has no weight.
  const docWeight = new Float64Array(termIds.length)
  for (let d = 0; d < n; d++) {
    for (let start = offsets[d]!, end = offsets[d + 1]!; start < end; ) {
      const view = viewOf[entryOf[start]!]!
      let stop = start
      let norm = 0
      for (; stop < end && viewOf[entryOf[stop]!] === view; stop++) {
        const count = counts[stop]!
        // Most features occur once in an example; 1 + log(1) is exactly 1, so skipping the log changes no bit.
        const w = (count === 1 ? 1 : 1 + Math.log(count)) * idf[entryOf[stop]!]!
        docWeight[stop] = w
        norm += w * w
      }
      const skip = norm === 0 || scaleOfView[view] === 0 // zero weights would break the touched-doc bookkeeping
      const scale = skip ? 0 : scaleOfView[view]! / Math.sqrt(norm)
      for (let j = start; j < stop; j++) docWeight[j] = skip ? NaN : docWeight[j]! * scale
      start = stop
    }
  }
  const docOfEntry = new Int32Array(termIds.length)
  for (let d = 0; d < n; d++) docOfEntry.fill(d, offsets[d]!, offsets[d + 1]!)
  const docPostings = buildPostings(vocabularySize, entryOf, docOfEntry, docWeight)

  // Centroids: per intent, its documents' vectors summed in document order, then re-normalised per view so a
  // centroid is unit length per view, like a question. Keys keep the order they first appear in the intent's documents.
  const docsOfIntent = Array.from({ length: intentCount }, () => [] as number[])
  for (let d = 0; d < n; d++) docsOfIntent[docIntent[d]!]?.push(d)
  const sums = new Float64Array(vocabularySize)
  const seenBy = new Int32Array(vocabularySize).fill(-1)
  // A centroid has at most as many entries as its documents together.
  const centroidEntries = new Int32Array(termIds.length)
  const centroidIds = new Int32Array(termIds.length)
  const centroidWeights = new Float64Array(termIds.length)
  let centroidCount = 0
  const norms = new Float64Array(FEATURE_VIEWS.length)
  const scale = new Float64Array(FEATURE_VIEWS.length)
  const touched = new Int32Array(vocabularySize)
  for (let intent = 0; intent < intentCount; intent++) {
    let touchedCount = 0
    for (const d of docsOfIntent[intent]!) {
      for (let j = offsets[d]!, end = offsets[d + 1]!; j < end; j++) {
        const w = docWeight[j]!
        if (Number.isNaN(w)) continue
        const v = entryOf[j]!
        if (seenBy[v] !== intent) {
          seenBy[v] = intent
          sums[v] = 0
          touched[touchedCount++] = v
        }
        sums[v] = sums[v]! + w
      }
    }
    norms.fill(0)
    for (let t = 0; t < touchedCount; t++) {
      const v = touched[t]!
      norms[viewOf[v]!] = norms[viewOf[v]!]! + sums[v]! * sums[v]!
    }
    for (let view = 0; view < norms.length; view++) scale[view] = norms[view] ? scaleOfView[view]! / Math.sqrt(norms[view]!) : 0
    for (let t = 0; t < touchedCount; t++) {
      const v = touched[t]!
      centroidEntries[centroidCount] = v
      centroidIds[centroidCount] = intent
      centroidWeights[centroidCount++] = sums[v]! * scale[viewOf[v]!]!
    }
  }
  const centroidPostings = buildPostings(vocabularySize, centroidEntries.subarray(0, centroidCount), centroidIds, centroidWeights)
  return { intentCount, weights: { ...weights }, vocabulary, idf, unseenIdf, docIntent: Int32Array.from(docIntent), docPostings, centroidPostings }
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

/**
 * Lays (vocabulary entry, id, weight) triples out in CSR order, keeping their order within each entry; NaN
 * weights are left out.
 */
function buildPostings(vocabularySize: number, entries: ArrayLike<number>, ids: ArrayLike<number>, weights: ArrayLike<number>): PostingLists {
  const offsets = new Int32Array(vocabularySize + 1)
  for (let i = 0; i < entries.length; i++) if (!Number.isNaN(weights[i]!)) offsets[entries[i]! + 1]!++
  for (let v = 0; v < vocabularySize; v++) offsets[v + 1]! += offsets[v]!
  const next = offsets.slice(0, vocabularySize)
  const outIds = new Int32Array(offsets[vocabularySize]!)
  const outWeights = new Float64Array(outIds.length)
  for (let i = 0; i < entries.length; i++) {
    if (Number.isNaN(weights[i]!)) continue
    const at = next[entries[i]!]!++
    outIds[at] = ids[i]!
    outWeights[at] = weights[i]!
  }
  return { offsets, ids: outIds, weights: outWeights }
}

/** The view of each vocabulary key, by its prefix (`c:`, `b:`, …), as an index into `FEATURE_VIEWS`. */
function viewsOf(vocabulary: readonly string[]): Uint8Array {
  const byPrefix = new Map(FEATURE_VIEWS.map((view, i) => [FEATURE_PREFIX[view], i]))
  return Uint8Array.from(vocabulary, (key) => {
    const view = byPrefix.get(key.slice(0, 2))
    if (view === undefined) throw new Error(`feature key "${key}" has no view prefix`)
    return view
  })
}
