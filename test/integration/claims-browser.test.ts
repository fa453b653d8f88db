/// <reference lib="dom" />
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchBrowser, loginThroughForm, screenshot } from './browser.js'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

const PASSWORD = '坐席密码-0123456789'
const QUESTION = '我的快递到哪了'

// Pages render asynchronously; give a loaded two-core CI machine room before a check fails.
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 })

// Several agents at once: each in a browser context of their own (own cookies, own live stream).
let browser: Browser | undefined
let t: TestApp | undefined
const contexts: BrowserContext[] = []
const pageErrors: Error[] = []
beforeAll(async () => { browser = await launchBrowser() })
afterAll(async () => { await browser?.close() })
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()))
  await t?.stop()
  t = undefined
  expect(pageErrors.splice(0)).toEqual([])
})

interface Agent {
  name: string
  page: Page
  /** POSTs this agent's page made to decide on a suggestion (send, reject, mark-sent, fix-intent). */
  decisions: string[]
}

async function agent(name: string): Promise<Agent> {
  await t!.app.auth.addUser({ name, role: 'agent', password: PASSWORD, actor: 'test' })
  const context = await browser!.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 860 } })
  contexts.push(context)
  const page = await context.newPage()
  page.on('pageerror', (error) => pageErrors.push(error))
  const decisions: string[] = []
  page.on('request', (request) => {
    if (request.method() === 'POST' && /\/api\/suggestions\/\d+\/(send|reject|mark-sent|fix-intent)$/.test(request.url())) decisions.push(request.url())
  })
  await loginThroughForm(page, t!.app.url, name, PASSWORD)
  await page.locator('body[data-live="open"]').waitFor()
  return { name, page, decisions }
}

/** The question as a row of this agent's queue. */
const row = (a: Agent) => a.page.getByRole('option').filter({ hasText: QUESTION })
const note = (a: Agent) => a.page.locator('#pane-note')

/** Opens the question in this agent's pane and waits for its drafted reply. */
async function openQuestion(a: Agent): Promise<void> {
  await row(a).click()
  await poll(() => a.page.locator('#detail .question').textContent()).toBe(QUESTION)
}

/** A round trip from the page: every request a keypress before it started has been seen by then. */
async function settle(a: Agent): Promise<void> {
  await a.page.evaluate(async () => { await fetch('/api/health') })
}

async function askAndWait(agents: Agent[]): Promise<number> {
  t!.world.ask(t!.world.alice, QUESTION)
  for (const a of agents) await row(a).waitFor()
  return (await t!.app.suggestions.list({ status: 'pending' })).find((s) => s.question === QUESTION)!.id
}

