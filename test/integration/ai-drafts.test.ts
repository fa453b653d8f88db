import { afterEach, describe, expect, it } from 'vitest'
import type { Report } from '../../src/core/report.js'
import type { Suggestion } from '../../src/suggestions/suggestion.js'
import { FAKE_USAGE, startFakeChatServer, type FakeChatServer } from '../support/fake-chat-server.js'
import { captureLog } from '../support/wecom-test-kit.js'
import { login } from './console-session.js'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

let t: TestApp | undefined
let llm: FakeChatServer | undefined
afterEach(async () => {
  await t?.stop()
  await llm?.close()
  t = undefined
  llm = undefined
})

const API_KEY = 'sk-qundesk-test-4f1c9e2ab7d35508'
const PASSWORD = '管理密码-0123456789'
/** Below the threshold in kb-small-shop (needs a human), with invoice.issue, logistics.track and returns.refund ranked. */
const QUESTION = '发票抬头开错了怎么办'
const DRAFT = '您好，请在「我的订单」→「申请开票」重新填写抬头，电子发票 1 个工作日内发到邮箱。'

async function start(options: { timeoutMs?: number; optIn?: string[] } = {}) {
  llm = await startFakeChatServer()
  const log = captureLog()
  t = await startTestApp(await makeWorkdir(), {
    logger: log.logger,
    env: {
      QUNDESK_LLM_URL: llm.baseUrl, QUNDESK_LLM_MODEL: 'qwen-test', QUNDESK_LLM_API_KEY: API_KEY,
      QUNDESK_LLM_TIMEOUT_MS: String(options.timeoutMs ?? 5000), QUNDESK_LLM_PRICE_INPUT_PER_1K: '0.002', QUNDESK_LLM_PRICE_OUTPUT_PER_1K: '0.006',
    },
  })
  await t.app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
  const admin = (await login(t.app.url, '老板', PASSWORD)).session!
  expect((await admin.call('PUT', '/api/settings', { aiDraftGroups: options.optIn ?? ['VIP客户群'] })).status).toBe(200)
  return { t, llm, log, admin }
}

/** Asks in the VIP group and returns the suggestion as soon as it is in the queue. */
async function ask(app: TestApp, question = QUESTION, who: 'alice' | 'bob' = 'alice'): Promise<Suggestion> {
  const before = new Set((await app.app.suggestions.list()).map((s) => s.id))
  app.world.ask(app.world[who], question)
  return waitFor(async () => (await app.app.suggestions.list()).find((s) => !before.has(s.id)), { intervalMs: 5 })
}

const draftRow = (app: TestApp, suggestionId: number) => app.app.db.selectFrom('ai_drafts').selectAll().where('suggestion_id', '=', suggestionId).executeTakeFirst()

