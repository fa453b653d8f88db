const HOUR_MS = 3_600_000

/**
 * When each queued outreach of one group may go out under "at most `perHour` per rolling hour": `sentMs` are the
 * group's outreach sends of the last hour, `queued` how many wait, in order. The runner starts one within a minute
 * of its time. Pure.
 *
 * @example
 * planOutreach({ sentMs: [t0, t0 + 60_000], perHour: 2, nowMs: t0 + 120_000, queued: 2 }) // [t0 + 3_600_000, t0 + 3_660_000]
 */
export function planOutreach(p: { sentMs: readonly number[]; perHour: number; nowMs: number; queued: number }): number[] {
  if (p.perHour < 1) return Array.from({ length: p.queued }, () => Number.POSITIVE_INFINITY)
  const sent = p.sentMs.filter((t) => t > p.nowMs - HOUR_MS && t <= p.nowMs).sort((a, b) => a - b)
  const due: number[] = []
  let t = p.nowMs
  for (let i = 0; i < p.queued; i++) {
    // The window (t - 1 h, t] is full while it holds perHour sends: the next slot opens an hour after the earliest.
    for (;;) {
      const inWindow = sent.filter((s) => s > t - HOUR_MS && s <= t)
      if (inWindow.length < p.perHour) break
      t = inWindow[0]! + HOUR_MS
    }
    sent.push(t)
    due.push(t)
  }
  return due
}
