import { afterEach, describe, expect, it } from 'vitest'
import { login } from './console-session.js'
import { makeWorkdir, startTestApp, type TestApp } from './test-context.js'

const PASSWORD = '足够长的密码-123456'
let t: TestApp | undefined
afterEach(async () => { await t?.stop(); t = undefined })

/** A login failure through a proxy that appends the address it saw to whatever X-Forwarded-For the client sent. */
const viaProxy = (name: string, clientSent: string, proxySaw: string) =>
  login(t!.app.url, name, 'wrong-password!', { 'x-forwarded-for': `${clientSent}, ${proxySaw}` })

async function loggedAddresses(): Promise<string[]> {
  const rows = await t!.app.db.selectFrom('audit_log').select('detail').where('action', '=', 'login.failed').orderBy('id').execute()
  return rows.map((r) => (JSON.parse(r.detail ?? '{}') as { ip: string }).ip)
}

describe('client addresses behind a reverse proxy (login throttling by address)', () => {
  for (const setting of ['1', '127.0.0.1', '127.0.0.0/8,::1']) {
    it(`QUNDESK_TRUST_PROXY=${setting}: takes the address the proxy saw, whatever the client put in front`, async () => {
      t = await startTestApp(await makeWorkdir(), { env: { QUNDESK_TRUST_PROXY: setting } })
      await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
      // A guesser rotates names and forged addresses; the proxy's entry is always the same real address.
      for (let i = 0; i < 5; i++) expect((await viaProxy(`user${i}`, `6.6.6.${i}`, '203.0.113.9')).status).toBe(401)
      expect(await loggedAddresses()).toEqual(Array(5).fill('203.0.113.9'))
      expect((await viaProxy('小王', '6.6.6.99', '203.0.113.9')).status).toBe(429)
      // Someone else behind the same proxy is not blocked.
      expect((await login(t.app.url, '小王', PASSWORD, { 'x-forwarded-for': '198.51.100.7' })).status).toBe(200)
    })
  }

  it('QUNDESK_TRUST_PROXY=0 (the default): X-Forwarded-For is ignored; the address is the connection\'s', async () => {
    t = await startTestApp(await makeWorkdir())
    expect((await viaProxy('someone', '6.6.6.6', '203.0.113.9')).status).toBe(401)
    expect(await loggedAddresses()).toEqual([expect.stringMatching(/127\.0\.0\.1$/)])
  })

  it('trusts only the listed proxies: from any other address the header is ignored', async () => {
    t = await startTestApp(await makeWorkdir(), { env: { QUNDESK_TRUST_PROXY: '10.9.9.9' } })
    expect((await viaProxy('someone', '6.6.6.6', '203.0.113.9')).status).toBe(401)
    expect(await loggedAddresses()).toEqual([expect.stringMatching(/127\.0\.0\.1$/)])
  })
})
