import { afterEach, describe, expect, it } from 'vitest'
import { systemClock } from '../../src/core/clock.js'
import { escalateOverdue } from '../../src/escalation/sla-escalation.js'
import { login } from './console-session.js'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

const pending = () => t!.app.suggestions.list({ status: 'pending' })
const ACK = /^@张三\s已为您转接人工客服，请稍候～$/u
const PASSWORD = '管理密码-0123456789'

/** PUT /api/settings as an admin in the console (settings are admin-only). */
async function settingsAs(app: TestApp['app']) {
  await app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
  const admin = (await login(app.url, '老板', PASSWORD)).session!
  return (body: unknown) => admin.call<{ message?: string }>('PUT', '/api/settings', body)
}

/** Waits until every customer message is through the steps, then a little for sends the events started. */
async function settled(customerMessages: number) {
  await waitFor(async () => {
    const rows = await t!.app.db.selectFrom('messages').select('status').where('from_self', '=', 0).execute()
    return rows.length === customerMessages && rows.every((r) => r.status !== 'received')
  })
  await waitFor(async () => (await t!.app.db.selectFrom('outbox').select('status').where('status', 'in', ['queued', 'sending']).execute()).length === 0)
}

describe('the customer hears that a person will answer (handoff acknowledgement)', () => {
  it('acknowledges 转人工 once in the group, however many angry lines follow, and again for a new question after an answer', async () => {
    t = await startTestApp(await makeWorkdir())
    t.world.ask(t.world.alice, '帮我转人工')
    await waitFor(() => t!.world.said.length === 1)
    expect(t.world.said[0]).toMatch(ACK)
    for (const line of ['怎么还没人理我？？', '太过分了，气死我了！！！我要投诉', '转人工转人工']) t.world.ask(t.world.alice, line)
    await settled(4)
    expect(t.world.said).toHaveLength(1)
    const rows = await t.app.db.selectFrom('outbox').select(['source', 'mention_member_id']).where('source', 'like', 'handoff:%').execute()
    expect(rows).toEqual([{ source: expect.stringMatching(/^handoff:/), mention_member_id: t.world.alice.id }])

    // Agents answer everything of hers; her next escalation is a new open question and is acknowledged again.
    for (const s of await pending()) await t.app.suggestions.reject(s.id, { actor: '小王', reason: '已电话联系' })
    t.world.ask(t.world.alice, '还是不行，转人工')
    await waitFor(() => t!.world.said.length === 2)
    expect(t.world.said[1]).toMatch(ACK)
  })

  it('says nothing for a routine question, and acknowledges an @-mention left past the SLA', async () => {
    t = await startTestApp(await makeWorkdir())
    t.world.ask(t.world.alice, '能开发票吗')
    await waitFor(async () => (await pending())[0])
    await settled(1)
    expect(t.world.said).toEqual([])
    await escalateOverdue({ db: t.app.db, clock: systemClock, notify: t.app.suggestions.notify }, 0)
    await waitFor(() => t!.world.said.length === 1)
    expect(t.world.said[0]).toMatch(ACK)
  })

  it('follows the settings: a text per reason and per group, silence for one reason or one group, or none at all', async () => {
    t = await startTestApp(await makeWorkdir())
    const room = t.world.room.id
    const put = await settingsAs(t.app)
    expect((await put({ handoffAckByReason: { keyword: '' }, handoffAckByGroup: { [room]: '本群客服马上来～' } })).status).toBe(200)
    t.world.ask(t.world.alice, '转人工')
    await settled(1)
    expect(t.world.said).toEqual([])
    t.world.ask(t.world.bob, '客服几点下班？再不回我就去12315投诉')
    await waitFor(() => t!.world.said.length === 1)
    expect(t.world.said[0]).toMatch(/^@李四\s本群客服马上来～$/u)

    expect((await put({ handoffAckByGroup: { [room]: '' }, handoffAckByReason: {} })).status).toBe(200)
    for (const s of await pending()) await t.app.suggestions.reject(s.id, { actor: '小王', reason: 'x' })
    t.world.ask(t.world.bob, '转人工')
    await settled(3)
    expect(t.world.said).toHaveLength(1)

    expect((await put({ handoffAckByGroup: {}, handoffAck: '' })).status).toBe(200)
    for (const s of await pending()) await t.app.suggestions.reject(s.id, { actor: '小王', reason: 'x' })
    t.world.ask(t.world.alice, '转人工')
    await settled(4)
    expect(t.world.said).toHaveLength(1)
  })

  it('refuses a text that is not one short line, and an unknown reason, with a clear message', async () => {
    t = await startTestApp(await makeWorkdir())
    const put = await settingsAs(t.app)
    const multi = await put({ handoffAck: '第一行\n第二行' })
    expect(multi.status).toBe(400)
    expect(multi.body.message).toContain('只能写一行')
    expect((await put({ handoffAck: '长'.repeat(201) })).status).toBe(400)
    const unknown = await put({ handoffAckByReason: { angry: '别急' } })
    expect(unknown.status).toBe(400)
    expect(unknown.body.message).toContain('不是转人工原因')
    expect((await t.api<{ handoffAck: string }>('GET', '/api/settings')).body.handoffAck).toBe('已为您转接人工客服，请稍候～')
  })
})
