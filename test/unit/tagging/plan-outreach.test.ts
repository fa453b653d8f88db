import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { planOutreach } from '../../../src/tagging/plan-outreach.js'

const HOUR = 3_600_000
const t0 = Date.parse('2026-12-03T08:00:00Z')

describe('planOutreach', () => {
  it('sends at once while the hour has room, then an hour after the earliest send', () => {
    expect(planOutreach({ sentMs: [t0], perHour: 3, nowMs: t0 + 60_000, queued: 2 })).toEqual([t0 + 60_000, t0 + 60_000])
    expect(planOutreach({ sentMs: [t0, t0 + 60_000], perHour: 2, nowMs: t0 + 120_000, queued: 3 })).toEqual([t0 + HOUR, t0 + HOUR + 60_000, t0 + 2 * HOUR])
  })

  it('ignores sends older than an hour, and never plans anything when the cap is 0', () => {
    expect(planOutreach({ sentMs: [t0 - 2 * HOUR], perHour: 1, nowMs: t0, queued: 1 })).toEqual([t0])
    expect(planOutreach({ sentMs: [], perHour: 0, nowMs: t0, queued: 2 })).toEqual([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY])
  })

  it('never plans more than the cap in any hour, never before now, and in queue order', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: HOUR }), { maxLength: 8 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 12 }),
      (ago, perHour, queued) => {
        const nowMs = t0
        // What already went out respected the cap too.
        const sentMs = [...new Set(ago)].map((a) => nowMs - a).sort((a, b) => a - b).slice(-perHour)
        const due = planOutreach({ sentMs, perHour, nowMs, queued })
        expect(due).toHaveLength(queued)
        for (let i = 0; i < due.length; i++) {
          expect(due[i]!).toBeGreaterThanOrEqual(nowMs)
          if (i > 0) expect(due[i]!).toBeGreaterThanOrEqual(due[i - 1]!)
        }
        const all = [...sentMs, ...due]
        for (const t of all) expect(all.filter((s) => s > t - HOUR && s <= t).length).toBeLessThanOrEqual(perHour)
      }))
  })
})
