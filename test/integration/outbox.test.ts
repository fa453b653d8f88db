import { afterEach, describe, expect, it } from 'vitest'
import { openDb } from '../../src/storage/create-db.js'
import { INTERRUPTED_SEND } from '../../src/outbox/outbox.js'
import { listAudit } from '../../src/storage/audit.repository.js'
import type { Suggestion } from '../../src/suggestions/suggestion.js'
import { loadConfig } from '../../src/config/load-config.js'
import { makeWorkdir, startTestApp, testEnv, waitFor, type TestApp } from './test-context.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

async function askAndWait(app: TestApp, question: string): Promise<Suggestion> {
  const before = (await app.app.suggestions.list()).length
  app.world.ask(app.world.alice, question)
  return waitFor(async () => {
    const list = await app.app.suggestions.list()
    return list.length > before ? list[0] : undefined
  })
}

describe('outbox: every send is stored, paced, retried and never doubled (mock puppet, SQLite, HTTP)', () => {
  it('paces approvals into one group: the first goes at once, the rest are accepted (202) and go out in order', async () => {
    t = await startTestApp(await makeWorkdir(), { env: { QUNDESK_SEND_GROUP_INTERVAL_MS: '400', QUNDESK_SEND_JITTER_MS: '100' } })
    const questions = ['我的快递到哪了', '怎么开发票', '退款多久到']
    const suggestions: Suggestion[] = []
    for (const q of questions) suggestions.push(await askAndWait(t, q))
    const replies = await Promise.all(suggestions.map((s) => t!.api<{ status: string }>('POST', `/api/suggestions/${s.id}/send`)))
    expect(replies.map((r) => r.status).sort()).toEqual([200, 202, 202])
    expect(replies.filter((r) => r.body.status === 'sending')).toHaveLength(2)
    await waitFor(() => t!.world.said.length === 3)
    for (const s of suggestions) await waitFor(async () => (await t!.app.suggestions.get(s.id)).status === 'sent')
    // In approval order (the order the outbox took them: concurrent requests may commit in any order), each once,
    // and the audit log has one send per suggestion.
    const queued = await t.app.db.selectFrom('outbox').select('source').orderBy('id').execute()
    const approvalOrder = queued.map((r) => suggestions.findIndex((s) => r.source === `suggestion:${s.id}`))
    expect([...approvalOrder].sort()).toEqual([0, 1, 2])
    expect(t.world.said.map((text) => suggestions.findIndex((s) => text.includes(s.text!.slice(0, 8))))).toEqual(approvalOrder)
    const audit = await listAudit(t.app.db)
    expect(audit.filter((a) => a.action === 'suggestion.sent')).toHaveLength(3)
    expect((await t.api<{ outbox: Record<string, number> }>('GET', '/api/health')).body.outbox).toEqual({ queued: 0, sending: 0, sent: 3, failed: 0 })
  })

  it('queues replies while the account is offline, shows it in health, and sends them when it is back', async () => {
    t = await startTestApp(await makeWorkdir())
    const s = await askAndWait(t, '我的快递到哪了')
    await t.world.puppet.logout()
    await waitFor(() => !t!.app.channel.isLoggedIn())
    const health = await t.api<{ status: string; channel: { state: string } }>('GET', '/api/health')
    expect(health.body).toMatchObject({ status: 'degraded', channel: { state: 'offline' } })

    const res = await t.api<{ status: string; lastError: string }>('POST', `/api/suggestions/${s.id}/send`)
    expect(res).toMatchObject({ status: 202, body: { status: 'sending', lastError: expect.stringContaining('离线') } })
    expect((await t.api<{ outbox: { queued: number } }>('GET', '/api/health')).body.outbox.queued).toBe(1)
    expect(t.world.said).toEqual([])

    t.world.login()
    await waitFor(() => t!.world.said.length === 1)
    expect(await waitFor(async () => { const x = await t!.app.suggestions.get(s.id); return x.status === 'sent' ? x : undefined })).toMatchObject({ decidedBy: 'api', lastError: null })
    expect(t.world.said).toHaveLength(1)
  })

  it('marks a reply failed after its retries and lets an agent send it again from the failed state', async () => {
    t = await startTestApp(await makeWorkdir(), { env: { QUNDESK_SEND_MAX_ATTEMPTS: '1' } })
    const s = await askAndWait(t, '我的快递到哪了')
    // The platform refuses the text (as WeChat does to a flagged account).
    const original = t.world.puppet.messageSendText.bind(t.world.puppet)
    t.world.puppet.messageSendText = async () => { throw new Error('消息发送过于频繁') }
    const failed = await t.api<{ error: string; message: string }>('POST', `/api/suggestions/${s.id}/send`)
    expect(failed).toMatchObject({ status: 503, body: { error: 'channel_unavailable', message: expect.stringContaining('消息发送过于频繁') } })
    expect(await t.app.suggestions.get(s.id)).toMatchObject({ status: 'failed', lastError: expect.any(String) })
    expect((await t.api<Suggestion[]>('GET', '/api/suggestions?status=failed')).body.map((x) => x.id)).toEqual([s.id])
    expect((await t.api<{ status: string }>('GET', '/api/health')).body.status).toBe('degraded')

    t.world.puppet.messageSendText = original
    expect(await t.api('POST', `/api/suggestions/${s.id}/send`, { text: '张三您好，物流已更新，请查看「我的订单」。' })).toMatchObject({ status: 200, body: { status: 'sent' } })
    expect(await t.app.suggestions.get(s.id)).toMatchObject({ status: 'sent', decision: 'edited' })
    await waitFor(() => t!.world.said.length === 1)
    expect((await listAudit(t.app.db)).map((a) => a.action).filter((a) => a.startsWith('suggestion.')).reverse()).toEqual(['suggestion.send_failed', 'suggestion.edited'])
  })

  it('after a crash in the middle of a send, shows the reply as failed (it may have gone out) and never sends it again by itself', async () => {
    const work = await makeWorkdir()
    t = await startTestApp(work)
    const s = await askAndWait(t, '我的快递到哪了')
    await t.stop()
    t = undefined
    // What a SIGKILL between "handed to the channel" and "recorded as sent" leaves behind.
    const db = await openDb(loadConfig(testEnv(work)))
    await db.updateTable('suggestions').set({ status: 'sending', decided_by: 'agent:小王', decided_at: new Date().toISOString() }).where('id', '=', s.id).execute()
    await db.insertInto('outbox').values({
      source: `suggestion:${s.id}`, group_id: s.groupId, text: s.text!, actor: 'agent:小王', status: 'sending', attempts: 1,
      next_attempt_at: new Date().toISOString(), created_at: new Date().toISOString(),
      mention_member_id: s.memberId, mention_member_name: s.memberName, reply_to_message_id: s.messageId,
    }).execute()
    await db.destroy()

    t = await startTestApp(work)
    expect(await t.app.suggestions.get(s.id)).toMatchObject({ status: 'failed', lastError: INTERRUPTED_SEND })
    await new Promise((r) => setTimeout(r, 300))
    expect(t.world.said).toEqual([])
  })
})
