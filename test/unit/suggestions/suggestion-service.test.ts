import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { QunDeskError } from '../../../src/core/errors.js'
import type { InboundMessage } from '../../../src/core/inbound-message.js'
import { createLogger } from '../../../src/core/logger.js'
import type { ReplySender } from '../../../src/core/reply-sender.js'
import { listAudit } from '../../../src/storage/audit.repository.js'
import { type Db } from '../../../src/storage/create-db.js'
import { insertMessageOnce } from '../../../src/storage/message.repository.js'
import { createOutbox, UNPACED } from '../../../src/outbox/outbox.js'
import { createSuggestionService, type SuggestionService } from '../../../src/suggestions/suggestion-service.js'
import { createTestDb } from '../../support/test-database.js'

/** Records what would be said; can be told to fail, like a dropped puppet. */
function recordingSender() {
  const sent: Array<{ groupId: string; text: string; memberName?: string }> = []
  let failWith: QunDeskError | undefined
  const sender: ReplySender = {
    async sendToGroup(groupId, text, mention) {
      await new Promise((r) => setTimeout(r, 5))
      if (failWith) throw failWith
      sent.push({ groupId, text, ...(mention ? { memberName: mention.memberName } : {}) })
    },
  }
  return { sender, sent, fail: (e?: QunDeskError) => { failWith = e } }
}

const asked = new Date('2026-11-23T08:00:00.000Z')
let now = new Date(asked.getTime() + 42_000)
let db: Db
let rec: ReturnType<typeof recordingSender>
let service: SuggestionService

async function message(id: string, question = '我的快递到哪了'): Promise<InboundMessage> {
  const msg: InboundMessage = { id, channel: 'test', groupId: 'g1@chatroom', groupName: '测试群', senderId: 'c1', senderName: '张三', text: `@客服助手 ${question}`, question, mentionsBot: true, fromSelf: false, sentAt: asked }
  await insertMessageOnce(db, { id, channel: 'test', group_id: msg.groupId, group_name: msg.groupName, sender_id: 'c1', sender_name: '张三', text: msg.text, question, mentions_bot: 1, from_self: 0, sent_at: asked.toISOString(), received_at: asked.toISOString(), status: 'received' })
  return msg
}

beforeEach(async () => {
  now = new Date(asked.getTime() + 42_000)
  db = await createTestDb()
  rec = recordingSender()
  const logger = createLogger({ level: 'silent' })
  const outbox = createOutbox({ db, clock: () => now, logger, sender: rec.sender, options: UNPACED })
  service = createSuggestionService({ db, outbox, clock: () => now, logger })
  outbox.handle('suggestion', service.onSendOutcome)
})
afterEach(async () => db.destroy())

describe('suggestion service', () => {
  it('records the response time from the question to the reply', async () => {
    const s = await service.create({ message: await message('m1'), intentId: 'logistics.track', score: 0.9, text: '张三您好', autoSend: false })
    const sent = await service.send(s.id, { actor: 'agent:小王' })
    expect(sent).toMatchObject({ status: 'sent', decision: 'sent', decidedBy: 'agent:小王', responseMs: 42_000, finalText: '张三您好' })
    expect(rec.sent).toEqual([{ groupId: 'g1@chatroom', text: '张三您好', memberName: '张三' }])
  })

  it('lets exactly one of two simultaneous sends through; the other gets a conflict that says who sent it', async () => {
    const s = await service.create({ message: await message('m1'), intentId: 'x', score: 0.9, text: '您好', autoSend: false })
    const results = await Promise.allSettled([service.send(s.id, { actor: 'agent:甲' }), service.send(s.id, { actor: 'agent:乙' })])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(failed.reason).toBeInstanceOf(QunDeskError)
    expect(failed.reason.code).toBe('conflict')
    expect(failed.reason.message).toMatch(/agent:(甲|乙)/)
    expect(rec.sent).toHaveLength(1)
  })

  it('marks a suggestion failed with the error after the last attempt, audits it, and lets an agent send it again', async () => {
    const s = await service.create({ message: await message('m1'), intentId: 'x', score: 0.9, text: '您好', autoSend: false })
    rec.fail(new QunDeskError('channel_unavailable', '机器人账号未登录，无法发送'))
    await expect(service.send(s.id, { actor: 'agent:甲' })).rejects.toMatchObject({ code: 'channel_unavailable' })
    expect(await service.get(s.id)).toMatchObject({ status: 'failed', decidedBy: 'agent:甲', lastError: '机器人账号未登录，无法发送' })
    rec.fail(undefined)
    expect(await service.send(s.id, { actor: 'agent:甲' })).toMatchObject({ status: 'sent', lastError: null })
    expect((await listAudit(db)).map((a) => a.action).reverse()).toEqual(['suggestion.send_failed', 'suggestion.sent'])
  })

  it('leaves an auto-send that failed for an agent, marked failed with the error', async () => {
    rec.fail(new QunDeskError('channel_unavailable', '断线'))
    const s = await service.create({ message: await message('m1'), intentId: 'x', score: 0.99, text: '您好', autoSend: true })
    expect(s).toMatchObject({ status: 'failed', lastError: '断线' })
    rec.fail(undefined)
    await expect(service.reject(s.id, { actor: 'agent:甲', reason: '已在群里人工回复' })).resolves.toMatchObject({ status: 'rejected' })
  })

  it('creates one suggestion per message even if asked twice', async () => {
    const msg = await message('m1')
    const a = await service.create({ message: msg, intentId: 'x', score: 0.9, text: '您好', autoSend: false })
    const b = await service.create({ message: msg, intentId: 'x', score: 0.9, text: '您好', autoSend: false })
    expect(b.id).toBe(a.id)
    expect(await service.list()).toHaveLength(1)
  })

  it('publishes created and updated events for live views', async () => {
    const events: string[] = []
    const off = service.subscribe((e) => events.push(`${e.type}:${e.suggestion.status}`))
    const s = await service.create({ message: await message('m1'), intentId: null, score: null, text: null, autoSend: false })
    await service.reject(s.id, { actor: 'agent:甲', reason: '不是问题' })
    off()
    await service.create({ message: await message('m2'), intentId: null, score: null, text: null, autoSend: false })
    expect(events).toEqual(['created:pending', 'updated:rejected'])
  })
})
