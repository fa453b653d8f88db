import type { Synonyms } from '../knowledge/synonyms.js'
import type { EncodedDocuments, FlatFeatures } from './lexical-index.js'

/** What training needs of one normalised example text; a pure function of the text (the dictionary is process-wide). */
export interface PreparedText {
  /** `flattenFeatures(extractFeatures(text, dictionary))`, its keys as indices into the cache's `terms`. */
  termIds: Int32Array
  counts: Int32Array
  /** node-nlp's zh tokens (`getZhTokenizer()`). */
  tokens: readonly string[]
}

/**
 * Remembers each example's `PreparedText` between trainings, so a retrain after a one-file edit only segments the
 * texts that are new (segmentation is most of `prepareTrainingInput`'s cost). Sound because a prepared text
 * depends on the normalised text alone; synonyms and normalisation happen before, so they are part of the key.
 */
export interface PreparedTextCache {
  /**
   * `normalize(text)` for an example as written, remembered while the knowledge base's `synonyms` stay the same
   * list (they and the process-wide normalisation are all the normalised form depends on).
   */
  normalized(text: string, synonyms: Synonyms, normalize: (text: string) => string): string
  /** The text's prepared form, from the cache or made now from `prepare`'s features and tokens. */
  get(normalizedText: string, prepare: (normalizedText: string) => { features: FlatFeatures; tokens: readonly string[] }): PreparedText
  /** The feature keys `termIds` index into (a copy: the list grows as new texts come). */
  terms(): string[]
  /** Ends a training: forgets the texts that it did not ask for (deleted or edited examples). */
  sweep(): void
  readonly size: number
}

/**
 * A two-generation cache: texts asked for since the last `sweep` are kept, the rest dropped at the next one, so it
 * holds about one knowledge base's examples however many edits come. Keys are numbered once, so encoding a
 * training's documents copies typed arrays instead of looking up every key again.
 *
 * @example
 * const cache = createPreparedTextCache()
 * await trainIntentMatcherInWorker(kb, { cache }) // segments every example
 * await trainIntentMatcherInWorker(edited, { cache }) // segments only the edited file's new examples
 */
export function createPreparedTextCache(): PreparedTextCache {
  let current = new Map<string, PreparedText>()
  let previous = new Map<string, PreparedText>()
  let normalizedNow = new Map<string, string>()
  let normalizedBefore = new Map<string, string>()
  let normalizedWith: Synonyms | undefined
  let terms: string[] = []
  let termIndex = new Map<string, number>()
  const idOf = (key: string): number => {
    let id = termIndex.get(key)
    if (id === undefined) {
      id = terms.length
      termIndex.set(key, id)
      terms.push(key)
    }
    return id
  }
  return {
    normalized(text, synonyms, normalize) {
      if (synonyms !== normalizedWith) {
        normalizedWith = synonyms
        normalizedNow = new Map()
        normalizedBefore = new Map()
      }
      let normalized = normalizedNow.get(text)
      if (normalized !== undefined) return normalized
      normalized = normalizedBefore.get(text) ?? normalize(text)
      normalizedNow.set(text, normalized)
      return normalized
    },
    get(text, prepare) {
      let prepared = current.get(text)
      if (prepared) return prepared
      prepared = previous.get(text)
      if (prepared) previous.delete(text)
      else {
        const { features, tokens } = prepare(text)
        prepared = { termIds: Int32Array.from(features.keys, idOf), counts: Int32Array.from(features.counts), tokens }
      }
      current.set(text, prepared)
      return prepared
    },
    terms: () => terms.slice(),
    sweep() {
      previous = current
      current = new Map()
      normalizedBefore = normalizedNow
      normalizedNow = new Map()
      // Keys of deleted examples stay numbered; renumber once they are most of the list, so it cannot grow forever.
      const used = new Int32Array(terms.length).fill(-1)
      let usedCount = 0
      for (const prepared of previous.values()) for (const id of prepared.termIds) if (used[id] === -1) used[id] = usedCount++
      if (usedCount * 2 >= terms.length) return
      const kept: string[] = new Array<string>(usedCount)
      used.forEach((to, from) => { if (to >= 0) kept[to] = terms[from]! })
      for (const prepared of previous.values()) prepared.termIds.forEach((id, j) => (prepared.termIds[j] = used[id]!))
      terms = kept
      termIndex = new Map(kept.map((key, id) => [key, id]))
    },
    get size() {
      return current.size + previous.size
    },
  }
}

/**
 * A training's documents, in order, from their prepared texts, as `EncodedDocuments` over the cache's terms.
 *
 * @example
 * const features = encodePreparedTexts(texts.map((t) => cache.get(t, prepare)), cache.terms())
 */
export function encodePreparedTexts(prepared: readonly PreparedText[], terms: string[]): EncodedDocuments {
  const offsets = new Int32Array(prepared.length + 1)
  prepared.forEach((p, d) => (offsets[d + 1] = offsets[d]! + p.termIds.length))
  const termIds = new Int32Array(offsets[prepared.length]!)
  const counts = new Int32Array(termIds.length)
  prepared.forEach((p, d) => {
    termIds.set(p.termIds, offsets[d]!)
    counts.set(p.counts, offsets[d]!)
  })
  return { terms, offsets, termIds, counts }
}
