import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLoginThrottle, throttleDecision, type LoginThrottle } from '../../../src/auth/login-throttle.js'
import type { Db } from '../../../src/storage/create-db.js'
import { createTestDb } from '../../support/test-database.js'

const WINDOW = 15 * 60_000

describe('throttleDecision', () => {
  it('allows a key below the maximum and blocks it at the maximum until its oldest failure leaves the window', () => {
    const options = { maxFailures: 3, windowMs: WINDOW }
    expect(throttleDecision([{ n: 2, first: 0 }], 5000, options)).toEqual({ allowed: true, retryAfterSeconds: 0 })
    expect(throttleDecision([{ n: 3, first: 0 }], 5000, options)).toEqual({ allowed: false, retryAfterSeconds: (WINDOW - 5000) / 1000 })
    expect(throttleDecision([], 5000, options).allowed).toBe(true)
  })

  it('waits for the key that is blocked longest', () => {
    const decision = throttleDecision([{ n: 3, first: 0 }, { n: 5, first: 60_000 }], 120_000, { maxFailures: 3, windowMs: WINDOW })
    expect(decision).toEqual({ allowed: false, retryAfterSeconds: (WINDOW + 60_000 - 120_000) / 1000 })
  })
})

describe('login throttle (stored in the database; attempts in flight count)', () => {
  let db: Db
  let throttle: LoginThrottle
  beforeEach(async () => {
    db = await createTestDb()
    throttle = createLoginThrottle({ db, maxFailures: 3, windowMs: WINDOW })
  })
  afterEach(async () => { await db.destroy() })

  /** A login attempt whose password was wrong: its reservation simply stays as a failure. */
  const fail = async (t: LoginThrottle, keys: readonly string[], at: number) => expect((await t.begin(keys, at)).allowed).toBe(true)

  it('blocks a key after the maximum failures within the window, and says for how long', async () => {
    const keys = ['user:a', 'ip:1']
    for (let i = 0; i < 3; i++) await fail(throttle, keys, 1000 * i)
    expect(await throttle.begin(keys, 3000)).toEqual({ allowed: false, retryAfterSeconds: (WINDOW - 3000) / 1000, ids: [] })
    expect((await throttle.begin(['user:b', 'ip:1'], 3000)).allowed).toBe(false)
    expect((await throttle.begin(['user:b', 'ip:2'], 3000)).allowed).toBe(true)
  })

  it('forgets failures once they leave the window', async () => {
    for (const at of [0, 1, 2]) await fail(throttle, ['user:a'], at)
    expect((await throttle.begin(['user:a'], WINDOW - 1)).allowed).toBe(false)
    expect((await throttle.begin(['user:a'], WINDOW + 1)).allowed).toBe(true)
  })

  it('clears a key on success', async () => {
    for (const at of [0, 1]) await fail(throttle, ['user:a'], at)
    await throttle.succeeded(['user:a'], await throttle.begin(['user:a'], 2))
    for (const at of [3, 4]) await fail(throttle, ['user:a'], at)
    expect((await throttle.begin(['user:a'], 5)).allowed).toBe(true)
  })

  it('counts the failures recorded by another instance on the same database', async () => {
    const other = createLoginThrottle({ db, maxFailures: 3, windowMs: WINDOW })
    await fail(throttle, ['user:a'], 0)
    await fail(other, ['user:a'], 1)
    await fail(throttle, ['user:a'], 2)
    expect((await other.begin(['user:a'], 3)).allowed).toBe(false)
  })

  it('keeps only the window under a spray of distinct names', async () => {
    for (let i = 0; i < 200; i++) await fail(throttle, [`user:${i}`], i * 10_000)
    const { n } = await db.selectFrom('login_failures').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(Number(n)).toBeLessThanOrEqual(WINDOW / 10_000 + 1)
    expect((await throttle.begin(['user:199'], 199 * 10_000)).allowed).toBe(true)
  })

  it('lets no more than the maximum concurrent attempts through, across instances', async () => {
    const other = createLoginThrottle({ db, maxFailures: 3, windowMs: WINDOW })
    const attempts = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? other : throttle).begin(['user:a', 'ip:1'], 1000)))
    // Strict rather than fair: when more attempts are in flight than allowed, even all of them may be refused.
    const allowed = attempts.filter((a) => a.allowed).length
    expect(allowed).toBeLessThanOrEqual(3)
    // The refused ones leave nothing behind; those let through count as failures until they succeed.
    const { n } = await db.selectFrom('login_failures').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(Number(n)).toBe(2 * allowed)
    for (let i = allowed; i < 3; i++) expect((await throttle.begin(['user:a', 'ip:1'], 2000)).allowed).toBe(true)
    expect((await throttle.begin(['user:b', 'ip:1'], 2000)).allowed).toBe(false)
  })

  it('removes a successful attempt\'s own rows and clears the given keys', async () => {
    await fail(throttle, ['user:a', 'ip:1'], 0)
    const attempt = await throttle.begin(['user:a', 'ip:1'], 1000)
    expect(attempt.allowed).toBe(true)
    await throttle.succeeded(['user:a'], attempt)
    const rows = await db.selectFrom('login_failures').select(['key']).execute()
    expect(rows).toEqual([{ key: 'ip:1' }])
  })
})
