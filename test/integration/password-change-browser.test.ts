import { describe, expect, it } from 'vitest'
import { loginThroughForm, screenshot, useBrowser } from './browser.js'
import { login } from './console-session.js'
import { makeWorkdir, startTestApp, type TestApp } from './test-context.js'

const PASSWORD = '坐席密码-0123456789'
const NEW_PASSWORD = '我自己的新密码-2026'

// Pages render asynchronously; give a loaded two-core CI machine room before a check fails.
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 50 })

const browser = useBrowser()
let t: TestApp | undefined

describe('changing a password in Chromium', () => {
  it('takes the demo admin from the login form to the change page, and after the change to the page they asked for', { timeout: 90_000 }, async () => {
    t = browser.adopt(await startTestApp(await makeWorkdir()))
    const demo = t.app.demoAdmin!
    const page = await browser.newPage()
    await page.goto(`${t.app.url}/login?next=${encodeURIComponent('/reports')}`)
    await page.getByLabel('用户名').fill(demo.name)
    await page.getByLabel('密码').fill(demo.password)
    await Promise.all([page.waitForURL((url) => url.pathname === '/password'), page.getByRole('button', { name: '登录' }).click()])
    await page.getByText('请先设置只有您自己知道的新密码').waitFor()

    // Typing the console's address does not get around it: the server sends the page back here.
    await page.goto(`${t.app.url}/admin`)
    await page.waitForURL((url) => url.pathname === '/password')

    await page.getByLabel('当前密码').fill(demo.password)
    await page.getByLabel('新密码', { exact: true }).fill(NEW_PASSWORD)
    await page.getByLabel('再次输入新密码').fill(`${NEW_PASSWORD}x`)
    await page.getByRole('button', { name: '修改密码' }).click()
    await poll(() => page.getByRole('alert').textContent()).toBe('两次输入的新密码不一致')

    await page.getByLabel('新密码', { exact: true }).fill(demo.password)
    await page.getByLabel('再次输入新密码').fill(demo.password)
    await page.getByRole('button', { name: '修改密码' }).click()
    await poll(() => page.getByRole('alert').textContent()).toBe('新密码不能与当前密码相同')
    await screenshot(page, 'password-change-required')

    await page.getByLabel('新密码', { exact: true }).fill(NEW_PASSWORD)
    await page.getByLabel('再次输入新密码').fill(NEW_PASSWORD)
    await Promise.all([page.waitForURL((url) => url.pathname === '/admin'), page.getByRole('button', { name: '修改密码' }).click()])
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '用户与设置' }).waitFor()
    await page.getByRole('row').filter({ hasText: 'admin' }).getByRole('cell', { name: '正常' }).waitFor()
    expect((await login(t.app.url, demo.name, NEW_PASSWORD)).status).toBe(200)
  })

  it('is reachable for an agent from the header, and not forced on them', { timeout: 60_000 }, async () => {
    t = browser.adopt(await startTestApp(await makeWorkdir()))
    await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    const page = await browser.newPage()
    await loginThroughForm(page, t.app.url, '小王', PASSWORD)
    await Promise.all([page.waitForURL((url) => url.pathname === '/password'), page.getByRole('link', { name: '修改密码' }).click()])
    expect(await page.getByText('请先设置只有您自己知道的新密码').count()).toBe(0)
    await page.getByLabel('当前密码').fill('不是这个密码-000')
    await page.getByLabel('新密码', { exact: true }).fill(NEW_PASSWORD)
    await page.getByLabel('再次输入新密码').fill(NEW_PASSWORD)
    await page.getByRole('button', { name: '修改密码' }).click()
    await poll(() => page.getByRole('alert').textContent()).toBe('当前密码不正确')
    await page.getByLabel('当前密码').fill(PASSWORD)
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.getByRole('button', { name: '修改密码' }).click()])
    await page.locator('body[data-page="queue"]').waitFor()
    expect((await login(t.app.url, '小王', NEW_PASSWORD)).status).toBe(200)
  })
})
