import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { wellFormed, wellFormedDeep } from '../../../src/core/well-formed-text.js'

// What UTF-8 storage does to a string (encode, decode), and what PostgreSQL's text cannot hold (NUL).
const throughUtf8 = (s: string) => Buffer.from(s, 'utf8').toString('utf8').replaceAll('\0', '\uFFFD')

describe('wellFormed', () => {
  it('replaces lone surrogates and keeps pairs', () => {
    expect(wellFormed('a\ud800b')).toBe('a\ufffdb')
    expect(wellFormed('\udc00\ud800')).toBe('\ufffd\ufffd')
    expect(wellFormed('😀客服')).toBe('😀客服')
    expect(wellFormed('\ud83d\ude00\ud83d')).toBe('😀\ufffd')
  })

  it('replaces NUL, which PostgreSQL text refuses, and keeps other control characters', () => {
    expect(wellFormed('a\u0000b')).toBe('a\ufffdb')
    expect(wellFormed('\t\n\u0001')).toBe('\t\n\u0001')
  })

  it('gives exactly what a round trip through UTF-8 storage gives, and is idempotent', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      expect(wellFormed(s)).toBe(throughUtf8(s))
      expect(wellFormed(wellFormed(s))).toBe(wellFormed(s))
    }))
  })
})

describe('wellFormedDeep', () => {
  it('cleans strings and keys at any depth and returns a clean value as it is', () => {
    expect(wellFormedDeep({ name: '\ud800', list: [1, 'x\udfff', { ['k\ud800']: null }] })).toEqual({ name: '\ufffd', list: [1, 'x\ufffd', { 'k\ufffd': null }] })
    const clean = { a: ['b', { c: 1 }] }
    expect(wellFormedDeep(clean)).toBe(clean)
  })

  it('keeps __proto__ an own key and a null prototype null', () => {
    const parsed = JSON.parse('{"__proto__":{"x":"\\ud800"}}') as Record<string, unknown>
    const out = wellFormedDeep(parsed)
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ x: '\ufffd' })
    const query = Object.assign(Object.create(null) as Record<string, string>, { q: '\ud800' })
    expect(Object.getPrototypeOf(wellFormedDeep(query))).toBeNull()
  })

  it('leaves every string in any JSON value well-formed', () => {
    const strings = (v: unknown): string[] => typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)]) : []
    fc.assert(fc.property(fc.jsonValue({ stringUnit: 'binary' }), (v) => {
      for (const s of strings(wellFormedDeep(v))) expect(/[\p{Surrogate}\0]/u.test(s)).toBe(false)
    }))
  })
})
