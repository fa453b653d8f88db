import type { Db } from '../storage/create-db.js'
import { deleteLoginFailureIds, deleteLoginFailures, insertLoginFailures, pruneLoginFailures, recentLoginFailures } from '../storage/login-failure.repository.js'

export interface ThrottleDecision {
  allowed: boolean
  /** Seconds until the next attempt is allowed (0 when allowed). */
  retryAfterSeconds: number
}

/** A login attempt let through `begin()`: its rows, counted as failures until `succeeded()` removes them. */
export interface LoginAttempt extends ThrottleDecision {
  ids: readonly number[]
}

export interface LoginThrottle {
  /**
   * Reserves an attempt before the password is checked: records it as a failure first, then counts. Attempts in
   * flight count, so a burst of concurrent guesses (on one instance or many) gets no more than `maxFailures`
   * checked. A refused attempt's rows are removed again; an attempt that fails simply keeps them.
   */
  begin(keys: readonly string[], now: number): Promise<LoginAttempt>
  /** The attempt's password was right: forgets `clearKeys`' failures and the attempt's own rows. */
  succeeded(clearKeys: readonly string[], attempt: LoginAttempt): Promise<void>
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
 * const attempt = await throttle.begin(['user:alice', 'ip:1.2.3.4'], Date.now())
 * if (!attempt.allowed) reply.code(429)
 * else if (passwordIsRight) await throttle.succeeded(['user:alice'], attempt) // a wrong one keeps its row
 */
export function createLoginThrottle(options: { db: Db; maxFailures: number; windowMs: number }): LoginThrottle {
  const { db } = options
  const iso = (ms: number) => new Date(ms).toISOString()
  return {
    async begin(keys, now) {
      await pruneLoginFailures(db, iso(now - options.windowMs))
      // Insert, then count (each statement commits on its own): of any concurrent attempts, the later insert's
      // count sees the earlier one, so at most `maxFailures` attempts see room. Check-then-insert let all through.
      const ids = await insertLoginFailures(db, keys, iso(now))
      const rows = await recentLoginFailures(db, keys, iso(now - options.windowMs + 1))
      // Decided on the failures besides this attempt's own row.
      const decision = throttleDecision(rows.map((r) => ({ n: r.n - 1, first: Date.parse(r.first) })), now, options)
      if (decision.allowed) return { ...decision, ids }
      await deleteLoginFailureIds(db, ids) // a refused attempt is not a failure (as before): it checked no password
      return { ...decision, ids: [] }
    },
    async succeeded(clearKeys, attempt) {
      await deleteLoginFailures(db, clearKeys)
      await deleteLoginFailureIds(db, attempt.ids)
    },
  }
}
