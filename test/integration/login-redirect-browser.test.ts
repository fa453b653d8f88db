import { describe, expect, it } from 'vitest'
import { useBrowser } from './browser.js'
import { makeWorkdir, startTestApp, type TestApp } from './test-context.js'

const PASSWORD = '坐席密码-0123456789'
const browser = useBrowser()
let t: TestApp | undefined

describe('login page never redirects off-site', () => {
  it.each(['/%09/evil.example/phish', '/%0A/evil.example/phish', '/%0D%0A/evil.example/phish', '/%5Cevil.example', '//evil.example', 'https:evil.example'])(
    'renders ?next=%s as "/"', async (next) => {
      t ??= await startTestApp(await makeWorkdir())
      const page = await (await fetch(`${t.app.url}/login?next=${next}`)).text()
      expect(page).toContain('data-next="/"')
    },
  )

  it('lands on the console, not on evil.example, after logging in from /login?next=/%09/evil.example/phish', async () => {
    await t?.stop()
    t = browser.adopt(await startTestApp(await makeWorkdir()))
    await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    const page = await browser.newPage()
    await page.goto(`${t.app.url}/login?next=/%09/evil.example/phish`)
    await page.getByLabel('用户名').fill('小王')
    await page.getByLabel('密码').fill(PASSWORD)
    await Promise.all([page.waitForURL((url) => url.pathname === '/' || url.host !== new URL(t!.app.url).host), page.getByRole('button', { name: '登录' }).click()])
    expect(page.url()).toBe(`${t.app.url}/`)
    t = undefined // stopped by the browser hooks
  })
})
