import { normalizeText } from './normalize-text.js'
import { extractFeatures, type FeatureView } from './text-features.js'
import type { ChineseDictionary } from './zh-dictionary.js'

/** A group of similar questions; `questions` are distinct texts, the most asked first. */
export interface QuestionCluster {
  questions: string[]
  /** How many of the input questions fell in it (repeats counted). */
  count: number
}

export interface ClusterOptions {
  /** The matcher's dictionary (segmentation, pinyin); tests pass their own. */
  dictionary: ChineseDictionary
  /** Cosine similarity to a cluster's centroid needed to join it (0..1). */
  threshold?: number
  /** Questions read at most; the rest are ignored (callers pass the newest first). */
  maxQuestions?: number
  /** Clusters smaller than this (in count) are left out. */
  minCount?: number
  /** Clusters returned at most. */
  maxClusters?: number
}

export const DEFAULT_CLUSTER_THRESHOLD = 0.3
export const MAX_CLUSTERED_QUESTIONS = 2000

/** Same views the matcher uses, weighted toward phrases: bigrams and words say more than single characters. */
const VIEW_WEIGHTS: Partial<Record<FeatureView, number>> = { char: 0.5, bigram: 1, pinyinBigram: 0.5, word: 1 }

type Vector = Map<string, number>

function vectorOf(normalized: string, dictionary: ChineseDictionary): Vector {
  const features = extractFeatures(normalized, dictionary)
  const v: Vector = new Map()
  for (const [view, weight] of Object.entries(VIEW_WEIGHTS) as Array<[FeatureView, number]>) {
    for (const [key, count] of features[view]) v.set(key, (v.get(key) ?? 0) + weight * count)
  }
  return v
}

function norm(v: Vector): number {
  let s = 0
  for (const x of v.values()) s += x * x
  return Math.sqrt(s)
}

function cosine(a: Vector, aNorm: number, b: Vector, bNorm: number): number {
  if (aNorm === 0 || bNorm === 0) return 0
  const [small, large] = a.size <= b.size ? [a, b] : [b, a]
  let dot = 0
  for (const [k, x] of small) {
    const y = large.get(k)
    if (y !== undefined) dot += x * y
  }
  return dot / (aNorm * bNorm)
}

/**
 * Groups questions by similarity of wording, with the matcher's normalisation and features (normalizeText,
 * extractFeatures): texts equal after normalisation are one, then each distinct text, most asked first, joins the
 * cluster whose centroid it is closest to if that is at least `threshold`, else starts a new one. Pure and bounded:
 * at most `maxQuestions` inputs, O(distinct texts × clusters) comparisons. Deterministic for a given input order.
 *
 * @example
 * clusterQuestions(['能开专票吗', '可以开专票吗？', '几点下班'], { dictionary })
 * // [{ questions: ['能开专票吗', '可以开专票吗？'], count: 2 }, { questions: ['几点下班'], count: 1 }]
 */
export function clusterQuestions(questions: readonly string[], options: ClusterOptions): QuestionCluster[] {
  const threshold = options.threshold ?? DEFAULT_CLUSTER_THRESHOLD
  const read = questions.slice(0, options.maxQuestions ?? MAX_CLUSTERED_QUESTIONS)

  // Identical after normalisation: one entry, with every wording seen and how often.
  const byNorm = new Map<string, { norm: string; count: number; wordings: Map<string, number>; first: number }>()
  read.forEach((question, index) => {
    const text = question.trim()
    const n = normalizeText(text)
    if (n === '') return
    const entry = byNorm.get(n) ?? { norm: n, count: 0, wordings: new Map<string, number>(), first: index }
    entry.count++
    entry.wordings.set(text, (entry.wordings.get(text) ?? 0) + 1)
    byNorm.set(n, entry)
  })
  const entries = [...byNorm.values()].sort((a, b) => b.count - a.count || a.first - b.first)

  const clusters: Array<{ centroid: Vector; centroidNorm: number; members: typeof entries; count: number }> = []
  for (const entry of entries) {
    const v = vectorOf(entry.norm, options.dictionary)
    const vNorm = norm(v)
    let best = -1
    let bestScore = threshold
    clusters.forEach((c, i) => {
      const score = cosine(v, vNorm, c.centroid, c.centroidNorm)
      if (score >= bestScore) {
        if (score > bestScore || best === -1) best = i
        bestScore = score
      }
    })
    if (best === -1) {
      clusters.push({ centroid: new Map(v), centroidNorm: vNorm, members: [entry], count: entry.count })
      continue
    }
    const c = clusters[best]!
    // The centroid is the sum of its members' vectors (cosine ignores scale), each counted once per distinct text.
    for (const [k, x] of v) c.centroid.set(k, (c.centroid.get(k) ?? 0) + x)
    c.centroidNorm = norm(c.centroid)
    c.members.push(entry)
    c.count += entry.count
  }

  return clusters
    .filter((c) => c.count >= (options.minCount ?? 1))
    .sort((a, b) => b.count - a.count)
    .slice(0, options.maxClusters ?? clusters.length)
    .map((c) => ({
      count: c.count,
      questions: c.members
        .flatMap((m) => [...m.wordings].map(([text, n]) => ({ text, n })))
        .sort((a, b) => b.n - a.n)
        .map((w) => w.text),
    }))
}
