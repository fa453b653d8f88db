/// <reference lib="dom" />
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { loginThroughForm, screenshot, useBrowser } from './browser.js'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

const PASSWORD = '坐席密码-0123456789'
const WECOM_ENV = { QUNDESK_WECOM_CORP_ID: 'ww-test-corp', QUNDESK_WECOM_AGENT_ID: '1000002', QUNDESK_WECOM_JSAPI_TICKET: 'corp-ticket', QUNDESK_WECOM_AGENT_TICKET: 'agent-ticket' }

// Pages render asynchronously; give a loaded two-core CI machine room before a check fails.
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 50 })

const browser = useBrowser()
let t: TestApp | undefined

async function open(role: 'agent' | 'admin' = 'agent', env: Record<string, string> = {}, init?: string): Promise<Page> {
  t = browser.adopt(await startTestApp(await makeWorkdir(), { env }))
  await t.app.auth.addUser({ name: role === 'admin' ? '老板' : '小王', role, password: PASSWORD, actor: 'test' })
  const page = await browser.newPage(init ? { init } : {})
  await loginThroughForm(page, t.app.url, role === 'admin' ? '老板' : '小王', PASSWORD)
  return page
}

/** Logs in, has 张三 ask where the parcel is, and opens that suggestion with its drafted reply. */
async function openLogisticsQuestion() {
  const page = await open()
  t!.world.ask(t!.world.alice, '我的快递到哪了')
  const item = page.getByRole('option').filter({ hasText: '我的快递到哪了' })
  await item.waitFor()
  await item.click()
  await poll(() => page.locator('#draft').inputValue()).toContain('查物流')
  return { page, item }
}

