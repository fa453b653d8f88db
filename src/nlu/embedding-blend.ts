import type { ScoredIntent } from './intent-matcher.js'

/** A text's embedding as the provider gave it (any dimension; all of one model's vectors share it). */
export type Vector = Float32Array

/**
 * The knowledge's examples as vectors, per intent: unit length, so a dot product is the cosine. Built once per
 * knowledge (re)load from vectors the pipeline fetched; pure data from here on.
 */
export interface ExampleVectors {
  intentIds: readonly string[]
  /** Per intent (same order as `intentIds`), its examples' unit vectors; an intent may have none (its examples failed to embed). */
  examples: readonly (readonly Vector[])[]
  /** Per intent, the unit mean of its examples (undefined when it has none). */
  centroids: readonly (Vector | undefined)[]
  dimension: number
}

/** The top of a blended ranking, like the lexical matcher's. */
const TOP_N = 3

/**
 * Groups example vectors by intent, normalising each; vectors of another dimension than the first, or of zero
 * length, are left out (they cannot be compared). Pure.
 *
 * @example
 * const examples = buildExampleVectors(['a', 'b'], [{ intent: 0, vector: va }, { intent: 1, vector: vb }])
 */
export function buildExampleVectors(intentIds: readonly string[], entries: ReadonlyArray<{ intent: number; vector: Vector }>): ExampleVectors {
  const examples: Vector[][] = intentIds.map(() => [])
  let dimension = 0
  for (const { intent, vector } of entries) {
    if (dimension === 0) dimension = vector.length
    const unit = vector.length === dimension ? unitVector(vector) : undefined
    if (unit && examples[intent]) examples[intent]!.push(unit)
  }
  const centroids = examples.map((list) => (list.length === 0 ? undefined : unitVector(sumVectors(list, dimension))))
  return { intentIds, examples, centroids, dimension }
}

/**
 * Cosine similarity in [-1, 1]; 0 when the vectors differ in dimension, either has zero length, or a component
 * is not finite (a provider bug must lower a score, never raise it). Pure.
 *
 * @example
 * cosine(Float32Array.of(1, 0), Float32Array.of(1, 1)) // ≈ 0.7071
 */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) return 0
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!
    const y = b[i]!
    dot += x * y
    na += x * x
    nb += y * y
  }
  if (!(na > 0 && nb > 0) || !Number.isFinite(dot) || !Number.isFinite(na) || !Number.isFinite(nb)) return 0
  return Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)))
}

/** Semantic evidence per intent: cosine to its nearest example and to its centroid, each clipped to [0, 1]. */
export interface SemanticEvidence {
  nearest: number[]
  centroid: number[]
}

/** The question's cosine to every intent's nearest example and centroid (0 where the intent has no vectors). Pure. */
export function semanticEvidence(question: Vector, vectors: ExampleVectors): SemanticEvidence {
  const nearest: number[] = []
  const centroid: number[] = []
  const q = question.length === vectors.dimension ? unitVector(question) : undefined
  for (let i = 0; i < vectors.intentIds.length; i++) {
    let best = 0
    if (q) for (const example of vectors.examples[i]!) best = Math.max(best, dot(q, example))
    const c = vectors.centroids[i]
    nearest.push(clip01(best))
    centroid.push(q && c ? clip01(dot(q, c)) : 0)
  }
  return { nearest, centroid }
}

/**
 * Blends the lexical ranking with the question's semantic evidence into the score the thresholds apply to:
 * `(1 − weight) × lexical + weight × (nearest + centroid) / 2`. Candidates are the lexical top and the semantic top
 * (an intent missing from the lexical top counts 0 there: it scored below three others, so its lexical share is
 * small, and leaving it out only lowers a score, never accepts more). Returns the best TOP_N, best first; ties
 * keep the lexical order. Weight 0 gives the lexical scores back; a question vector of the wrong dimension adds
 * nothing semantic. Pure: the pipeline fetched the vectors; `qundesk kb calibrate` calls the same function.
 *
 * @example
 * blendRanking([{ intentId: 'logistics.track', score: 0.42 }], questionVector, exampleVectors, 0.5)
 * // [{ intentId: 'logistics.track', score: 0.66 }, { intentId: 'logistics.delay', score: 0.31 }, ...]
 */
export function blendRanking(lexical: readonly ScoredIntent[], question: Vector, vectors: ExampleVectors, weight: number): ScoredIntent[] {
  const w = clip01(weight)
  const evidence = semanticEvidence(question, vectors)
  const semantic = evidence.nearest.map((n, i) => (n + evidence.centroid[i]!) / 2)
  const lexicalScore = new Map(lexical.map((t) => [t.intentId, t.score]))
  const order = new Map(lexical.map((t, i) => [t.intentId, i]))
  const indexOf = new Map(vectors.intentIds.map((id, i) => [id, i]))
  const candidates = new Set(lexical.map((t) => t.intentId))
  const bySemantic = vectors.intentIds.map((id, i) => ({ id, s: semantic[i]! })).filter((c) => c.s > 0).sort((a, b) => b.s - a.s)
  for (const c of bySemantic.slice(0, TOP_N)) candidates.add(c.id)
  const blended = [...candidates].map((intentId) => {
    const i = indexOf.get(intentId)
    const s = i === undefined ? 0 : semantic[i]!
    return { intentId, score: round((1 - w) * (lexicalScore.get(intentId) ?? 0) + w * s), order: order.get(intentId) ?? Number.MAX_SAFE_INTEGER }
  })
  blended.sort((a, b) => b.score - a.score || a.order - b.order)
  return blended.filter((b) => b.score > 0).slice(0, TOP_N).map(({ intentId, score }) => ({ intentId, score }))
}

function unitVector(v: ArrayLike<number>): Vector | undefined {
  let n = 0
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!
  if (!(n > 0) || !Number.isFinite(n)) return undefined
  const norm = Math.sqrt(n)
  const out = new Float32Array(v.length)
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / norm
  return out
}

function sumVectors(list: readonly Vector[], dimension: number): Vector {
  const sum = new Float32Array(dimension)
  for (const v of list) for (let i = 0; i < dimension; i++) sum[i] = sum[i]! + v[i]!
  return sum
}

function dot(a: Vector, b: Vector): number {
  let d = 0
  for (let i = 0; i < a.length; i++) d += a[i]! * b[i]!
  return d
}

function clip01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0
}

/** Four decimals, like the lexical matcher's scores. */
function round(score: number): number {
  return Math.round(clip01(score) * 10000) / 10000
}
