import { describe, expect, it } from 'vitest'
import { createCircuitBreaker, type BreakerState } from '../../../src/embeddings/circuit-breaker.js'

function setup() {
  let now = new Date('2026-12-03T02:00:00Z')
  const changes: BreakerState[] = []
  const breaker = createCircuitBreaker({ failureThreshold: 3, coolDownMs: 30_000, now: () => now, onChange: (s) => changes.push(s) })
  return { breaker, changes, advance: (ms: number) => (now = new Date(now.getTime() + ms)) }
}

describe('createCircuitBreaker', () => {
  it('opens after the threshold of failures in a row, not before; a success in between starts the count again', () => {
    const { breaker } = setup()
    breaker.failed(); breaker.failed(); breaker.succeeded(); breaker.failed(); breaker.failed()
    expect(breaker.state()).toBe('closed')
    expect(breaker.tryAcquire()).toBe(true)
    breaker.failed()
    expect(breaker.state()).toBe('open')
    expect(breaker.tryAcquire()).toBe(false)
  })

  it('lets one trial through after the cool-down; its success closes the breaker', () => {
    const { breaker, changes, advance } = setup()
    for (let i = 0; i < 3; i++) breaker.failed()
    advance(29_999)
    expect(breaker.tryAcquire()).toBe(false)
    advance(1)
    expect(breaker.tryAcquire()).toBe(true)
    expect(breaker.state()).toBe('half-open')
    // Only one trial at a time.
    expect(breaker.tryAcquire()).toBe(false)
    breaker.succeeded()
    expect(breaker.state()).toBe('closed')
    expect(breaker.consecutiveFailures()).toBe(0)
    expect(changes).toEqual(['open', 'half-open', 'closed'])
  })

  it('a failed trial opens it for another full cool-down', () => {
    const { breaker, advance } = setup()
    for (let i = 0; i < 3; i++) breaker.failed()
    advance(30_000)
    expect(breaker.tryAcquire()).toBe(true)
    breaker.failed()
    expect(breaker.state()).toBe('open')
    advance(29_000)
    expect(breaker.tryAcquire()).toBe(false)
    advance(1_000)
    expect(breaker.tryAcquire()).toBe(true)
  })
})
