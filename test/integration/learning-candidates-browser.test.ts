/// <reference lib="dom" />
import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loginThroughForm, screenshot, useBrowser } from './browser.js'
import { makeWorkdir, startTestApp, useBand, waitFor } from './test-context.js'

const PASSWORD = '坐席密码-0123456789'
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 })
const browser = useBrowser()

describe('学习候选 in Chromium', () => {
  it('an admin accepts a candidate on 用户与设置: it goes to learned.yaml and the knowledge reloads', async () => {
    const work = await makeWorkdir()
    await useBand(work)
    // Named intents read by name (with the id beside it).
    const shop = path.join(work.kbDir, 'shop.yaml')
    await fs.writeFile(shop, (await fs.readFile(shop, 'utf8')).replace('  - id: invoice.issue\n', '  - id: invoice.issue\n    name: 开发票\n'))
    const t = browser.adopt(await startTestApp(work))
    const { app, world } = t
    await app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
    const question = '发票可以开成电子的吗'
    world.ask(world.alice, question)
    const s = await waitFor(async () => (await app.suggestions.list({ status: 'pending' }))[0])
    await app.suggestions.send(s.id, { actor: '小王' })
    await waitFor(async () => (await app.learning.candidates()).total === 1)

    const admin = await browser.newPage()
    await loginThroughForm(admin, app.url, '老板', PASSWORD)
    await admin.goto(`${app.url}/admin`)
    const table = admin.locator('#learning-candidates tbody')
    await poll(() => table.textContent()).toContain(question)
    await poll(() => table.textContent()).toContain('按原稿发送')
    expect(await table.textContent()).toContain('开发票（invoice.issue）')
    const version = app.knowledge.current().version
    await admin.getByRole('button', { name: /^采纳学习候选 #\d+$/ }).click()
    await poll(() => table.textContent()).toBe('')
    await poll(() => admin.locator('#learning-status').textContent()).toBe('暂无学习候选')
    expect(app.knowledge.current().version).toBeGreaterThan(version)
    expect(app.knowledge.current().kb.get('invoice.issue')?.examples).toContain(question)
    expect(await fs.readFile(path.join(work.kbDir, 'learned.yaml'), 'utf8')).toContain('老板 采纳')

    // 知识缺口 shows the unmatched question with its YAML.
    world.ask(world.bob, '积分怎么兑换礼品')
    await waitFor(async () => (await app.suggestions.list({ status: 'pending' })).some((x) => x.question.includes('积分')))
    await admin.getByRole('button', { name: '查找知识缺口', exact: true }).click()
    await poll(() => admin.locator('#gaps-list').textContent()).toContain('积分怎么兑换礼品')
    await expect(admin.getByRole('button', { name: '复制为 YAML：draft.gap1', exact: true }).count()).resolves.toBe(1)
    await screenshot(admin, 'admin-learning-candidates')
  })
})
