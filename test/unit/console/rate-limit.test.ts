import { describe, expect, it } from 'vitest'
import type { Identity } from '../../../src/console/identity.js'
import { clientKey, createRateLimiter, createRequestRateLimit, type LimitedRequest } from '../../../src/console/rate-limit.js'

const takeN = (limiter: ReturnType<typeof createRateLimiter>, key: string, n: number, now: number) =>
  Array.from({ length: n }, () => limiter.take(key, now).allowed)

describe('token bucket', () => {
  it('allows a burst at once, then refuses with the seconds until the next token', () => {
    const limiter = createRateLimiter({ perSecond: 2, burst: 5 })
    expect(takeN(limiter, 'a', 5, 0)).toEqual([true, true, true, true, true])
    expect(limiter.take('a', 0)).toEqual({ allowed: false, retryAfterSeconds: 1 })
    // Half a second refills one token at 2 per second.
    expect(limiter.take('a', 499).allowed).toBe(false)
    expect(limiter.take('a', 500)).toEqual({ allowed: true, retryAfterSeconds: 0 })
    expect(limiter.take('a', 500).allowed).toBe(false)
  })

  it('refills at the configured rate, never beyond the burst', () => {
    const limiter = createRateLimiter({ perSecond: 10, burst: 20 })
    takeN(limiter, 'a', 20, 0)
    // One second later: 10 tokens, not more.
    expect(takeN(limiter, 'a', 11, 1000)).toEqual([...Array<boolean>(10).fill(true), false])
    // An hour idle: back to the burst, not 36 000.
    expect(takeN(limiter, 'a', 21, 3_601_000).filter(Boolean)).toHaveLength(20)
  })

  it('says how long to wait when the rate is below one per second', () => {
    const limiter = createRateLimiter({ perSecond: 0.1, burst: 1 })
    expect(limiter.take('a', 0).allowed).toBe(true)
    expect(limiter.take('a', 0)).toEqual({ allowed: false, retryAfterSeconds: 10 })
    expect(limiter.take('a', 4000)).toEqual({ allowed: false, retryAfterSeconds: 6 })
  })

  it('keeps keys apart', () => {
    const limiter = createRateLimiter({ perSecond: 1, burst: 1 })
    expect(limiter.take('a', 0).allowed).toBe(true)
    expect(limiter.take('a', 0).allowed).toBe(false)
    expect(limiter.take('b', 0).allowed).toBe(true)
  })

  it('does not refill when the clock goes backwards', () => {
    const limiter = createRateLimiter({ perSecond: 1, burst: 1 })
    expect(limiter.take('a', 10_000).allowed).toBe(true)
    expect(limiter.take('a', 0).allowed).toBe(false)
    expect(limiter.take('a', 10_999).allowed).toBe(false)
    expect(limiter.take('a', 11_000).allowed).toBe(true)
  })

  it('bounds memory under a spray of distinct keys and keeps the busy key throttled', () => {
    const limiter = createRateLimiter({ perSecond: 1, burst: 2 }, { maxKeys: 100 })
    takeN(limiter, 'attacker', 3, 0)
    for (let i = 0; i < 10_000; i++) {
      limiter.take(`spray:${i}`, 0)
      if (i % 50 === 0) limiter.take('attacker', 0) // still hammering: stays recently used
      expect(limiter.size).toBeLessThanOrEqual(100)
    }
    expect(limiter.take('attacker', 0).allowed).toBe(false)
  })

  it('drops refilled buckets first when it must forget keys', () => {
    const limiter = createRateLimiter({ perSecond: 1, burst: 1 }, { maxKeys: 10 })
    limiter.take('old-but-empty', 0)
    for (let i = 0; i < 9; i++) limiter.take(`idle:${i}`, -10_000) // taken long ago: full again at 0
    limiter.take('new', 0)
    expect(limiter.size).toBe(2)
    // The least recently used key survived the sweep because it was not refilled yet.
    expect(limiter.take('old-but-empty', 0).allowed).toBe(false)
  })

  it('refuses a rate that cannot refill', () => {
    expect(() => createRateLimiter({ perSecond: 0, burst: 5 })).toThrow(RangeError)
    expect(() => createRateLimiter({ perSecond: 1, burst: 0 })).toThrow(RangeError)
  })
})

