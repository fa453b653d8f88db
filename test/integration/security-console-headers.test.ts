import { afterEach, describe, expect, it } from 'vitest'
import { login } from './console-session.js'
import { makeWorkdir, startTestApp, TEST_TOKEN, type TestApp } from './test-context.js'

const PASSWORD = '坐席密码-0123456789'
const BASIC = 'Basic dXNlcjpwYXNz'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

describe('an Authorization header of another scheme (a proxy\'s Basic auth)', () => {
  it('is ignored: the login page renders, and the session cookie still works', async () => {
    t = await startTestApp(await makeWorkdir())
    await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    // Before: the header counted as a wrong API token, so /login redirected to /login?next=/login for ever.
    const page = await fetch(`${t.app.url}/login`, { headers: { authorization: BASIC }, redirect: 'manual' })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('登录')
    const { session } = await login(t.app.url, '小王', PASSWORD, { authorization: BASIC })
    const me = await fetch(`${t.app.url}/api/session`, { headers: { authorization: BASIC, cookie: session!.cookie } })
    expect(me.status).toBe(200)
    const queue = await fetch(`${t.app.url}/`, { headers: { authorization: BASIC, cookie: session!.cookie }, redirect: 'manual' })
    expect(queue.status).toBe(200)
    // Without a cookie the proxy's header is no login: still 401.
    expect((await fetch(`${t.app.url}/api/session`, { headers: { authorization: BASIC } })).status).toBe(401)
  })
})

describe('transport and cache headers', () => {
  it('sends HSTS only on HTTPS requests (the trusted proxy\'s X-Forwarded-Proto), never over plain HTTP', async () => {
    t = await startTestApp(await makeWorkdir(), { env: { QUNDESK_TRUST_PROXY: '1' } })
    const viaTls = await fetch(`${t.app.url}/login`, { headers: { 'x-forwarded-proto': 'https' } })
    expect(viaTls.headers.get('strict-transport-security')).toBe('max-age=15552000')
    expect((await fetch(`${t.app.url}/login`)).headers.get('strict-transport-security')).toBeNull()
  })

  it('does not believe X-Forwarded-Proto from a client that is not a trusted proxy', async () => {
    t = await startTestApp(await makeWorkdir())
    const res = await fetch(`${t.app.url}/login`, { headers: { 'x-forwarded-proto': 'https' } })
    expect(res.headers.get('strict-transport-security')).toBeNull()
  })

  it('marks API answers Cache-Control: no-store, errors included', async () => {
    t = await startTestApp(await makeWorkdir())
    const ok = await fetch(`${t.app.url}/api/suggestions?status=pending`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('cache-control')).toBe('no-store')
    expect((await fetch(`${t.app.url}/api/health`)).headers.get('cache-control')).toBe('no-store')
  })
})
