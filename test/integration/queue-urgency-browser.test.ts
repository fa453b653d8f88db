/// <reference lib="dom" />
import { describe, expect, it } from 'vitest'
import { loginThroughForm, screenshot, useBrowser } from './browser.js'
import { makeWorkdir, startTestApp, waitFor } from './test-context.js'

const PASSWORD = '坐席密码-0123456789'
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 })
const browser = useBrowser()

describe('the queue puts urgent work first and can be narrowed down', () => {
  it('orders 转人工 and severe emotion first, shows the SLA countdown, filters by group, reason and claim, and counts in the title', async () => {
    const t = browser.adopt(await startTestApp(await makeWorkdir()))
    const { world, app } = t
    const other = world.mocker.createRoom({ topic: '老客户群', memberIdList: [world.me.id, world.alice.id, world.bob.id] })
    world.ask(world.alice, '能开发票吗')
    await waitFor(async () => (await app.suggestions.list({ status: 'pending' })).length === 1)
    world.alice.say('@客服助手\u2005我的快递到哪了', [world.me]).to(other)
    await waitFor(async () => (await app.suggestions.list({ status: 'pending' })).length === 2)
    world.ask(world.bob, '帮我转人工')
    await waitFor(async () => (await app.suggestions.list({ status: 'pending' })).length === 3)

    await app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    const page = await browser.newPage()
    await loginThroughForm(page, app.url, '小王', PASSWORD)
    const questions = () => page.locator('#queue-list [role=option] .q').allTextContents()
    // The newest, 转人工, comes first; then the others oldest first.
    await poll(questions).toEqual(['帮我转人工', '能开发票吗', '我的快递到哪了'])
    await poll(() => page.locator('#queue-list [role=option]').first().locator('.badge.sla').textContent()).toMatch(/^剩 /u)
    await poll(() => page.title()).toMatch(/^\(1\) /u)

    await page.locator('#filter-group').selectOption({ label: '老客户群' })
    await poll(questions).toEqual(['我的快递到哪了'])
    await page.locator('#filter-group').selectOption('')
    await page.locator('#filter-reason').selectOption('keyword')
    await poll(questions).toEqual(['帮我转人工'])
    await page.locator('#filter-reason').selectOption('')
    // Opening an item claims it: 我处理中 keeps only that one.
    await page.getByRole('option').filter({ hasText: '能开发票吗' }).click()
    await page.locator('#filter-claim').selectOption('mine')
    await poll(questions).toEqual(['能开发票吗'])
    await page.locator('#filter-claim').selectOption('unclaimed')
    await poll(questions).toEqual(['帮我转人工', '我的快递到哪了'])
    await screenshot(page, 'queue-urgency')
  })

  it('rings (desktop notification and chime, once the agent turns them on) for a new item for a person, not for routine questions', async () => {
    const t = browser.adopt(await startTestApp(await makeWorkdir()))
    const { world, app } = t
    world.ask(world.alice, '帮我转人工') // waiting before the page opened: no ring
    await waitFor(async () => (await app.suggestions.list({ status: 'pending' })).length === 1)
    await app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    // Records what the page asks of the browser's Notification and audio, and lets the real ones run.
    const init = `
      window.__notices = []; window.__tones = 0
      const Real = window.Notification
      window.Notification = class extends Real { constructor(title, options) { super(title, options); window.__notices.push({ title, body: options && options.body }) } }
      const create = AudioContext.prototype.createOscillator
      AudioContext.prototype.createOscillator = function () { window.__tones += 1; return create.call(this) }`
    const page = await browser.newPage({ init, permissions: ['notifications'] })
    await loginThroughForm(page, app.url, '小王', PASSWORD)
    await page.locator('body[data-live="open"]').waitFor()
    await page.locator('#alert-desktop').check()
    await page.locator('#alert-sound').check()
    const tonesAfterTurningOn = await page.evaluate(() => (window as unknown as { __tones: number }).__tones)

    world.ask(world.bob, '能开发票吗')
    await page.getByRole('option').filter({ hasText: '能开发票吗' }).waitFor()
    world.ask(world.bob, '气死我了，转人工！！！')
    await poll(() => page.evaluate(() => (window as unknown as { __notices: unknown[] }).__notices)).toEqual([{ title: '需人工 · VIP客户群 · 李四', body: '气死我了，转人工！！！' }])
    expect(await page.evaluate(() => (window as unknown as { __tones: number }).__tones)).toBeGreaterThan(tonesAfterTurningOn)
    // The choice is kept in this browser.
    await page.reload()
    await poll(() => page.locator('#alert-sound').isChecked()).toBe(true)
    expect(await page.locator('#alert-desktop').isChecked()).toBe(true)
  })
})
