import { describe, expect, it } from 'vitest'
import { percentile } from '../../../src/reports/percentile.js'

describe('percentile (linear interpolation, as Excel PERCENTILE.INC)', () => {
  it.each([
    { name: 'empty', values: [], p: 50, expected: null },
    { name: 'empty p90', values: [], p: 90, expected: null },
    { name: 'single value median', values: [4200], p: 50, expected: 4200 },
    { name: 'single value p90', values: [4200], p: 90, expected: 4200 },
    { name: 'odd count median is the middle', values: [3000, 1000, 2000], p: 50, expected: 2000 },
    { name: 'even count median is the mean of the middle two', values: [4000, 1000, 3000, 2000], p: 50, expected: 2500 },
    { name: 'even median rounds to an integer', values: [1, 2], p: 50, expected: 2 },
    // rank = 0.9 * 3 = 2.7 → 3000 + 0.7 * 1000
    { name: 'p90 of four', values: [1000, 2000, 3000, 4000], p: 90, expected: 3700 },
    // rank = 0.9 * 9 = 8.1 → 9 + 0.1 * (100 - 9) = 18.1
    { name: 'p90 pulled up by one outlier', values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 100], p: 90, expected: 18 },
    { name: 'p100 is the maximum', values: [5, 1, 9], p: 100, expected: 9 },
    { name: 'p0 is the minimum', values: [5, 1, 9], p: 0, expected: 1 },
  ])('$name', ({ values, p, expected }) => {
    expect(percentile(values, p)).toBe(expected)
  })

  it('does not reorder the caller’s array', () => {
    const values = [3, 1, 2]
    percentile(values, 50)
    expect(values).toEqual([3, 1, 2])
  })
})
