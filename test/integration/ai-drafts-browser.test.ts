/// <reference lib="dom" />
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeChatServer, type FakeChatServer } from '../support/fake-chat-server.js'
import { loginThroughForm, screenshot, useBrowser } from './browser.js'
import { login } from './console-session.js'
import { makeWorkdir, startTestApp, waitFor } from './test-context.js'

const PASSWORD = '管理密码-0123456789'
const DRAFT = '您好，请在「我的订单」→「申请开票」重新填写抬头，电子发票 1 个工作日内发到邮箱。'
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 })
const browser = useBrowser()
let llm: FakeChatServer | undefined
afterEach(async () => {
  await llm?.close()
  llm = undefined
})

describe('AI drafts in the console', () => {
  it('an admin opts a group in under 用户与设置; the queue shows 「AI 草稿」, its intents and the draft', async () => {
    llm = await startFakeChatServer()
    llm.state.reply = { kind: 'stream', text: DRAFT }
    const t = browser.adopt(await startTestApp(await makeWorkdir(), { env: { QUNDESK_LLM_URL: llm.baseUrl, QUNDESK_LLM_MODEL: 'qwen-test' } }))
    const { world, app } = t
    // A first question makes the group known to the console's group list.
    world.ask(world.bob, '能开发票吗')
    await waitFor(async () => (await app.suggestions.list()).length === 1)
    await app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
    const page = await browser.newPage()
    await loginThroughForm(page, app.url, '老板', PASSWORD, '/admin')

    const form = page.locator('#ai-draft-form')
    await form.getByLabel('VIP客户群').check()
    await form.getByRole('button', { name: '保存' }).click()
    await poll(() => form.locator('.status').textContent()).toBe('已保存：1 个群开启 AI 草稿')

    world.ask(world.alice, '发票抬头开错了怎么办')
    await waitFor(async () => (await app.suggestions.list()).some((s) => s.aiDraft !== null))
    await page.goto(`${app.url}/`)
    const item = page.getByRole('option').filter({ hasText: '发票抬头开错了怎么办' })
    await poll(() => item.locator('.badge.ai-draft').textContent()).toBe('AI 草稿')
    await item.click()
    await poll(() => page.locator('.ai-draft-sources').textContent()).toContain('invoice.issue、logistics.track、returns.refund')
    await poll(() => page.getByLabel('回复内容').inputValue()).toBe(DRAFT)
    await screenshot(page, 'queue-ai-draft')
    expect(world.said).toEqual([])

    // 报表 → AI 草稿: one request, drafted, with the server's token counts.
    await page.goto(`${app.url}/reports`)
    const cells = page.locator('#ai-drafts td')
    await poll(() => cells.allTextContents()).toEqual(['1', '1', '0', '0', '0', '0', '0', '0', '420', '36', '0', '0.0000'])
  })

  it('an agent who opened the item before the AI draft came sees it arrive in the reply box; a colleague typing in theirs keeps their words', async () => {
    llm = await startFakeChatServer()
    // Slow enough for both agents to open their item first.
    llm.state.reply = { kind: 'stream', text: DRAFT, firstByteDelayMs: 6000 }
    const t = browser.adopt(await startTestApp(await makeWorkdir(), { env: { QUNDESK_LLM_URL: llm.baseUrl, QUNDESK_LLM_MODEL: 'qwen-test' } }))
    const { world, app } = t
    for (const [name, role] of [['老板', 'admin'], ['小王', 'agent'], ['小李', 'agent']] as const) await app.auth.addUser({ name, role, password: PASSWORD, actor: 'test' })
    const admin = (await login(app.url, '老板', PASSWORD)).session!
    expect((await admin.call('PUT', '/api/settings', { aiDraftGroups: ['VIP客户群'] })).status).toBe(200)

    const [wang, li] = [await browser.newPage(), await browser.newPage()]
    await loginThroughForm(wang, app.url, '小王', PASSWORD)
    await loginThroughForm(li, app.url, '小李', PASSWORD)
    world.ask(world.alice, '发票抬头开错了怎么办')
    world.ask(world.bob, '发票抬头写错了能改吗')
    await wang.getByRole('listbox', { name: '建议列表' }).getByRole('option').filter({ hasText: '发票抬头开错了怎么办' }).click()
    await li.getByRole('listbox', { name: '建议列表' }).getByRole('option').filter({ hasText: '发票抬头写错了能改吗' }).click()
    await li.getByLabel('回复内容').fill('您好，我来帮您改抬头')
    expect(await app.db.selectFrom('ai_drafts').select('id').execute()).toEqual([]) // both opened before any draft

    await poll(() => wang.getByLabel('回复内容').inputValue()).toBe(DRAFT)
    await poll(() => wang.locator('.ai-draft-sources').textContent()).toContain('invoice.issue')
    await waitFor(async () => (await app.db.selectFrom('ai_drafts').select('outcome').execute()).length === 2)
    expect((await app.db.selectFrom('ai_drafts').select('outcome').execute()).map((r) => r.outcome)).toEqual(['drafted', 'drafted'])
    // 小李's pane got the same live update; what she typed stays.
    await new Promise((r) => setTimeout(r, 500))
    expect(await li.getByLabel('回复内容').inputValue()).toBe('您好，我来帮您改抬头')
    expect(world.said).toEqual([])
  })
})
