/// <reference lib="dom" />
import { describe, expect, it } from 'vitest'
import { loginThroughForm, screenshot, useBrowser } from './browser.js'
import { makeWorkdir, startTestApp, waitFor } from './test-context.js'

const PASSWORD = '坐席密码-0123456789'
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 })
const browser = useBrowser()

describe('常用语 in Chromium', () => {
  it('an admin adds one in 用户与设置; an agent inserts it, filled for the customer, where the cursor is', async () => {
    const t = browser.adopt(await startTestApp(await makeWorkdir()))
    const { app, world } = t
    await app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
    await app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })

    const admin = await browser.newPage()
    await loginThroughForm(admin, app.url, '老板', PASSWORD)
    await admin.goto(`${app.url}/admin`)
    await admin.locator('#quick-reply-form').getByLabel('标题').fill('催发货')
    await admin.locator('#quick-reply-form').getByLabel('内容').fill('{{name}}您好，订单 {{order_id}} 已帮您催促仓库～')
    await admin.getByRole('button', { name: '保存常用语' }).click()
    await poll(() => admin.locator('#quick-replies tbody').textContent()).toContain('催发货')

    world.ask(world.alice, '帮我催一下，订单 DD20261123001 好几天了')
    await waitFor(async () => (await app.suggestions.list({ status: 'pending' })).length === 1)
    const page = await browser.newPage()
    await loginThroughForm(page, app.url, '小王', PASSWORD)
    await page.getByRole('option').filter({ hasText: '帮我催一下' }).click()
    const draft = page.locator('#draft')
    await poll(() => page.locator('#quick-reply').isVisible()).toBe(true)
    await draft.fill('补充：')
    await page.locator('#quick-reply').selectOption({ label: '催发货' })
    await poll(() => draft.inputValue()).toBe('补充：张三您好，订单 DD20261123001 已帮您催促仓库～')
    await screenshot(page, 'queue-quick-reply')
  })
})
