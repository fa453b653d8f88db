import { afterEach, describe, expect, it } from 'vitest'
import { login } from './console-session.js'
import { makeWorkdir, startTestApp, type TestApp } from './test-context.js'

const PASSWORD = '坐席密码-0123456789'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

describe('login throttle under concurrency', () => {
  it('counts guesses in flight: 40 wrong passwords and the right one at once check at most 5, and the right one is refused', async () => {
    t = await startTestApp(await makeWorkdir())
    await t.app.auth.addUser({ name: '小李', role: 'agent', password: PASSWORD, actor: 'test' })
    const wrong = Array.from({ length: 40 }, (_, i) => login(t!.app.url, '小李', `错误的密码-${i}-xxxxxxxx`))
    const right = login(t.app.url, '小李', PASSWORD)
    const statuses = (await Promise.all(wrong)).map((r) => r.status)
    const rightStatus = (await right).status
    // Before: every request passed the check before any failure was recorded, 40 × 401 and the right one 200.
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5)
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(35)
    expect(rightStatus).toBe(429)
  })

  it('still lets single logins through, again and again from one address', async () => {
    t = await startTestApp(await makeWorkdir())
    await t.app.auth.addUser({ name: '小李', role: 'agent', password: PASSWORD, actor: 'test' })
    // A success must not leave its reservation behind as an address failure: 6 logins > the 5 allowed failures.
    for (let i = 0; i < 6; i++) expect((await login(t.app.url, '小李', PASSWORD)).status).toBe(200)
    expect((await login(t.app.url, '小李', '错误的密码-xxxxxxxxxx')).status).toBe(401)
    expect((await login(t.app.url, '小李', PASSWORD)).status).toBe(200)
  })
})
