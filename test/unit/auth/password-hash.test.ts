import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from '../../../src/auth/password-hash.js'

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('足够长的密码-123')
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/)
    expect(await verifyPassword('足够长的密码-123', stored)).toBe(true)
    expect(await verifyPassword('足够长的密码-124', stored)).toBe(false)
  })

  it('salts: the same password hashes differently each time', async () => {
    expect(await hashPassword('same-password-1')).not.toBe(await hashPassword('same-password-1'))
  })

  it.each(['', 'plain', 'bcrypt$10$abc', 'scrypt$x$8$1$c2FsdA$aGFzaA', 'scrypt$32768$8$1$$'])('refuses a malformed stored hash %j', async (stored) => {
    expect(await verifyPassword('whatever-password', stored)).toBe(false)
  })
})
