/// <reference lib="dom" />
import fs from 'node:fs/promises'
import path from 'node:path'
import { FileBox } from 'file-box'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { makePng } from '../support/media-fixtures.js'
import { loginThroughForm, screenshot, useBrowser } from './browser.js'
import { makeWorkdir, startTestApp, useRules, waitFor, type TestApp } from './test-context.js'

const PASSWORD = '管理员密码-0123456789'
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 })
const browser = useBrowser()

/** Text a Chinese console must never show: puppet enum names, JavaScript's empty values, raw JSON. */
const LEAKS: Array<[what: string, pattern: RegExp]> = [
  ['a puppet placeholder', /\[(Image|Url|MiniProgram|Recalled|Unknown|Text|Emoticon|Video|Audio|Attachment|Contact|Location|Transfer|RedEnvelope|ChatHistory|GroupNote|Post|Channel)\]/u],
  ['an empty JavaScript value', /\b(undefined|NaN|null)\b|\[object Object\]/u],
  ['raw JSON', /[{[]\s*"[^"\n]+"\s*:/u],
]

const WIDTHS = [{ name: 'wide', width: 1440, height: 900 }, { name: 'phone', width: 390, height: 844 }] as const

/** What the page at `url` shows once its data arrived (`ready` appears). */
interface PageVisit { name: string; url: string; ready: string }

/** The problems a person would see on the page now: leaked placeholders, a page wider than the screen, a navigation that breaks per character. */
async function problemsOn(page: Page): Promise<string[]> {
  const found = await page.evaluate(() => ({
    text: document.body.innerText,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    // The innermost elements reaching past the right edge, to name in the failure.
    wide: Array.from(document.querySelectorAll('main *')).filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !Array.from(e.children).some((c) => c.getBoundingClientRect().right > window.innerWidth + 1))
      .slice(0, 3).map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className ? `.${String(e.className).replace(/\s+/g, '.')}` : ''} "${(e.textContent ?? '').slice(0, 20)}"`),
    navLinks: Array.from(document.querySelectorAll('header nav a')).map((a) => ({ text: a.textContent ?? '', height: a.getBoundingClientRect().height, lineHeight: parseFloat(getComputedStyle(a).lineHeight) || 20 })),
  }))
  const problems: string[] = []
  for (const [what, pattern] of LEAKS) {
    const hit = pattern.exec(found.text)
    if (hit) problems.push(`${what}: …${found.text.slice(Math.max(0, hit.index - 30), hit.index + 40)}…`)
  }
  if (found.overflow > 1) problems.push(`wider than the screen by ${found.overflow}px: ${found.wide.join(', ')}`)
  for (const link of found.navLinks) if (link.height > link.lineHeight * 1.6 + 16) problems.push(`navigation link ${link.text} wraps (${link.height}px tall)`)
  return problems
}

describe('every console page, wide and on a phone', () => {
  it('shows no English placeholder, raw JSON or overflowing layout at 1440 and 390 px, and is screenshotted for the README', { timeout: 240_000 }, async () => {
    const work = await makeWorkdir()
    await useRules(work, 'valid')
    // An intent with an admin-given name: agents read the name, not the id.
    const shop = path.join(work.kbDir, 'shop.yaml')
    await fs.writeFile(shop, (await fs.readFile(shop, 'utf8')).replace('  - id: logistics.track\n', '  - id: logistics.track\n    name: 查物流\n'))
    const t: TestApp = browser.adopt(await startTestApp(work))
    const { world, app } = t
    await app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
    // A day's worth of traffic: answered, edited, rejected, unmatched, a picture, an angry customer.
    world.ask(world.alice, '我的快递到哪了')
    world.ask(world.bob, '能开发票吗')
    world.ask(world.alice, '今天天气怎么样')
    world.ask(world.bob, '你们这服务太差了，我要投诉')
    await waitFor(async () => (await app.suggestions.list()).length >= 4)
    world.alice.say(FileBox.fromBase64(makePng(40, 30).toString('base64'), '破损.png')).to(world.room)
    await waitFor(async () => (await app.suggestions.list()).some((s) => s.question === '[图片]'))
    const pending = await app.suggestions.list({ status: 'pending' })
    const invoice = pending.find((s) => s.intentId === 'invoice.issue')
    if (invoice) await app.suggestions.send(invoice.id, { actor: '老板' })
    // Three more newcomers: with the two members at start, more welcomes than the hourly cap (3) lets out.
    await app.members.record({ kind: 'join', channel: 'wechaty', groupId: world.room.id, groupName: 'VIP客户群', members: [{ id: 'wxid_n1', name: '新人一' }, { id: 'wxid_n2', name: '新人二' }, { id: 'wxid_n3', name: '新人三' }], at: new Date() })
    await app.tagging.retagAll()
    await app.tagging.idle()
    await app.tagActions.run()
    const member = (await app.members.group(world.room.id))[0]!

    const visits: PageVisit[] = [
      { name: 'queue', url: '/', ready: '#queue-stats' },
      { name: 'reports', url: '/reports', ready: '#kpis' },
      { name: 'members', url: '/members', ready: '#members-total' },
      { name: 'member', url: `/members/${encodeURIComponent(member.memberId)}`, ready: '#history-table' },
      { name: 'knowledge', url: '/knowledge', ready: 'main' },
      { name: 'audit', url: '/audit', ready: '#audit-table tbody tr' },
      { name: 'admin', url: '/admin', ready: 'main' },
      { name: 'password', url: '/password', ready: 'main' },
    ]
    const problems: string[] = []
    for (const size of WIDTHS) {
      const page = await browser.newPage({ viewport: { width: size.width, height: size.height } })
      await page.goto(`${app.url}/login`)
      problems.push(...(await problemsOn(page)).map((p) => `login (${size.width}px): ${p}`))
      await screenshot(page, `page-login-${size.width}`)
      await loginThroughForm(page, app.url, '老板', PASSWORD)
      for (const visit of visits) {
        await page.goto(`${app.url}${visit.url}`)
        await page.locator(visit.ready).first().waitFor()
        await page.waitForLoadState('networkidle')
        if (visit.name === 'reports') await poll(() => page.locator('#table-intents').textContent()).toContain('查物流（logistics.track）')
        if (visit.name === 'queue') {
          // The queue with an item open: the draft, the conversation and the customer's card.
          const item = page.getByRole('listbox', { name: '建议列表' }).getByRole('option').first()
          await item.click()
          await poll(() => page.locator('#draft').count()).toBe(1)
          const parcel = page.getByRole('listbox', { name: '建议列表' }).getByRole('option').filter({ hasText: '我的快递到哪了' })
          expect(await parcel.locator('.badge').first().textContent()).toMatch(/^查物流 · \d+%$/u)
          // Welcomes held back by the cap are visible, with when the next one goes out.
          await poll(() => page.locator('#waiting-actions summary').textContent()).toMatch(/^2 条主动消息排队中（每群每小时最多 3 条），下一条约 \d+-\d+ \d\d:\d\d 进入队列$/u)
        }
        problems.push(...(await problemsOn(page)).map((p) => `${visit.name} (${size.width}px): ${p}`))
        await screenshot(page, `page-${visit.name}-${size.width}`)
      }
      await page.context().close()
    }
    expect(problems).toEqual([])
  })
})