describe('agent console in Chromium', () => {
  it('shows a new question live and sends it with one click; the group receives the reply', async () => {
    const page = await open()
    await poll(() => page.locator('#queue-stats').textContent()).toContain('待处理 0')
    await page.locator('body[data-live="open"]').waitFor()
    t!.world.ask(t!.world.alice, '我的快递到哪了')
    // No reload: the suggestion arrives over the live stream.
    const item = page.getByRole('option').filter({ hasText: '我的快递到哪了' })
    await item.waitFor()
    await item.click()
    await poll(() => page.locator('#draft').inputValue()).toContain('张三您好，查物流')
    await poll(() => page.locator('.conversation').textContent()).toContain('我的快递到哪了')
    await screenshot(page, 'queue')
    await page.getByRole('button', { name: /^发送/ }).click()
    await waitFor(() => t!.world.said.length === 1)
    expect(t!.world.said[0]).toMatch(/^@张三\s张三您好，查物流/u)
    await poll(() => page.locator('#queue-stats').textContent()).toContain('待处理 0')
  })

  it('marks escalations and sends an edited reply', async () => {
    const page = await open()
    t!.world.ask(t!.world.bob, '今天天气怎么样')
    const item = page.getByRole('option').filter({ hasText: '今天天气怎么样' })
    await item.waitFor()
    expect(await item.locator('.badge.human').textContent()).toBe('需人工')
    await item.click()
    await page.locator('#draft').fill('李四您好，这个我们查不到哦，建议看天气预报～')
    await page.getByRole('button', { name: /^发送/ }).click()
    await waitFor(() => t!.world.said.length === 1)
    expect(t!.world.said[0]).toContain('建议看天气预报')
    // The group may see the reply a moment before the outbox records it as sent.
    const s = await waitFor(async () => (await t!.app.suggestions.list({ status: 'sent' }))[0])
    expect(s).toMatchObject({ decision: 'edited', decidedBy: '小王' })
  })

  it('keeps what the agent is typing when the same suggestion changes meanwhile, and sends the typed words', async () => {
    const { page, item } = await openLogisticsQuestion()
    await page.locator('#draft').fill('张三您好，我帮您查一下单号')
    // A change to this suggestion arrives while the agent types (an escalation, a note from another agent).
    const suggestion = (await t!.app.suggestions.list({ status: 'pending' }))[0]!
    const reloaded = page.waitForResponse((r) => r.url().endsWith(`/api/suggestions/${suggestion.id}/context`))
    t!.app.suggestions.notify(suggestion)
    await reloaded
    await page.evaluate(() => new Promise((r) => setTimeout(r, 50)))
    expect(await page.locator('#draft').inputValue()).toBe('张三您好，我帮您查一下单号')
    // On PostgreSQL the claim's own live update can reach the page only now and reload the pane (the typed words
    // stay): a send caught by that reload is refused as stale, so send again while the item is still pending.
    // The server's version guard and the page's busy flag keep it to one reply.
    await expect.poll(async () => {
      if (t!.world.said.length === 0 && (await t!.app.suggestions.get(suggestion.id)).status === 'pending') await page.getByRole('button', { name: /^发送/ }).click()
      return t!.world.said.length
    }, { timeout: 20_000, interval: 1000 }).toBe(1)
    expect(t!.world.said[0]).toContain('我帮您查一下单号')
  })

  it('keeps what the agent typed when the open suggestion is clicked again and its reload answers late', async () => {
    const { page, item } = await openLogisticsQuestion()
    // Hold the reload the second click starts until the agent has typed.
    let release!: () => void
    const held = new Promise<void>((r) => { release = r })
    await page.route('**/api/suggestions/*/context', async (route) => { await held; await route.continue() })
    const reloaded = page.waitForResponse((r) => r.url().includes('/context'))
    await item.click()
    await page.locator('#draft').fill('张三您好，我帮您查一下单号')
    release()
    await reloaded
    await page.evaluate(() => new Promise((r) => setTimeout(r, 50)))
    expect(await page.locator('#draft').inputValue()).toBe('张三您好，我帮您查一下单号')
  })

  it('runs the common actions from the keyboard: J/K to move, R to reject with a reason, Enter to send', async () => {
    const page = await open()
    t!.world.ask(t!.world.alice, '能开发票吗')
    await page.getByRole('option').filter({ hasText: '能开发票吗' }).waitFor()
    t!.world.ask(t!.world.bob, '退款什么时候到账')
    await page.getByRole('option').filter({ hasText: '退款什么时候到账' }).waitFor()
    await page.locator('body').click({ position: { x: 5, y: 5 } })
    await page.keyboard.press('j')
    await poll(() => page.locator('[role="option"][aria-selected="true"]').textContent()).toContain('退款什么时候到账')
    // As an agent would, act once the selected suggestion's draft is on screen.
    await poll(() => page.locator('#draft').inputValue()).toContain('退款')
    await page.keyboard.press('r')
    await page.getByLabel('拒绝原因').fill('客户已私聊解决')
    await page.keyboard.press('Enter')
    await waitFor(async () => (await t!.app.suggestions.list({ status: 'rejected' })).length === 1)
    await poll(() => page.locator('[role="option"][aria-selected="true"]').textContent()).toContain('能开发票吗')
    await poll(() => page.locator('#draft').inputValue()).toContain('发票')
    await page.locator('body').click({ position: { x: 5, y: 5 } })
    await page.keyboard.press('Enter')
    await waitFor(() => t!.world.said.length === 1)
    expect((await t!.app.suggestions.list({ status: 'rejected' }))[0]).toMatchObject({ rejectReason: '客户已私聊解决', decidedBy: '小王' })
  })

  it('fixes a wrong intent, and the same question then gets the fixed answer', async () => {
    const page = await open()
    const question = '钱啥时候回到卡里'
    t!.world.ask(t!.world.alice, question)
    await page.getByRole('option').filter({ hasText: question }).click()
    const version = t!.app.knowledge.current().version
    await page.getByRole('button', { name: /意图不对/ }).click()
    await page.getByLabel('正确的意图').selectOption('returns.refund')
    await page.getByRole('button', { name: '确认并重新起草' }).click()
    await poll(() => page.locator('#draft').inputValue()).toBe('张三您好，退款原路返回，一般 1-3 个工作日到账。')
    await waitFor(() => t!.app.knowledge.current().version > version)
    t!.world.ask(t!.world.bob, question)
    const next = await waitFor(async () => (await t!.app.suggestions.list({ status: 'pending' })).find((s) => s.memberName === '李四'))
    expect(next).toMatchObject({ intentId: 'returns.refund', text: '李四您好，退款原路返回，一般 1-3 个工作日到账。' })
  })

  it('keeps agents out of admin pages and refuses a state change without the CSRF token', async () => {
    const page = await open()
    expect(await page.getByRole('link', { name: '审计日志' }).count()).toBe(0)
    expect(await page.getByRole('link', { name: '知识库' }).count()).toBe(0)
    const audit = await page.goto(`${t!.app.url}/audit`)
    expect(audit?.status()).toBe(403)
    await page.goto(`${t!.app.url}/`)
    t!.world.ask(t!.world.alice, '我的快递到哪了')
    const s = await waitFor(async () => (await t!.app.suggestions.list({ status: 'pending' }))[0])
    const status = await page.evaluate(async (id) => (await fetch(`/api/suggestions/${id}/send`, { method: 'POST' })).status, s.id)
    expect(status).toBe(403)
    expect((await t!.app.suggestions.get(s.id)).status).toBe('pending')
  })

  it('works as the WeCom chat-toolbar sidebar: only the current group, sent as the agent through sendChatMessage', async () => {
    const roomIdHolder = { id: '' }
    // The stub stands in for @wecom/jssdk's `ww` inside WeCom: it checks our signatures come back and records sends.
    const stub = `
      window.__ww = { registered: null, configSig: null, agentSig: null, sent: [] }
      window.ww = {
        register(options) { window.__ww.registered = options
          options.getConfigSignature(location.href).then((s) => { window.__ww.configSig = s })
          options.getAgentConfigSignature(location.href).then((s) => { window.__ww.agentSig = s }) },
        async getCurExternalChat() { return { chatId: localStorage.getItem('chatId') } },
        async sendChatMessage(message) { window.__ww.sent.push(message); return { errMsg: 'sendChatMessage:ok' } },
      }`
    const page = await open('agent', WECOM_ENV, stub)
    roomIdHolder.id = t!.world.room.id
    // A second group whose questions must not show in this sidebar.
    const other = t!.world.mocker.createRoom({ topic: '别的群', memberIdList: [t!.world.me.id, t!.world.bob.id] })
    await page.evaluate((id) => localStorage.setItem('chatId', id), roomIdHolder.id)
    t!.world.bob.say('@客服助手\u2005能开发票吗', [t!.world.me]).to(other)
    t!.world.ask(t!.world.alice, '我的快递到哪了')
    await waitFor(async () => (await t!.app.suggestions.list({ status: 'pending' })).length === 2)
    await page.reload()
    await page.getByRole('option').filter({ hasText: '我的快递到哪了' }).waitFor()
    expect(await page.getByRole('listbox', { name: '建议列表' }).getByRole('option').count()).toBe(1)
    expect(await page.locator('#sidebar-note').textContent()).toContain('企业微信侧边栏')
    const registered = await page.evaluate(() => (window as unknown as { __ww: { registered: { corpId: string; agentId: string; jsApiList: string[] } } }).__ww.registered)
    expect(registered).toMatchObject({ corpId: 'ww-test-corp', agentId: '1000002', jsApiList: ['getCurExternalChat', 'sendChatMessage'] })
    const sigs = await waitFor(() => page.evaluate(() => { const w = (window as unknown as { __ww: { configSig: { signature: string } | null; agentSig: { signature: string } | null } }).__ww; return w.configSig && w.agentSig ? w : null }))
    expect(sigs.configSig!.signature).toMatch(/^[0-9a-f]{40}$/)
    expect(sigs.agentSig!.signature).not.toBe(sigs.configSig!.signature)

    await page.getByRole('option').filter({ hasText: '我的快递到哪了' }).click()
    await page.getByRole('button', { name: /以我的身份发送/ }).click()
    const sent = await waitFor(() => page.evaluate(() => (window as unknown as { __ww: { sent: Array<{ text: { content: string } }> } }).__ww.sent[0]))
    expect(sent.text.content).toContain('张三您好，查物流')
    const done = await waitFor(async () => (await t!.app.suggestions.list({ status: 'sent' }))[0])
    expect(done).toMatchObject({ question: '我的快递到哪了', decidedBy: '小王' })
    expect(t!.world.said).toEqual([])
  })

  it('shows reports with charts and CSV exports; admins see the audit log', async () => {
    const page = await open('admin')
    t!.world.ask(t!.world.alice, '客服几点下班')
    t!.world.ask(t!.world.bob, '今天天气怎么样')
    t!.world.ask(t!.world.alice, '能开发票吗')
    await waitFor(async () => (await t!.app.suggestions.list()).length === 3)
    const invoice = (await t!.app.suggestions.list({ status: 'pending' })).find((s) => s.intentId === 'invoice.issue')!
    await t!.app.suggestions.send(invoice.id, { actor: '老板' })
    await page.goto(`${t!.app.url}/reports`)
    await poll(() => page.locator('#kpis').textContent()).toContain('问题数3')
    await poll(() => page.locator('#table-unmatched').textContent()).toContain('今天天气怎么样')
    const drawn = await page.evaluate(() => (document.getElementById('chart-daily') as HTMLCanvasElement).toDataURL().length)
    expect(drawn).toBeGreaterThan(3000)
    await screenshot(page, 'reports')
    const href = await page.locator('a.csv[data-table="daily"]').getAttribute('href')
    const csv = await page.evaluate(async (url) => {
      const bytes = new Uint8Array(await (await fetch(url!)).arrayBuffer())
      return { bom: Array.from(bytes.slice(0, 3)), text: new TextDecoder().decode(bytes) }
    }, href)
    // A UTF-8 byte-order mark so Excel opens the Chinese headers correctly.
    expect(csv.bom).toEqual([0xef, 0xbb, 0xbf])
    expect(csv.text).toContain('日期')

    await page.goto(`${t!.app.url}/audit`)
    await poll(() => page.locator('#audit-table tbody').textContent()).toContain('登录')
    // Words, not codes: the send reads 发送 on 待办 #id, its detail as labelled lines, never JSON.
    const table = (await page.locator('#audit-table tbody').textContent())!
    expect(table).toContain(`发送待办 #${invoice.id}`)
    expect(table).toContain('意图：invoice.issue')
    expect(table).not.toMatch(/suggestion\.sent|\{"/)
    // Times in the server's zone (UTC+8 by default), whatever zone the browser runs in (headless here: UTC).
    const newest = await t!.app.db.selectFrom('audit_log').select('at').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()
    const local = new Date(Date.parse(newest.at) + 480 * 60_000)
    const hhmm = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`
    expect(await page.locator('#audit-table tbody tr').first().locator('td').first().textContent()).toContain(hhmm)
    // The table stays inside the page.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    await screenshot(page, 'audit')
  })
})
