import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAuthService, SESSION_IDLE_MS, SESSION_MAX_AGE_MS, type AuthService } from '../../../src/auth/auth-service.js'
import { type Db } from '../../../src/storage/create-db.js'
import { createTestDb } from '../../support/test-database.js'

const HOUR = 60 * 60 * 1000
const PASSWORD = '坐席密码-0123456789'

let db: Db
let now: number
let auth: AuthService
beforeEach(async () => {
  db = await createTestDb()
  now = Date.parse('2025-03-01T08:00:00Z')
  auth = createAuthService({ db, clock: () => new Date(now) })
  await auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
})
afterEach(async () => db.destroy())

const login = async () => (await auth.login({ name: '小王', password: PASSWORD, ip: '10.0.0.1' }))

describe('console sessions', () => {
  it('ends after 12 hours without a request', async () => {
    const { token, session } = await login()
    expect(session.expiresAt).toBe(new Date(now + SESSION_IDLE_MS).toISOString())
    now += SESSION_IDLE_MS - 1000
    expect(await auth.authenticate(token)).toBeDefined()
    now += SESSION_IDLE_MS + 1000
    expect(await auth.authenticate(token)).toBeUndefined()
  })

  it('slides while in use, so an agent working all day stays logged in', async () => {
    const { token } = await login()
    for (let h = 1; h <= 48; h++) {
      now += HOUR
      expect(await auth.authenticate(token), `hour ${h}`).toBeDefined()
    }
  })

  it('ends 7 days after login however active, never sliding the stored expiry past that', async () => {
    const { token, session } = await login()
    const loggedInAt = now
    expect(session.maxExpiresAt).toBe(new Date(loggedInAt + SESSION_MAX_AGE_MS).toISOString())
    // A request every 6 hours keeps the idle expiry away.
    while (now + 6 * HOUR < loggedInAt + SESSION_MAX_AGE_MS) {
      now += 6 * HOUR
      expect(await auth.authenticate(token)).toBeDefined()
      const row = await db.selectFrom('sessions').select('expires_at').executeTakeFirstOrThrow()
      expect(Date.parse(row.expires_at)).toBeLessThanOrEqual(loggedInAt + SESSION_MAX_AGE_MS)
    }
    now = loggedInAt + SESSION_MAX_AGE_MS - 1
    expect((await auth.authenticate(token))?.maxExpiresAt).toBe(session.maxExpiresAt)
    now = loggedInAt + SESSION_MAX_AGE_MS
    expect(await auth.authenticate(token)).toBeUndefined()
  })

  it('refuses and deletes a session older than 7 days even when its stored expiry is later (written before the limit)', async () => {
    const { token } = await login()
    now += SESSION_MAX_AGE_MS + HOUR
    await db.updateTable('sessions').set({ expires_at: new Date(now + SESSION_IDLE_MS).toISOString() }).execute()
    expect(await auth.authenticate(token)).toBeUndefined()
    expect(await db.selectFrom('sessions').selectAll().execute()).toEqual([])
  })

  it('honours shorter lifetimes passed in', async () => {
    auth = createAuthService({ db, clock: () => new Date(now), sessionTtlMs: HOUR, sessionMaxAgeMs: 2 * HOUR })
    const { token } = await login()
    now += 50 * 60 * 1000
    expect(await auth.authenticate(token)).toBeDefined()
    now += 50 * 60 * 1000
    expect(await auth.authenticate(token)).toBeDefined()
    now += 30 * 60 * 1000
    expect(await auth.authenticate(token)).toBeUndefined()
  })
})