describe('several agents on one queue, in Chromium', { timeout: 120_000 }, () => {
  it('lets one of two agents opening the same item at once claim it; the other sees 「…处理中」', async () => {
    t = await startTestApp(await makeWorkdir())
    const wang = await agent('小王')
    const li = await agent('小李')
    const id = await askAndWait([wang, li])
    await Promise.all([row(wang).click(), row(li).click()])
    const winner = await waitFor(async () => (await t!.app.suggestions.get(id)).claimedBy, { timeoutMs: 15_000 })
    const [won, lost] = winner === '小王' ? [wang, li] : [li, wang]
    await poll(() => note(lost).textContent()).toContain(`${winner} 处理中`)
    await poll(() => row(lost).textContent()).toContain(`${winner} 处理中`)
    await poll(() => note(won).textContent()).toContain('我处理中')
    expect(await note(won).textContent()).not.toContain(`${lost === wang ? '小王' : '小李'} 处理中`)
    await screenshot(lost.page, 'queue-claimed-by-colleague')
    // The claim stays with the winner: the loser opening it again changes nothing.
    await row(lost).click()
    await settle(lost)
    expect((await t!.app.suggestions.get(id)).claimedBy).toBe(winner)
  })

  it("keeps a typing agent's pane on the item a colleague sent, says who sent it, and never sends their draft", async () => {
    t = await startTestApp(await makeWorkdir())
    const wang = await agent('小王')
    const li = await agent('小李')
    const id = await askAndWait([wang, li])
    await openQuestion(wang)
    await poll(() => wang.page.locator('#draft').inputValue()).toContain('查物流')
    await wang.page.locator('#draft').fill('张三您好，我正在帮您查单号')
    await waitFor(async () => (await t!.app.suggestions.get(id)).claimedBy === '小王', { timeoutMs: 15_000 })

    // 小李 sends anyway: the console asks first, and the takeover is recorded.
    await openQuestion(li)
    await poll(() => note(li).textContent()).toContain('小王 处理中')
    await li.page.getByRole('button', { name: /^发送/ }).click()
    await li.page.getByRole('alertdialog', { name: '确认接手' }).waitFor()
    expect(li.decisions).toEqual([])
    await li.page.getByRole('button', { name: '接手并继续' }).click()
    await waitFor(() => t!.world.said.length === 1, { timeoutMs: 15_000 })
    expect(t!.world.said[0]).toContain('查物流')

    // 小王's pane stays on the item, says what happened, and keeps (but will not send) his words.
    await poll(() => note(wang).textContent()).toContain('小李 已发送')
    expect(await wang.page.locator('#detail').getAttribute('data-id')).toBe(String(id))
    expect(await wang.page.locator('#draft').inputValue()).toBe('张三您好，我正在帮您查单号')
    await poll(() => wang.page.locator('#send').isDisabled()).toBe(true)
    await screenshot(wang.page, 'queue-colleague-sent')
    await wang.page.locator('#draft').press('Control+Enter')
    await settle(wang)
    expect(wang.decisions).toEqual([])
    const audit = await t!.app.db.selectFrom('audit_log').select(['action', 'actor']).where('action', '=', 'suggestion.taken_over').execute()
    expect(audit).toEqual([{ action: 'suggestion.taken_over', actor: '小李' }])
    expect(t!.world.said).toHaveLength(1)
  })

  it('keeps the 确认接手 question on screen when a live change to the item arrives while it is asked', async () => {
    t = await startTestApp(await makeWorkdir())
    const li = await agent('小李')
    const id = await askAndWait([li])
    await t!.app.suggestions.claim(id, { actor: '小王' })
    await openQuestion(li)
    await poll(() => note(li).textContent()).toContain('小王 处理中')
    await li.page.getByRole('button', { name: /^发送/ }).click()
    const asked = li.page.getByRole('alertdialog', { name: '确认接手' })
    await asked.waitFor()
    // A third colleague takes the item meanwhile: the live update reaches 小李's pane, which must not drop the question.
    await t!.app.suggestions.claim(id, { actor: '小张', takeOver: true })
    await poll(() => note(li).textContent()).toContain('小张 处理中')
    expect(await asked.isVisible()).toBe(true)
    expect(li.decisions).toEqual([])
    await li.page.getByRole('button', { name: '接手并继续' }).click()
    await waitFor(() => t!.world.said.length === 1, { timeoutMs: 15_000 })
    expect((await t!.app.suggestions.get(id)).decidedBy).toBe('小李')
  })

  it('with three agents: a takeover shows everywhere, and Enter after a colleague sent sends nothing', async () => {
    t = await startTestApp(await makeWorkdir())
    const wang = await agent('小王')
    const li = await agent('小李')
    const zhang = await agent('小张')
    const id = await askAndWait([wang, li, zhang])
    await openQuestion(wang)
    await waitFor(async () => (await t!.app.suggestions.get(id)).claimedBy === '小王', { timeoutMs: 15_000 })
    await poll(() => wang.page.locator('#draft').inputValue()).toContain('查物流')
    await wang.page.locator('#draft').fill('张三您好，稍等我查一下')
    await openQuestion(li)
    await openQuestion(zhang)
    await poll(() => note(li).textContent()).toContain('小王 处理中')
    await poll(() => note(zhang).textContent()).toContain('小王 处理中')

    // 小张 takes it over with the button: both colleagues see it live.
    await zhang.page.locator('#take-over').click()
    await poll(() => note(li).textContent()).toContain('小张 处理中')
    await poll(() => note(wang).textContent()).toContain('小张 处理中')
    await poll(() => note(zhang).textContent()).toContain('我处理中')

    // 小张 sends with Enter; 小李, looking at the same item, presses Enter after it went: nothing more is sent.
    await zhang.page.locator('body').click({ position: { x: 5, y: 5 } })
    await zhang.page.keyboard.press('Enter')
    await waitFor(() => t!.world.said.length === 1, { timeoutMs: 15_000 })
    await poll(() => note(li).textContent()).toContain('小张 已发送')
    await li.page.locator('body').click({ position: { x: 5, y: 5 } })
    await li.page.keyboard.press('Enter')
    await settle(li)
    expect(li.decisions).toEqual([])
    expect(await li.page.locator('#detail').getAttribute('data-id')).toBe(String(id))

    // 小王 was typing all along: his pane says who sent it, and his Ctrl+Enter sends nothing.
    await poll(() => note(wang).textContent()).toContain('小张 已发送')
    expect(await wang.page.locator('#draft').inputValue()).toBe('张三您好，稍等我查一下')
    await wang.page.locator('#draft').press('Control+Enter')
    await settle(wang)
    expect(wang.decisions).toEqual([])

    const sent = await waitFor(async () => { const s = await t!.app.suggestions.get(id); return s.status === 'sent' ? s : undefined })
    expect(sent).toMatchObject({ decidedBy: '小张' })
    expect(t!.world.said).toHaveLength(1)
    expect(await t!.app.db.selectFrom('outbox').select('id').execute()).toHaveLength(1)
  })

  it('refreshes the pane when a decision names a version that changed meanwhile, keeping the typed words', async () => {
    t = await startTestApp(await makeWorkdir())
    const wang = await agent('小王')
    const id = await askAndWait([wang])
    await openQuestion(wang)
    await poll(() => wang.page.locator('#draft').inputValue()).toContain('查物流')
    await wang.page.locator('#draft').fill('张三您好，我来查')
    // The question is escalated past the SLA while 小王 types: the item's version moves on.
    const { escalateOverdue } = await import('../../src/escalation/sla-escalation.js')
    await escalateOverdue({ db: t.app.db, clock: () => new Date(Date.now() + 60 * 60_000), notify: t.app.suggestions.notify }, 15)
    await wang.page.getByRole('button', { name: /^发送/ }).click()
    await poll(() => wang.page.locator('.toast.error').textContent()).toContain('刚有变化')
    await poll(() => wang.page.locator('.escalation-detail').textContent()).toContain('超过 SLA')
    expect(await wang.page.locator('#draft').inputValue()).toBe('张三您好，我来查')
    // (The escalation itself tells the customer a human is coming; the reply is what must not have gone.)
    const replies = () => t!.world.said.filter((said) => said.includes('我来查'))
    expect(wang.decisions).toHaveLength(1)
    await settle(wang)
    expect(replies()).toEqual([])
    // Sent again on what is now on screen, it goes.
    await wang.page.getByRole('button', { name: /^发送/ }).click()
    await waitFor(() => replies().length === 1, { timeoutMs: 15_000 })
  })
})
