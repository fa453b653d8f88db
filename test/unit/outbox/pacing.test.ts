import { describe, expect, it } from 'vitest'
import { createPacer, retryDelayMs } from '../../../src/outbox/pacing.js'

describe('send pacing', () => {
  it('spaces sends into one group by the group interval plus jitter, and any two sends by the global interval', () => {
    const pacer = createPacer({ groupIntervalMs: 3000, globalIntervalMs: 1000, jitterMs: 2000 }, () => 0.5)
    expect(pacer.waitMs('g1', 0)).toBe(0)
    pacer.record('g1', 0)
    expect(pacer.waitMs('g1', 0)).toBe(4000) // 3000 + 0.5 × 2000
    expect(pacer.waitMs('g2', 0)).toBe(1500) // global 1000 + half the jitter
    expect(pacer.waitMs('g2', 1500)).toBe(0)
    expect(pacer.waitMs('g1', 3999)).toBe(1)
    expect(pacer.waitMs('g1', 4000)).toBe(0)
  })

  it('tells how long the account must wait before any send, whatever the group', () => {
    const pacer = createPacer({ groupIntervalMs: 3000, globalIntervalMs: 1000, jitterMs: 2000 }, () => 0.5)
    expect(pacer.globalWaitMs(0)).toBe(0)
    pacer.record('g1', 0)
    expect(pacer.globalWaitMs(0)).toBe(1500)
    expect(pacer.globalWaitMs(1500)).toBe(0)
    expect(pacer.waitMs('g1', 1500)).toBe(2500) // the group's own gap is not the account's
  })

  it('draws a different gap each time, so the rhythm is not regular', () => {
    const draws = [0.1, 0.9]
    const pacer = createPacer({ groupIntervalMs: 1000, globalIntervalMs: 0, jitterMs: 1000 }, () => draws.shift() ?? 0)
    pacer.record('g', 0)
    const first = pacer.waitMs('g', 0)
    pacer.record('g', 10_000)
    const second = pacer.waitMs('g', 10_000)
    expect([first, second]).toEqual([1100, 1900])
  })

  it('allows everything at once with zero intervals', () => {
    const pacer = createPacer({ groupIntervalMs: 0, globalIntervalMs: 0, jitterMs: 0 })
    pacer.record('g', 5)
    expect(pacer.waitMs('g', 5)).toBe(0)
  })

  it('keeps memory bounded when thousands of groups are paced', () => {
    const pacer = createPacer({ groupIntervalMs: 1000, globalIntervalMs: 0, jitterMs: 0 }, Math.random, 100)
    for (let i = 0; i < 5000; i++) pacer.record(`g${i}`, i)
    // The oldest groups were forgotten (allowed at once); the newest are still paced.
    expect(pacer.waitMs('g0', 5000)).toBe(0)
    expect(pacer.waitMs('g4999', 5000)).toBe(999)
  })

  it('backs off retries exponentially up to five minutes, with jitter around the base', () => {
    expect(retryDelayMs(1, () => 0.5)).toBe(5000)
    expect(retryDelayMs(2, () => 0.5)).toBe(10_000)
    expect(retryDelayMs(3, () => 0)).toBe(16_000)
    expect(retryDelayMs(30, () => 1)).toBe(360_000)
  })
})
