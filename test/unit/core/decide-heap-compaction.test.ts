import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decideHeapCompaction, HEAP_COMPACTION } from '../../../src/core/decide-heap-compaction.js'

describe('decideHeapCompaction', () => {
  it('compacts an idle process whose heap stayed at what a burst needed (the 1,000-group figures)', () => {
    expect(decideHeapCompaction({ committedMb: 382, usedMb: 118, idle: true, sinceLastMs: Infinity })).toBe(true)
  })

  it('leaves the headroom V8 keeps after a GC alone (committed up to twice the live heap, plus a margin)', () => {
    expect(decideHeapCompaction({ committedMb: 184, usedMb: 97, idle: true, sinceLastMs: Infinity })).toBe(false)
  })

  it('never compacts while messages are in hand, or twice within the cooldown, whatever the heap', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 10_000, noNaN: true }), fc.double({ min: 0, max: 10_000, noNaN: true }), fc.boolean(), fc.integer({ min: 0, max: 10 * 60_000 }),
      (committedMb, usedMb, idle, sinceLastMs) => {
        const decided = decideHeapCompaction({ committedMb, usedMb, idle, sinceLastMs })
        if (!idle || sinceLastMs < HEAP_COMPACTION.cooldownMs) expect(decided).toBe(false)
        if (decided) expect(committedMb - 2 * usedMb).toBeGreaterThanOrEqual(HEAP_COMPACTION.minSlackMb)
      }))
  })
})
