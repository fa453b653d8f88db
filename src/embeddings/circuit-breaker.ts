/** closed: asking; open: resting after repeated failures; half-open: one trial request decides which. */
export type BreakerState = 'closed' | 'open' | 'half-open'

export interface CircuitBreaker {
  /** Whether to ask now: always when closed; when open, once the cool-down has passed (one trial at a time). */
  tryAcquire(): boolean
  succeeded(): void
  failed(): void
  state(): BreakerState
  /** Failures in a row since the last success. */
  consecutiveFailures(): number
  /** When it last opened (null: never). */
  openedAt(): Date | null
}

/**
 * A circuit breaker for the embedding provider: after `failureThreshold` failures in a row it opens, and messages
 * skip the provider (no timeout to wait out) for `coolDownMs`; then one trial request is let through (half-open):
 * its success closes the breaker, its failure opens it for another cool-down. The clock is passed in so tests
 * need not wait.
 *
 * @example
 * const breaker = createCircuitBreaker({ failureThreshold: 3, coolDownMs: 30_000, now: () => new Date() })
 * if (breaker.tryAcquire()) { try { await ask(); breaker.succeeded() } catch { breaker.failed() } }
 */
export function createCircuitBreaker(deps: { failureThreshold: number; coolDownMs: number; now: () => Date; onChange?: (state: BreakerState) => void }): CircuitBreaker {
  let current: BreakerState = 'closed'
  let failures = 0
  let opened: Date | null = null
  let trialInFlight = false

  const become = (next: BreakerState) => {
    if (next === current) return
    current = next
    deps.onChange?.(next)
  }

  return {
    tryAcquire() {
      if (current === 'closed') return true
      if (current === 'open') {
        if (opened && deps.now().getTime() - opened.getTime() < deps.coolDownMs) return false
        become('half-open')
      }
      // Half-open: one trial; the others keep skipping until it has answered.
      if (trialInFlight) return false
      trialInFlight = true
      return true
    },
    succeeded() {
      failures = 0
      trialInFlight = false
      become('closed')
    },
    failed() {
      failures++
      const wasTrial = current === 'half-open'
      trialInFlight = false
      if (wasTrial || failures >= deps.failureThreshold) {
        opened = deps.now()
        become('open')
      }
    },
    state: () => current,
    consecutiveFailures: () => failures,
    openedAt: () => opened,
  }
}
