import { describe, expect, it } from 'vitest'
import { createRepeatWarningLimiter } from '../../../src/core/repeat-warning-limiter.js'

describe('repeat warning limiter', () => {
  it('writes the first line of a key, then at most one per interval with the count left out', () => {
    const limiter = createRepeatWarningLimiter({ intervalMs: 10_000 })
    expect(limiter.admit('app:signature', 0)).toEqual({ log: true, suppressed: 0 })
    for (let t = 1; t <= 500; t++) expect(limiter.admit('app:signature', t * 10).log).toBe(false)
    expect(limiter.admit('app:signature', 9_999).log).toBe(false)
    expect(limiter.admit('app:signature', 10_000)).toEqual({ log: true, suppressed: 501 })
    expect(limiter.admit('app:signature', 20_000)).toEqual({ log: true, suppressed: 0 })
  })

  it('keeps keys apart: a flood of one reason does not hide another', () => {
    const limiter = createRepeatWarningLimiter({ intervalMs: 10_000 })
    limiter.admit('app:signature', 0)
    limiter.admit('app:signature', 1)
    expect(limiter.admit('app:decrypt', 2)).toEqual({ log: true, suppressed: 0 })
    expect(limiter.admit('aibot:signature', 3)).toEqual({ log: true, suppressed: 0 })
  })

  it('bounds memory: past maxKeys it forgets the key logged longest ago', () => {
    const limiter = createRepeatWarningLimiter({ intervalMs: 10_000, maxKeys: 3 })
    for (const key of ['a', 'b', 'c', 'd']) limiter.admit(key, 0)
    // 'a' was forgotten, so it logs again; 'd' is still remembered.
    expect(limiter.admit('a', 1).log).toBe(true)
    expect(limiter.admit('d', 1).log).toBe(false)
  })

  it('logs again when the clock goes backwards instead of going quiet for good', () => {
    const limiter = createRepeatWarningLimiter({ intervalMs: 10_000 })
    limiter.admit('k', 1_000_000)
    expect(limiter.admit('k', 0).log).toBe(true)
  })
})
