export type WarningAdmission = { log: true; suppressed: number } | { log: false }

export interface RepeatWarningLimiter {
  /** Whether to write the warning for `key` at `now` (ms); when yes, how many were held back since the last one. */
  admit(key: string, now: number): WarningAdmission
}

/**
 * At most one log warning per key per interval, counting the ones held back, so a flood of identical refusals
 * (forged WeCom callbacks) cannot flood the log while the first of each kind, and how many followed, is still seen.
 * Keys should be few (a reason, not a value from the request); past `maxKeys` the stalest are forgotten.
 *
 * @example
 * const limiter = createRepeatWarningLimiter({ intervalMs: 10_000 })
 * const admitted = limiter.admit('app:signature', Date.now())
 * if (admitted.log) log.warn({ reason: 'signature', suppressed: admitted.suppressed }, 'wecom callback refused')
 */
export function createRepeatWarningLimiter(options: { intervalMs: number; maxKeys?: number }): RepeatWarningLimiter {
  const maxKeys = options.maxKeys ?? 1000
  const entries = new Map<string, { loggedAt: number; suppressed: number }>()
  return {
    admit(key, now) {
      const entry = entries.get(key)
      if (entry && now >= entry.loggedAt && now - entry.loggedAt < options.intervalMs) {
        entry.suppressed += 1
        return { log: false }
      }
      const suppressed = entry?.suppressed ?? 0
      // Re-inserted so the map's first key is always the one logged longest ago.
      entries.delete(key)
      entries.set(key, { loggedAt: now, suppressed: 0 })
      if (entries.size > maxKeys) entries.delete(entries.keys().next().value!)
      return { log: true, suppressed }
    },
  }
}
