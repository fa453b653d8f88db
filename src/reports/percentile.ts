/**
 * The p-th percentile (0–100) by linear interpolation between closest ranks — the method of Excel's
 * PERCENTILE.INC and numpy's default, so numbers match what an operator recomputes from the CSV. p=50 is the
 * ordinary median (mean of the two middle values for an even count). Rounded to an integer; null when empty.
 *
 * @example
 * percentile([1000, 2000, 3000, 4000], 50)   // 2500
 * percentile([1000, 2000, 3000, 4000], 90)   // 3700
 * percentile([], 90)                         // null
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1)
  const low = Math.floor(rank)
  const high = Math.ceil(rank)
  const lowValue = sorted[low]!
  const highValue = sorted[high]!
  return Math.round(lowValue + (highValue - lowValue) * (rank - low))
}
