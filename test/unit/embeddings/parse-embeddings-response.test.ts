import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EmbeddingsError } from '../../../src/embeddings/embeddings-error.js'
import { parseEmbeddingsResponse } from '../../../src/embeddings/parse-embeddings-response.js'

const malformed = (body: unknown, expected: number) => {
  try {
    parseEmbeddingsResponse(body, expected)
  } catch (e) {
    expect(e).toBeInstanceOf(EmbeddingsError)
    expect((e as EmbeddingsError).kind).toBe('malformed')
    return (e as Error).message
  }
  throw new Error('expected a malformed-response error')
}

describe('parseEmbeddingsResponse', () => {
  it('returns the vectors in input order, by index when given', () => {
    const vectors = parseEmbeddingsResponse({ object: 'list', data: [{ index: 1, embedding: [3, 4] }, { index: 0, embedding: [1, 2] }], model: 'm' }, 2)
    expect(vectors.map((v) => [...v])).toEqual([[1, 2], [3, 4]])
    // Some servers leave index out: the list order counts.
    expect(parseEmbeddingsResponse({ data: [{ embedding: [0.5] }, { embedding: [0.25] }] }, 2).map((v) => [...v])).toEqual([[0.5], [0.25]])
  })

  it.each([
    [null, 1, 'expected an object with a "data" array, got null'],
    [{ error: { message: 'model not found' } }, 1, 'expected an object with a "data" array'],
    [{ data: [] }, 1, 'expected 1 embeddings (one per input), got 0'],
    [{ data: [{ embedding: [1] }, { embedding: [1] }] }, 1, 'got 2'],
    [{ data: [{ embedding: [1, 2] }, { embedding: [1] }] }, 2, 'data[1].embedding has 1 dimensions, data[0] had 2'],
    [{ data: [{ embedding: [1, 'x'] }] }, 1, 'data[0].embedding[1] is a string of 1 characters, not a finite number'],
    [{ data: [{ embedding: [] }] }, 1, 'not a non-empty array of numbers'],
    [{ data: [{ embedding: 'AAAA' }] }, 1, 'is a string (base64?)'],
    [{ data: [{ index: 0, embedding: [1] }, { index: 0, embedding: [2] }] }, 2, 'index 0 appears twice'],
    [{ data: [{ index: 5, embedding: [1] }] }, 1, 'data[0].index is 5, not an input position from 0 to 0'],
    [{ data: [7] }, 1, 'data[0] is 7, not an object'],
    // Finite as a double, Infinity as the float32 it is stored as (found by the property below).
    [{ data: [{ embedding: [1e39] }] }, 1, 'data[0].embedding[0] is 1e+39, not a finite number'],
  ])('refuses %j (expecting %d) saying what is wrong', (body, expected, message) => {
    expect(malformed(body, expected)).toContain(message)
  })

  it('never returns a wrong vector for any JSON: either vectors for every input of one finite dimension, or a malformed error', () => {
    const item = fc.record({
      index: fc.option(fc.oneof(fc.integer({ min: -1, max: 4 }), fc.double(), fc.string()), { nil: undefined }),
      embedding: fc.oneof(fc.array(fc.oneof(fc.double(), fc.integer(), fc.constant(null), fc.string()), { maxLength: 4 }), fc.string(), fc.constant(null)),
    }, { requiredKeys: [] })
    const body = fc.oneof(fc.jsonValue(), fc.record({ data: fc.array(fc.oneof(item, fc.jsonValue()), { maxLength: 4 }) }))
    fc.assert(fc.property(body, fc.integer({ min: 1, max: 4 }), (b, expected) => {
      let vectors: Float32Array[]
      try {
        vectors = parseEmbeddingsResponse(b, expected)
      } catch (e) {
        return e instanceof EmbeddingsError && e.kind === 'malformed'
      }
      const dimension = vectors[0]!.length
      return vectors.length === expected && dimension > 0 && vectors.every((v) => v instanceof Float32Array && v.length === dimension && [...v].every(Number.isFinite))
    }), { numRuns: 2000 })
  })
})