describe('the optional AI drafter (loopback OpenAI-compatible server)', () => {
  it('queues the question at once, then fills in 「AI 草稿」 grounded in the top intents; never sends it; tokens and cost reach the reports; the key never reaches the logs', async () => {
    const { t, llm, log } = await start()
    llm.state.reply = { kind: 'stream', text: DRAFT, chunkDelayMs: 150 }
    const events: Suggestion[] = []
    t.app.suggestions.subscribe((e) => { if (e.type === 'updated') events.push(e.suggestion) })

    const queued = await ask(t)
    // In the queue before the model has answered: no draft yet, nothing waits on the drafter.
    expect(queued).toMatchObject({ kind: 'needs_human', status: 'pending', text: null, aiDraft: null })
    expect(await draftRow(t, queued.id)).toBeUndefined()

    const drafted = await waitFor(async () => { const s = await t.app.suggestions.get(queued.id); return s.aiDraft ? s : undefined })
    expect(drafted).toMatchObject({ kind: 'needs_human', status: 'pending', text: DRAFT, aiDraft: { intentIds: ['invoice.issue', 'logistics.track', 'returns.refund'] } })
    expect(drafted.version).toBe(queued.version + 1)
    // Consoles hear of the draft too. On PostgreSQL the event travels through LISTEN/NOTIFY after the commit, so it
    // may arrive just after the row reads back drafted.
    await waitFor(() => events.some((e) => e.id === queued.id && e.aiDraft !== null))

    // The prompt: the three ranked answers and nothing else of the knowledge; the question in its tags; the key as bearer.
    const request = llm.state.requests[0]!
    expect(request.authorization).toBe(`Bearer ${API_KEY}`)
    expect(request.body).toMatchObject({ model: 'qwen-test', stream: true, stream_options: { include_usage: true } })
    const [system, user] = request.body.messages!
    expect(system!.content).toContain('[1] 意图 invoice.issue\n回答：您好，请在「我的订单」→「申请开票」填写抬头')
    expect(system!.content).not.toContain('service.hours')
    expect(user!.content).toBe(`<question>\n${QUESTION}\n</question>`)

    // The API shows the label's data; nothing went to the group.
    const listed = await t.api<Array<{ id: number; aiDraft: unknown }>>('GET', '/api/suggestions?status=pending')
    expect(listed.body.find((s) => s.id === queued.id)?.aiDraft).toEqual({ intentIds: ['invoice.issue', 'logistics.track', 'returns.refund'] })
    await new Promise((r) => setTimeout(r, 200))
    expect(t.world.said).toEqual([])
    expect(await draftRow(t, queued.id)).toMatchObject({
      outcome: 'drafted', error: null, model: 'qwen-test', prompt_tokens: FAKE_USAGE.prompt_tokens, completion_tokens: FAKE_USAGE.completion_tokens, tokens_estimated: 0,
    })

    // Nothing may send it as the bot (the auto-send path's actor): the queue refuses, whatever called it.
    await expect(t.app.suggestions.send(queued.id, { actor: 'bot' })).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('AI 草稿') })
    expect((await t.app.suggestions.get(queued.id)).status).toBe('pending')
    expect(await t.app.db.selectFrom('outbox').selectAll().execute()).toEqual([])

    // An agent sends it as drafted: counted as sent unchanged.
    const sent = await t.api('POST', `/api/suggestions/${queued.id}/send`, { actor: '小王', version: drafted.version })
    expect([200, 202]).toContain(sent.status)
    await waitFor(async () => (await t.app.suggestions.get(queued.id)).status === 'sent')
    expect((await t.app.suggestions.get(queued.id)).decision).toBe('sent')

    const report = await t.api<Report>('GET', '/api/reports')
    expect(report.body.aiDrafts).toEqual({
      requested: 1, drafted: 1, failed: 0, timedOut: 0, superseded: 0, sentUnchanged: 1, edited: 0, rejected: 0,
      promptTokens: 420, completionTokens: 36, estimatedTokens: 0, cost: (420 * 0.002 + 36 * 0.006) / 1000,
    })

    // The opt-in was audited like any setting change.
    const audit = await t.app.db.selectFrom('audit_log').select(['subject_id']).where('action', '=', 'setting.changed').execute()
    expect(audit.map((a) => a.subject_id)).toContain('aiDraftGroups')

    const everything = log.raw.join('\n')
    expect(everything).toContain('AI draft attached')
    expect(everything).not.toContain(API_KEY)
    expect(everything).not.toContain(API_KEY.slice(3))
  })

  it('asks nothing for a group that did not opt in (the default is none)', async () => {
    const { t, llm } = await start({ optIn: [] })
    const queued = await ask(t)
    const other = t.world.mocker.createRoom({ topic: '闲聊群', memberIdList: [t.world.me.id, t.world.alice.id] })
    t.world.alice.say(`@客服助手\u2005${QUESTION}`, [t.world.me]).to(other)
    await waitFor(async () => (await t.app.suggestions.list()).length === 2)
    await new Promise((r) => setTimeout(r, 300))
    expect(llm.state.requests).toEqual([])
    expect(await t.app.db.selectFrom('ai_drafts').selectAll().execute()).toEqual([])
    expect((await t.app.suggestions.get(queued.id)).aiDraft).toBeNull()
  })

  it('leaves the item as it was when the server refuses (500, 429), breaks the stream or is slower than the timeout, and counts each', async () => {
    const { t, llm } = await start({ timeoutMs: 600 })
    const cases = [
      { reply: { kind: 'status', status: 500, message: 'internal error' }, outcome: 'failed', error: 'http_500', billed: false },
      { reply: { kind: 'status', status: 429, message: 'Rate limit reached' }, outcome: 'failed', error: 'http_429', billed: false },
      // Accepted, then broken or too slow: the server read the prompt, so it counts (estimated).
      { reply: { kind: 'malformed' }, outcome: 'failed', error: 'malformed_stream', billed: true },
      { reply: { kind: 'slow', delayMs: 5000, text: '太晚了' }, outcome: 'timeout', error: 'timeout', billed: true },
    ] as const
    for (const [i, c] of cases.entries()) {
      llm.state.reply = c.reply
      const started = Date.now()
      const queued = await ask(t, QUESTION, i % 2 === 0 ? 'alice' : 'bob')
      // Queued without waiting for the model (the slow one answers after 5 s, the timeout is 0.6 s).
      expect(Date.now() - started).toBeLessThan(4000)
      expect(queued.text).toBeNull()
      const row = await waitFor(() => draftRow(t, queued.id))
      expect(row).toMatchObject({ outcome: c.outcome, error: c.error, completion_tokens: 0, tokens_estimated: c.billed ? 1 : 0 })
      expect(row!.prompt_tokens > 0).toBe(c.billed)
      const after = await t.app.suggestions.get(queued.id)
      expect(after).toMatchObject({ status: 'pending', text: null, aiDraft: null, version: queued.version })
    }
    const report = await t.api<Report>('GET', '/api/reports')
    expect(report.body.aiDrafts).toMatchObject({ requested: 4, drafted: 0, failed: 3, timedOut: 1, completionTokens: 0 })
    expect(report.body.aiDrafts.cost).toBeGreaterThan(0)
    expect(t.world.said.filter((s) => s.includes('太晚了'))).toEqual([])
  })

  it('a draft arriving after an agent opened the item lands in their pane; one arriving after a decision is dropped (counted as superseded)', async () => {
    const { t, llm } = await start()
    llm.state.reply = { kind: 'stream', text: DRAFT, chunkDelayMs: 400 }

    const opened = await ask(t)
    await t.app.suggestions.claim(opened.id, { actor: '小王' })
    expect((await waitFor(() => draftRow(t, opened.id))).outcome).toBe('drafted')
    expect(await t.app.suggestions.get(opened.id)).toMatchObject({ status: 'pending', text: DRAFT, aiDraft: expect.anything(), claimedBy: '小王' })

    const decided = await ask(t, QUESTION, 'bob')
    await t.app.suggestions.reject(decided.id, { actor: '小李', reason: '已私聊' })
    expect((await waitFor(() => draftRow(t, decided.id))).outcome).toBe('superseded')
    expect(await t.app.suggestions.get(decided.id)).toMatchObject({ status: 'rejected', text: null, aiDraft: null })

    const report = await t.api<Report>('GET', '/api/reports')
    // Tokens were spent on the dropped draft too.
    expect(report.body.aiDrafts).toMatchObject({ requested: 2, drafted: 1, superseded: 1, promptTokens: 840, completionTokens: 72 })
  })
})
