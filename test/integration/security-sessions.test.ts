import { afterEach, describe, expect, it } from 'vitest'
import { login } from './console-session.js'
import { makeWorkdir, startTestApp, type TestApp } from './test-context.js'

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR
const PASSWORD = '坐席密码-0123456789'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

/** Cookie attributes by lower-case name (`httponly: ''`). */
function cookieAttributes(header: string): Record<string, string> {
  const [, ...parts] = header.split(';')
  return Object.fromEntries(parts.map((p) => p.trim().split('=')).map(([k, ...v]) => [k!.toLowerCase(), v.join('=')]))
}

describe('console session cookie and lifetime', () => {
  it('is HttpOnly, SameSite=Strict, path /, not Secure over plain HTTP by default, and kept by the browser for 7 days', async () => {
    const now = Date.parse('2025-03-01T08:00:00Z')
    t = await startTestApp(await makeWorkdir(), { clock: () => new Date(now) })
    await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    const res = await login(t.app.url, '小王', PASSWORD)
    const attributes = cookieAttributes(res.headers.get('set-cookie')!)
    expect(attributes).toMatchObject({ httponly: '', samesite: 'Strict', path: '/' })
    expect(attributes).not.toHaveProperty('secure')
    expect(Date.parse(attributes.expires!)).toBe(now + 7 * DAY)
  })

  it('is Secure when QUNDESK_COOKIE_SECURE=1 (behind an HTTPS proxy)', async () => {
    t = await startTestApp(await makeWorkdir(), { env: { QUNDESK_COOKIE_SECURE: '1' } })
    await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    const res = await login(t.app.url, '小王', PASSWORD)
    expect(cookieAttributes(res.headers.get('set-cookie')!)).toHaveProperty('secure', '')
  })

  it('ends after 12 idle hours, and after 7 days even for an agent who never stops working', async () => {
    let now = Date.parse('2025-03-01T08:00:00Z')
    t = await startTestApp(await makeWorkdir(), { clock: () => new Date(now) })
    await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    const idle = (await login(t.app.url, '小王', PASSWORD)).session!
    const busy = (await login(t.app.url, '小王', PASSWORD)).session!
    const loggedInAt = now

    now += 11 * HOUR
    expect((await busy.call('GET', '/api/session')).status).toBe(200)
    now += 2 * HOUR
    expect((await idle.call('GET', '/api/session')).status).toBe(401)
    expect((await busy.call('GET', '/api/session')).status).toBe(200)

    while (now + 11 * HOUR < loggedInAt + 7 * DAY) {
      now += 11 * HOUR
      expect((await busy.call('GET', '/api/session')).status).toBe(200)
    }
    now = loggedInAt + 7 * DAY
    expect((await busy.call('GET', '/api/session')).status).toBe(401)
  })
})
