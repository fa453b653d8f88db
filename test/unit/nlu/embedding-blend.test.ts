import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { blendRanking, buildExampleVectors, cosine, semanticEvidence } from '../../../src/nlu/embedding-blend.js'

const v = (...xs: number[]) => Float32Array.from(xs)

/** Three intents in a 3-dimensional space: each intent's examples lean towards one axis. */
const vectors = buildExampleVectors(['logistics.track', 'refund.apply', 'service.hours'], [
  { intent: 0, vector: v(1, 0.1, 0) }, { intent: 0, vector: v(0.9, 0, 0.1) },
  { intent: 1, vector: v(0, 1, 0) },
  { intent: 2, vector: v(0, 0.1, 1) },
])

describe('cosine', () => {
  it('is 1 for the same direction, 0 for orthogonal, −1 for opposite', () => {
    expect(cosine(v(1, 2), v(2, 4))).toBeCloseTo(1)
    expect(cosine(v(1, 0), v(0, 3))).toBe(0)
    expect(cosine(v(1, 1), v(-1, -1))).toBeCloseTo(-1)
  })

  it('is 0, never NaN, for vectors that cannot be compared (other dimension, zero length, NaN, infinities)', () => {
    expect(cosine(v(1, 0), v(1, 0, 0))).toBe(0)
    expect(cosine(v(0, 0), v(1, 0))).toBe(0)
    expect(cosine(v(Number.NaN, 1), v(1, 1))).toBe(0)
    expect(cosine(v(Number.POSITIVE_INFINITY, 1), v(1, 1))).toBe(0)
    expect(cosine([], [])).toBe(0)
  })

  it('is symmetric, finite and within [−1, 1] for any vectors, malformed ones included', () => {
    const anyNumber = fc.oneof(fc.double(), fc.constant(Number.NaN), fc.constant(Number.POSITIVE_INFINITY), fc.constant(0))
    fc.assert(fc.property(fc.array(anyNumber, { maxLength: 8 }), fc.array(anyNumber, { maxLength: 8 }), (a, b) => {
      const c = cosine(a, b)
      return Number.isFinite(c) && c >= -1 && c <= 1 && c === cosine(b, a)
    }), { numRuns: 1000 })
  })
})

describe('semanticEvidence', () => {
  it('gives each intent its nearest example and centroid cosine, clipped to [0, 1]', () => {
    const e = semanticEvidence(v(1, 0, 0), vectors)
    expect(e.nearest[0]).toBeGreaterThan(0.99)
    expect(e.centroid[0]).toBeGreaterThan(0.98)
    expect(e.nearest[1]).toBe(0)
    const opposite = semanticEvidence(v(-1, 0, 0), vectors)
    expect(opposite.nearest.every((x) => x === 0)).toBe(true)
  })

  it('adds nothing for a question vector of another dimension', () => {
    const e = semanticEvidence(v(1, 0), vectors)
    expect([...e.nearest, ...e.centroid].every((x) => x === 0)).toBe(true)
  })

  it('leaves out example vectors of another dimension than the first, and intents without vectors score 0', () => {
    const mixed = buildExampleVectors(['a', 'b'], [{ intent: 0, vector: v(1, 0) }, { intent: 1, vector: v(0, 1, 0) }])
    expect(mixed.examples[1]).toEqual([])
    expect(semanticEvidence(v(0, 1), mixed).nearest).toEqual([0, 0])
  })
})

describe('blendRanking', () => {
  it('gives back the lexical scores at weight 0', () => {
    const lexical = [{ intentId: 'refund.apply', score: 0.4 }, { intentId: 'logistics.track', score: 0.3 }]
    expect(blendRanking(lexical, v(1, 0, 0), vectors, 0)).toEqual(lexical)
  })

  it('lifts the intent the question means, even one the lexical top missed', () => {
    // A paraphrase the lexical matcher ranks wrongly: the vectors say logistics.
    const lexical = [{ intentId: 'refund.apply', score: 0.3 }]
    const blended = blendRanking(lexical, v(1, 0.05, 0.05), vectors, 0.5)
    expect(blended[0]!.intentId).toBe('logistics.track')
    expect(blended[0]!.score).toBeGreaterThan(0.45)
    expect(blended.find((t) => t.intentId === 'refund.apply')!.score).toBeLessThan(0.3)
  })

  it('is (1 − w) × lexical + w × (nearest + centroid) / 2, best first, at most three', () => {
    const lexical = [{ intentId: 'logistics.track', score: 0.6 }]
    const e = semanticEvidence(v(1, 0, 0), vectors)
    const [best] = blendRanking(lexical, v(1, 0, 0), vectors, 0.3)
    expect(best!.score).toBeCloseTo(0.7 * 0.6 + 0.3 * ((e.nearest[0]! + e.centroid[0]!) / 2), 3)
    fc.assert(fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }), fc.double({ min: 0, max: 1, noNaN: true }), (q, w) => {
      const out = blendRanking([{ intentId: 'service.hours', score: 0.5 }], Float32Array.from(q), vectors, w)
      return out.length <= 3 && out.every((t, i) => t.score > 0 && t.score <= 1 && (i === 0 || out[i - 1]!.score >= t.score))
    }))
  })

  it('never raises a score for a question vector that cannot be compared (wrong dimension): the lexical part alone, scaled', () => {
    const lexical = [{ intentId: 'logistics.track', score: 0.6 }]
    expect(blendRanking(lexical, v(1, 0), vectors, 0.5)).toEqual([{ intentId: 'logistics.track', score: 0.3 }])
  })
})
