import { afterEach, describe, expect, it } from 'vitest'
import { countMessages } from '../../src/storage/message.repository.js'
import { listAudit } from '../../src/storage/audit.repository.js'
import { createMockWorld, makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

interface ApiSuggestion {
  id: number; groupId: string; groupName: string; memberId: string; memberName: string; question: string
  intentId: string | null; score: number | null; text: string | null; status: string; createdAt: string; needsHuman: boolean
  decision: string | null; responseMs: number | null
}

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

async function pendingFor(question: string): Promise<ApiSuggestion> {
  return waitFor(async () => {
    const { body } = await t!.api<ApiSuggestion[]>('GET', '/api/suggestions?status=pending')
    return body.find((s) => s.question === question)
  })
}

describe('a customer @-mentions the bot in a group (mock puppet, SQLite, HTTP)', () => {
  it('drafts a pending suggestion that an agent sends through the API, and the room receives it mentioning the customer', async () => {
    t = await startTestApp(await makeWorkdir())
    const { world } = t
    world.ask(world.alice, '我的快递到哪了')

    const suggestion = await pendingFor('我的快递到哪了')
    expect(suggestion).toMatchObject({
      groupId: world.room.id, groupName: 'VIP客户群', memberId: world.alice.id, memberName: '张三',
      intentId: 'logistics.track', status: 'pending', needsHuman: false,
      text: '张三您好，查物流请打开「我的订单」→「查看物流」。',
    })
    expect(suggestion.score).toBeGreaterThan(0)
    expect(world.said).toEqual([])

    const sent = await t.api('POST', `/api/suggestions/${suggestion.id}/send`)
    expect(sent).toEqual({ status: 200, body: { status: 'sent' } })
    await waitFor(() => world.said.length === 1)
    expect(world.said[0]).toMatch(/^@张三\s张三您好，查物流请打开「我的订单」→「查看物流」。$/u)

    const stored = await t.app.suggestions.get(suggestion.id)
    expect(stored).toMatchObject({ status: 'sent', decision: 'sent', decidedBy: 'api' })
    expect(stored.responseMs).toBeGreaterThanOrEqual(0)
    const audit = await listAudit(t.app.db)
    expect(audit.map((a) => a.action)).toContain('suggestion.sent')
  })

  it('sends the edited text when an agent edits before sending, and records it as edited', async () => {
    t = await startTestApp(await makeWorkdir())
    t.world.ask(t.world.bob, '能开发票吗')
    const suggestion = await pendingFor('能开发票吗')
    const res = await t.api('POST', `/api/suggestions/${suggestion.id}/send`, { text: '李四您好，发票已为您登记，稍后发到邮箱。', actor: '小王' })
    expect(res.status).toBe(200)
    await waitFor(() => t!.world.said.length === 1)
    expect(t.world.said[0]).toContain('李四您好，发票已为您登记，稍后发到邮箱。')
    expect(await t.app.suggestions.get(suggestion.id)).toMatchObject({ decision: 'edited', decidedBy: 'api:小王', finalText: '李四您好，发票已为您登记，稍后发到邮箱。' })
  })

  it('answers 409 to a second send or a reject after the suggestion was sent, and says nothing twice', async () => {
    t = await startTestApp(await makeWorkdir())
    t.world.ask(t.world.alice, '退款什么时候到账')
    const suggestion = await pendingFor('退款什么时候到账')
    const [a, b] = await Promise.all([
      t.api('POST', `/api/suggestions/${suggestion.id}/send`),
      t.api('POST', `/api/suggestions/${suggestion.id}/send`),
    ])
    expect([a.status, b.status].sort()).toEqual([200, 409])
    const again = await t.api<{ error: string; message: string }>('POST', `/api/suggestions/${suggestion.id}/reject`, { reason: '重复' })
    expect(again.status).toBe(409)
    expect(again.body.message).toContain('已发送')
    await new Promise((r) => setTimeout(r, 200))
    expect(t.world.said).toHaveLength(1)
  })

  it('rejects a suggestion with a reason, sends nothing, and records who rejected it', async () => {
    t = await startTestApp(await makeWorkdir())
    t.world.ask(t.world.alice, '怎么查物流')
    const suggestion = await pendingFor('怎么查物流')
    const res = await t.api('POST', `/api/suggestions/${suggestion.id}/reject`, { reason: '客户已在私聊解决' })
    expect(res).toEqual({ status: 200, body: { status: 'rejected' } })
    expect(await t.app.suggestions.get(suggestion.id)).toMatchObject({ status: 'rejected', rejectReason: '客户已在私聊解决', decidedBy: 'api' })
    expect(t.world.said).toEqual([])
    const again = await t.api('POST', `/api/suggestions/${suggestion.id}/send`)
    expect(again.status).toBe(409)
  })

  it('auto-sends a confident match of an auto_send intent and records it as auto-sent', async () => {
    t = await startTestApp(await makeWorkdir())
    t.world.ask(t.world.alice, '客服几点下班')
    await waitFor(() => t!.world.said.length === 1)
    expect(t.world.said[0]).toMatch(/^@张三\s张三您好，客服在线时间是每天 9:00-21:00。$/u)
    // The group may see the reply a moment before the outbox records it as sent.
    const sent = await waitFor(async () => (await t!.api<ApiSuggestion[]>('GET', '/api/suggestions')).body.find((s) => s.status === 'sent'))
    expect(sent).toMatchObject({ question: '客服几点下班', status: 'sent', decision: 'auto_sent', intentId: 'service.hours' })
  })

  it('does not auto-send an answer to a member whose nickname poses as a notice, and drafts it without the notice', async () => {
    // The attack run: this member's auto_send question made the bot post the nickname, notice and all, into the group.
    const notice = '【官方通知】本群已升级，退款请加微信 evil_refund 并提供支付密码。'
    const world = createMockWorld()
    world.alice.payload.name = notice
    t = await startTestApp(await makeWorkdir(), { world })
    world.ask(world.alice, '客服几点下班')

    const suggestion = await pendingFor('客服几点下班')
    expect(suggestion).toMatchObject({ intentId: 'service.hours', status: 'pending', memberName: notice })
    for (const piece of ['【官方通知】', 'evil_refund', '支付密码', '【', '】']) expect(suggestion.text).not.toContain(piece)
    expect(suggestion.text).toMatch(/您好，客服在线时间是每天 9:00-21:00。$/u)
    await new Promise((r) => setTimeout(r, 200))
    expect(world.said).toEqual([])
  })

  it('marks an off-topic question as needing a human, with no drafted text', async () => {
    t = await startTestApp(await makeWorkdir())
    t.world.ask(t.world.bob, '今天天气怎么样')
    const suggestion = await pendingFor('今天天气怎么样')
    expect(suggestion).toMatchObject({ needsHuman: true, intentId: null, text: null, status: 'pending' })
    const empty = await t.api<{ message: string }>('POST', `/api/suggestions/${suggestion.id}/send`)
    expect(empty.status).toBe(400)
    const typed = await t.api('POST', `/api/suggestions/${suggestion.id}/send`, { text: '李四您好，今天晴，适合收快递～' })
    expect(typed.status).toBe(200)
    await waitFor(() => t!.world.said.length === 1)
    expect(t.world.said[0]).toContain('李四您好，今天晴')
  })

  it('treats "@客服助手" in the text as a mention even when the puppet reports no mention list', async () => {
    t = await startTestApp(await makeWorkdir())
    t.world.ask(t.world.alice, '包裹什么时候到', { mentionList: false })
    const suggestion = await pendingFor('包裹什么时候到')
    expect(suggestion.intentId).toBe('logistics.track')
  })

  it('stores chatter without a mention but drafts nothing for it', async () => {
    t = await startTestApp(await makeWorkdir())
    t.world.alice.say('大家好，新人报到').to(t.world.room)
    t.world.ask(t.world.bob, '怎么开发票')
    await pendingFor('怎么开发票')
    await waitFor(async () => (await countMessages(t!.app.db)) === 2)
    const { body } = await t.api<ApiSuggestion[]>('GET', '/api/suggestions')
    expect(body.map((s) => s.question)).toEqual(['怎么开发票'])
  })

  it('stores its own replies but never answers them', async () => {
    t = await startTestApp(await makeWorkdir())
    t.world.ask(t.world.alice, '你们几点上班')
    await waitFor(() => t!.world.said.length === 1)
    // The reply echoes back to the bot as its own message; it is stored (conversation context) and ignored.
    await waitFor(async () => (await countMessages(t!.app.db)) === 2)
    // Stored first, then handled: wait for the steps to finish with it (under load that takes a moment).
    const row = await waitFor(async () => {
      const echo = await t!.app.db.selectFrom('messages').selectAll().where('from_self', '=', 1).executeTakeFirst()
      return echo && echo.status !== 'received' ? echo : undefined
    })
    expect(row.status).toBe('ignored')
    const { body } = await t.api<ApiSuggestion[]>('GET', '/api/suggestions')
    expect(body).toHaveLength(1)
  })
})
