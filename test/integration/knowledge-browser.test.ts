/// <reference lib="dom" />
import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loginThroughForm, screenshot, useBrowser } from './browser.js'
import { makeWorkdir, startTestApp } from './test-context.js'

const PASSWORD = '管理密码-0123456789'
const poll = <T>(fn: () => T | Promise<T>, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 })
const browser = useBrowser()

describe('知识库 in Chromium', () => {
  it('an admin sees the intents and a lint warning, tries a question, and sees a bad edit with file:line', async () => {
    const work = await makeWorkdir('knowledge-lint/unknown-placeholder')
    // An admin-given name for one intent (after line 8, which the lint warning below points at).
    const shop = path.join(work.kbDir, 'shop.yaml')
    await fs.writeFile(shop, (await fs.readFile(shop, 'utf8')).replace('  - id: service.hours\n', '  - id: service.hours\n    name: 客服时间\n'))
    const t = browser.adopt(await startTestApp(work))
    await t.app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
    const page = await browser.newPage()
    await loginThroughForm(page, t.app.url, '老板', PASSWORD)
    await page.getByRole('link', { name: '知识库' }).click()
    await page.waitForURL('**/knowledge')

    const intents = page.locator('#knowledge-intents tbody')
    await poll(() => intents.textContent()).toContain('logistics.track')
    await page.getByLabel('筛选意图').fill('几点上班')
    await poll(() => intents.textContent()).not.toContain('logistics.track')
    expect(await intents.textContent()).toContain('service.hours')
    expect(await intents.textContent()).toContain('客服时间')
    await page.getByLabel('筛选意图').fill('客服时间')
    await poll(() => intents.locator('tr').count()).toBe(1)
    await page.getByLabel('筛选意图').fill('几点上班')

    // The lint runs in the background; the page asks again until it is done.
    await poll(() => page.locator('#knowledge-lint').textContent(), 50_000).toContain('未知变量 {{days}}')
    expect(await page.locator('#knowledge-lint').textContent()).toMatch(/shop\.yaml:8/)

    await page.getByLabel('客户问题').fill('我的快递到哪了')
    await page.getByRole('button', { name: '试一试' }).click()
    await poll(() => page.locator('#knowledge-test-result').textContent()).toContain('匹配：logistics.track')
    expect(await page.locator('#knowledge-test-result').textContent()).toContain('阈值来自 默认值')
    await screenshot(page, 'knowledge-page')

    const broken = path.join(work.kbDir, 'broken.yaml')
    await fs.writeFile(broken, 'intents:\n  - id: broken.one\n    examples: [坏的\n    answer: 没有\n')
    await poll(async () => {
      await page.reload()
      return page.getByRole('alert').textContent({ timeout: 2000 }).catch(() => '')
    }).toMatch(new RegExp(`broken\\.yaml:\\d+ YAML 语法错误：\\[ … \\] 列表没有用 \\] 结束`))
    await screenshot(page, 'knowledge-load-error')
  })

  it('an admin runs 阈值校准, watches it finish, and writes the proposed band; the page then shows it in use', async () => {
    const work = await makeWorkdir('kb-small-shop')
    const t = browser.adopt(await startTestApp(work))
    await t.app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
    const page = await browser.newPage()
    await loginThroughForm(page, t.app.url, '老板', PASSWORD)
    await page.goto(`${t.app.url}/knowledge`)
    const section = page.locator('#knowledge-calibration')
    await poll(() => section.textContent()).toContain('内置默认值')

    await page.getByRole('button', { name: '开始校准' }).click()
    const write = page.getByRole('button', { name: /写入建议阈值/ })
    await write.waitFor({ timeout: 60_000 })
    const text = (await section.textContent())!
    expect(text).toMatch(/建议 S = 0\.\d+：答对 \d+\.\d%/)
    expect(text).toContain('← 建议')
    await screenshot(page, 'knowledge-calibration')
    await write.click()
    await poll(() => section.textContent()).toMatch(/老板 于 .* 写入 matching\.yaml：S = 0\.\d+/)
    await poll(() => section.textContent()).toContain('知识库 matching: 段落')
    expect(await fs.readFile(path.join(work.kbDir, 'matching.yaml'), 'utf8')).toMatch(/^matching:\n {2}suggest: 0\.\d+\n {2}auto_send: 0\.\d+\n/m)
  })
})
