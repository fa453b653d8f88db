export interface ThrottleDecision {
  allowed: boolean
  /** Seconds until the next attempt is allowed (0 when allowed). */
  retryAfterSeconds: number
}

export interface LoginThrottle {
  check(keys: readonly string[], now: number): ThrottleDecision
  recordFailure(keys: readonly string[], now: number): void
  recordSuccess(keys: readonly string[]): void
}

/**
 * Counts failed logins per key (e.g. `user:小王` and `ip:10.0.0.8`) in a sliding window and blocks a key after too
 * many. In memory on purpose: a restart forgives, which is fine against online guessing at this scale.
 *
 * @example
 * const throttle = createLoginThrottle({ maxFailures: 5, windowMs: 15 * 60_000 })
 * if (!throttle.check(['user:alice', 'ip:1.2.3.4'], Date.now()).allowed) reply.code(429)
 */
export function createLoginThrottle(options: { maxFailures: number; windowMs: number; maxKeys?: number }): LoginThrottle {
  const failures = new Map<string, number[]>()
  const maxKeys = options.maxKeys ?? 10_000

  const recent = (key: string, now: number): number[] => {
    const list = (failures.get(key) ?? []).filter((t) => now - t < options.windowMs)
    if (list.length === 0) failures.delete(key)
    else failures.set(key, list)
    return list
  }

  return {
    check(keys, now) {
      let retryAfterMs = 0
      for (const key of keys) {
        const list = recent(key, now)
        if (list.length >= options.maxFailures) retryAfterMs = Math.max(retryAfterMs, list[0]! + options.windowMs - now)
      }
      return { allowed: retryAfterMs === 0, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) }
    },
    recordFailure(keys, now) {
      for (const key of keys) {
        const list = recent(key, now)
        list.push(now)
        failures.set(key, list.slice(-options.maxFailures))
      }
      // Bound memory under a spray of random names: drop the oldest keys.
      while (failures.size > maxKeys) failures.delete(failures.keys().next().value!)
    },
    recordSuccess(keys) {
      for (const key of keys) failures.delete(key)
    },
  }
}
