import type { Db } from '../storage/create-db.js'
import { deleteLoginFailures, insertLoginFailures, pruneLoginFailures, recentLoginFailures } from '../storage/login-failure.repository.js'

export interface ThrottleDecision {
  allowed: boolean
  /** Seconds until the next attempt is allowed (0 when allowed). */
  retryAfterSeconds: number
}

export interface LoginThrottle {
  check(keys: readonly string[], now: number): Promise<ThrottleDecision>
  recordFailure(keys: readonly string[], now: number): Promise<void>
  recordSuccess(keys: readonly string[]): Promise<void>
}

/**
 * The decision for one key from its failures in the window: blocked once there are `maxFailures`, until the oldest
 * of them leaves the window. Pure, so the rule is tested apart from storage.
 */
export function throttleDecision(failures: ReadonlyArray<{ n: number; first: number }>, now: number, options: { maxFailures: number; windowMs: number }): ThrottleDecision {
  let retryAfterMs = 0
  for (const f of failures) {
    if (f.n >= options.maxFailures) retryAfterMs = Math.max(retryAfterMs, f.first + options.windowMs - now)
  }
  return { allowed: retryAfterMs <= 0, retryAfterSeconds: Math.max(0, Math.ceil(retryAfterMs / 1000)) }
}

/**
 * Counts failed logins per key (e.g. `user:小王` and `ip:10.0.0.8`) in a sliding window and blocks a key after too
 * many. Kept in the database, so every instance behind a load balancer counts the same failures (N instances do
 * not give N times the guesses) and a restart does not forgive. Failures older than the window are deleted as new
 * ones come in, so a spray of made-up names stays bounded by the window.
 *
 * @example
 * const throttle = createLoginThrottle({ db, maxFailures: 5, windowMs: 15 * 60_000 })
 * if (!(await throttle.check(['user:alice', 'ip:1.2.3.4'], Date.now())).allowed) reply.code(429)
 */
export function createLoginThrottle(options: { db: Db; maxFailures: number; windowMs: number }): LoginThrottle {
  const { db } = options
  const iso = (ms: number) => new Date(ms).toISOString()
  return {
    async check(keys, now) {
      const rows = await recentLoginFailures(db, keys, iso(now - options.windowMs + 1))
      return throttleDecision(rows.map((r) => ({ n: r.n, first: Date.parse(r.first) })), now, options)
    },
    async recordFailure(keys, now) {
      await pruneLoginFailures(db, iso(now - options.windowMs))
      await insertLoginFailures(db, keys, iso(now))
    },
    async recordSuccess(keys) {
      await deleteLoginFailures(db, keys)
    },
  }
}