describe('request rate-limit policy', () => {
  const alice: Identity = { kind: 'session', name: '小王', role: 'agent', csrfToken: 'c', token: 't', mustChangePassword: false }
  const bob: Identity = { kind: 'session', name: '老板', role: 'admin', csrfToken: 'c', token: 't2', mustChangePassword: false }
  const api: Identity = { kind: 'token', name: 'api', role: 'agent' }
  const req = (over: Partial<LimitedRequest>): LimitedRequest => ({ method: 'GET', route: '/api/suggestions', access: 'agent', ip: '10.0.0.1', ...over })
  const allowedOf = (limit: ReturnType<typeof createRequestRateLimit>, request: LimitedRequest, n: number, now = 0) =>
    Array.from({ length: n }, () => limit(request, now).allowed).filter(Boolean).length

  it('limits each identity on its own, whatever address it calls from', () => {
    const limit = createRequestRateLimit({ perSecond: 1, burst: 3 })
    expect(allowedOf(limit, req({ identity: alice, ip: '10.0.0.1' }), 2)).toBe(2)
    expect(allowedOf(limit, req({ identity: alice, ip: '10.0.0.2' }), 5)).toBe(1)
    expect(allowedOf(limit, req({ identity: bob, ip: '10.0.0.1' }), 5)).toBe(3)
    expect(allowedOf(limit, req({ identity: api, ip: '10.0.0.1' }), 5)).toBe(3)
  })

  it('limits unidentified callers and logins per address', () => {
    const limit = createRequestRateLimit({ perSecond: 1, burst: 3 })
    expect(allowedOf(limit, req({ ip: '10.0.0.9' }), 2)).toBe(2)
    expect(allowedOf(limit, req({ method: 'POST', route: '/api/session', access: 'public', ip: '10.0.0.9' }), 5)).toBe(1)
    expect(allowedOf(limit, req({ method: 'POST', route: '/api/session', access: 'public', ip: '10.0.0.8' }), 5)).toBe(3)
  })

  it('gives WeCom callbacks their own, higher per-address budget', () => {
    const limit = createRequestRateLimit({ perSecond: 1, burst: 3 })
    expect(allowedOf(limit, req({ method: 'POST', route: '/wecom/callback', access: 'public' }), 300)).toBe(200)
    expect(limit(req({ method: 'POST', route: '/wecom/aibot', access: 'public' }), 0)).toEqual({ allowed: false, retryAfterSeconds: 1 })
    // 50 per second: a second later, 50 more.
    expect(allowedOf(limit, req({ method: 'POST', route: '/wecom/callback', access: 'public' }), 100, 1000)).toBe(50)
    // The console budget of the same address is untouched.
    expect(allowedOf(limit, req({}), 5)).toBe(3)
  })

  it('never limits the live-queue stream, static assets or the login page', () => {
    const limit = createRequestRateLimit({ perSecond: 1, burst: 1 })
    expect(allowedOf(limit, req({ route: '/api/events', identity: alice }), 100)).toBe(100)
    expect(allowedOf(limit, req({ route: '/assets/:name', access: 'public' }), 100)).toBe(100)
    expect(allowedOf(limit, req({ route: '/login', access: 'public' }), 100)).toBe(100)
    // The stream did not use up the identity's budget either.
    expect(limit(req({ identity: alice }), 0).allowed).toBe(true)
  })

  it('is off when the rate is 0', () => {
    const limit = createRequestRateLimit({ perSecond: 0, burst: 1 })
    expect(allowedOf(limit, req({ identity: alice }), 1000)).toBe(1000)
  })
})

describe('clientKey', () => {
  it.each([
    ['10.1.2.3', '10.1.2.3'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('keys %s as %s', (ip, key) => {
    expect(clientKey(ip)).toBe(key)
  })
})
