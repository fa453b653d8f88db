import { EmbeddingsError } from './embeddings-error.js'

/**
 * Checks a `/v1/embeddings` answer (OpenAI's shape: `{ data: [{ index, embedding: number[] }, ...] }`) against the
 * request and returns the vectors in input order. Servers differ at the edges (some omit `index`, some list data
 * out of order), so: `index`, when present, must be a permutation of 0..n−1 and sets the order; without it the
 * list order counts. Every embedding must be a non-empty array of finite numbers, all of one dimension, and there
 * must be exactly one per input. Anything else throws `EmbeddingsError('malformed')` saying what was wrong — a
 * wrong vector must never reach the ranking. Pure.
 *
 * @example
 * parseEmbeddingsResponse({ data: [{ index: 0, embedding: [0.1, 0.2] }] }, 1) // [Float32Array [0.1, 0.2]]
 */
export function parseEmbeddingsResponse(body: unknown, expected: number): Float32Array[] {
  const data = isObject(body) ? body.data : undefined
  if (!Array.isArray(data)) throw malformed(`expected an object with a "data" array, got ${describe(body)}`)
  if (data.length !== expected) throw malformed(`expected ${expected} embeddings (one per input), got ${data.length}`)
  const out: Array<Float32Array | undefined> = new Array(expected).fill(undefined)
  let dimension: number | undefined
  for (let i = 0; i < data.length; i++) {
    const item: unknown = data[i]
    if (!isObject(item)) throw malformed(`data[${i}] is ${describe(item)}, not an object`)
    const index = item.index === undefined ? i : item.index
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= expected) throw malformed(`data[${i}].index is ${describe(item.index)}, not an input position from 0 to ${expected - 1}`)
    if (out[index] !== undefined) throw malformed(`data[${i}].index ${index} appears twice`)
    const embedding = item.embedding
    if (typeof embedding === 'string') throw malformed(`data[${i}].embedding is a string (base64?): the provider must answer with float arrays (encoding_format "float")`)
    if (!Array.isArray(embedding) || embedding.length === 0) throw malformed(`data[${i}].embedding is ${describe(embedding)}, not a non-empty array of numbers`)
    dimension ??= embedding.length
    if (embedding.length !== dimension) throw malformed(`data[${i}].embedding has ${embedding.length} dimensions, data[0] had ${dimension}`)
    const vector = new Float32Array(embedding.length)
    for (let d = 0; d < embedding.length; d++) {
      const x: unknown = embedding[d]
      // Stored as float32: a double beyond its range (±3.4e38) would become Infinity there.
      if (typeof x !== 'number' || !Number.isFinite(Math.fround(x))) throw malformed(`data[${i}].embedding[${d}] is ${describe(x)}, not a finite number`)
      vector[d] = x
    }
    out[index] = vector
  }
  return out as Float32Array[]
}

function malformed(detail: string): EmbeddingsError {
  return new EmbeddingsError('malformed', `embedding provider answered with an unexpected shape: ${detail}`)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A short description of a value for an error message (never the whole value: it could be large). */
function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (typeof value === 'string') return `a string of ${value.length} characters`
  if (typeof value === 'number') return String(value)
  return typeof value
}
