/** How fast the bot may speak. Accounts that answer too fast or too regularly get flagged as spam. */
export interface PacingPolicy {
  /** Least time between two sends into the same group. */
  groupIntervalMs: number
  /** Least time between any two sends of the account. */
  globalIntervalMs: number
  /** Up to this much random extra on each gap, so the rhythm is not machine-regular. */
  jitterMs: number
}

export const DEFAULT_PACING: Readonly<PacingPolicy> = { groupIntervalMs: 3000, globalIntervalMs: 1000, jitterMs: 2000 }

export interface Pacer {
  /** Milliseconds until a send into `groupId` is allowed (0: now). */
  waitMs(groupId: string, now: number): number
  /** Milliseconds until the account may send at all, into any group (0: now). */
  globalWaitMs(now: number): number
  /** Records a send made at `now`; the next gaps are drawn here. */
  record(groupId: string, now: number): void
}

/**
 * Per-group and global spacing with jitter, in memory: a restart at worst allows one early send per group.
 *
 * @example
 * const pacer = createPacer(DEFAULT_PACING, Math.random)
 * if (pacer.waitMs('g1', Date.now()) === 0) { await send(); pacer.record('g1', Date.now()) }
 */
export function createPacer(policy: Readonly<PacingPolicy>, random: () => number = Math.random, maxGroups = 10_000): Pacer {
  let globalNext = 0
  const groupNext = new Map<string, number>()
  const jitter = () => (policy.jitterMs > 0 ? Math.floor(random() * policy.jitterMs) : 0)
  return {
    waitMs(groupId, now) {
      return Math.max(0, globalNext - now, (groupNext.get(groupId) ?? 0) - now)
    },
    globalWaitMs: (now) => Math.max(0, globalNext - now),
    record(groupId, now) {
      const extra = jitter()
      globalNext = policy.globalIntervalMs > 0 ? now + policy.globalIntervalMs + Math.floor(extra / 2) : now
      groupNext.delete(groupId) // re-insert at the end: the map stays in last-send order for pruning
      groupNext.set(groupId, policy.groupIntervalMs > 0 ? now + policy.groupIntervalMs + extra : now)
      for (const [id, at] of groupNext) {
        if (groupNext.size <= maxGroups && at > now) break
        if (at <= now || groupNext.size > maxGroups) groupNext.delete(id)
      }
    },
  }
}

/** Retry delays: 5 s, 10 s, 20 s … capped at 5 min, each ±20 % so retries of many rows do not line up. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5 * 60_000, 5000 * 2 ** Math.max(0, attempt - 1))
  return Math.round(base * (0.8 + 0.4 * random()))
}
