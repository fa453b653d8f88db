import { describe, expect, it } from 'vitest'
import { createLoginThrottle } from '../../../src/auth/login-throttle.js'

const WINDOW = 15 * 60_000

describe('login throttle', () => {
  it('blocks a key after the maximum failures within the window, and says for how long', () => {
    const throttle = createLoginThrottle({ maxFailures: 3, windowMs: WINDOW })
    const keys = ['user:a', 'ip:1']
    for (let i = 0; i < 3; i++) {
      expect(throttle.check(keys, 1000 * i).allowed).toBe(true)
      throttle.recordFailure(keys, 1000 * i)
    }
    expect(throttle.check(keys, 3000)).toEqual({ allowed: false, retryAfterSeconds: (WINDOW - 3000) / 1000 })
    expect(throttle.check(['user:b', 'ip:1'], 3000).allowed).toBe(false)
    expect(throttle.check(['user:b', 'ip:2'], 3000).allowed).toBe(true)
  })

  it('forgets failures once they leave the window', () => {
    const throttle = createLoginThrottle({ maxFailures: 2, windowMs: WINDOW })
    throttle.recordFailure(['user:a'], 0)
    throttle.recordFailure(['user:a'], 1)
    expect(throttle.check(['user:a'], WINDOW - 1).allowed).toBe(false)
    expect(throttle.check(['user:a'], WINDOW + 1).allowed).toBe(true)
  })

  it('clears a key on success', () => {
    const throttle = createLoginThrottle({ maxFailures: 2, windowMs: WINDOW })
    throttle.recordFailure(['user:a'], 0)
    throttle.recordSuccess(['user:a'])
    throttle.recordFailure(['user:a'], 1)
    expect(throttle.check(['user:a'], 2).allowed).toBe(true)
  })

  it('bounds memory under a spray of distinct keys', () => {
    const throttle = createLoginThrottle({ maxFailures: 1, windowMs: WINDOW, maxKeys: 100 })
    for (let i = 0; i < 1000; i++) throttle.recordFailure([`user:${i}`], i)
    expect(throttle.check(['user:0'], 1000).allowed).toBe(true)
    expect(throttle.check(['user:999'], 1000).allowed).toBe(false)
  })
})
