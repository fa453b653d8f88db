import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { InboundMessage } from '../../../src/core/inbound-message.js'
import { createLogger } from '../../../src/core/logger.js'
import type { Intent } from '../../../src/knowledge/knowledge-base.js'
import { createSlotService, openRequestHints } from '../../../src/slots/slot-service.js'
import type { Db } from '../../../src/storage/create-db.js'
import { insertMessageOnce } from '../../../src/storage/message.repository.js'
import { openSlotRequest } from '../../../src/storage/slot-request.repository.js'
import { createTestDb } from '../../support/test-database.js'

const NOW = new Date('2026-12-03T10:00:00Z')
const TRACK: Intent = { id: 'logistics.track', examples: ['快递到哪了'], answer: '订单 {{order_id}} 已发出', autoSend: false, slots: ['order_id'], source: { file: 'k.yaml', line: 1 } }
const message = (id: string, senderId: string, question: string): InboundMessage => ({
  id, channel: 'wechaty', groupId: 'g1', groupName: 'VIP客户群', senderId, senderName: senderId, text: question, question, mentionsBot: true, fromSelf: false, sentAt: NOW,
})

let db: Db
let lookups = 0
beforeEach(async () => {
  db = await createTestDb()
  lookups = 0
})
afterEach(async () => { await db.destroy() })

/** A slot service that sees every request opened (as on SQLite), counting its per-message lookups. */
function service() {
  const counted = db.withPlugin({
    transformQuery: (args) => {
      const node = args.node as { kind: string; from?: { froms: Array<{ table?: { identifier?: { name?: string } } }> }; where?: unknown }
      if (node.kind === 'SelectQueryNode' && node.from?.froms[0]?.table?.identifier?.name === 'slot_requests' && JSON.stringify(node.where).includes('expires_at')) lookups += 1
      return args.node
    },
    transformResult: async (args) => args.result,
  })
  return createSlotService({
    db: counted, sender: { sendToGroup: async () => undefined }, suggestions: { create: async () => { throw new Error('not in this test') } },
    clock: () => NOW, logger: createLogger({ level: 'silent' }), opensEveryRequest: true,
  })
}

async function stored(m: InboundMessage): Promise<InboundMessage> {
  await insertMessageOnce(db, { id: m.id, channel: m.channel, group_id: m.groupId, group_name: m.groupName, sender_id: m.senderId, sender_name: m.senderName, text: m.text, question: m.question, mentions_bot: 1, from_self: 0, sent_at: NOW.toISOString(), received_at: NOW.toISOString(), status: 'received' })
  return m
}

describe('the slot service, when it opens every request (SQLite)', () => {
  it('skips the lookup for a member who owes no facts, and finds the reply of one it asked', async () => {
    const slots = service()
    expect(await slots.takeReply(message('m1', 'alice', '你好'))).toBeUndefined()
    expect(lookups).toBe(0)
    await slots.ask(await stored(message('q1', 'bob', '我的快递到哪了')), TRACK, ['order_id'], { score: 0.9, confident: true })
    expect(await slots.takeReply(message('m2', 'bob', '订单号 DD20261203001'))).toMatchObject({ kind: 'filled', values: { order_id: 'DD20261203001' } })
    expect(lookups).toBe(1)
    // Filled: one lookup finds nothing more, after which Bob's messages skip it too.
    expect(await slots.takeReply(message('m3', 'bob', '谢谢'))).toBeUndefined()
    expect(await slots.takeReply(message('m4', 'bob', '还有别的问题'))).toBeUndefined()
    expect(lookups).toBe(2)
  })

  it('finds a request opened before it started (the last run asked, the customer answers after a restart)', async () => {
    await stored(message('q1', 'bob', '我的快递到哪了'))
    await openSlotRequest(db, {
      messageId: 'q1', groupId: 'g1', memberId: 'bob', intentId: TRACK.id, question: '我的快递到哪了', slots: ['order_id'],
      askedAt: NOW.toISOString(), expiresAt: new Date(NOW.getTime() + 60_000).toISOString(), match: { score: 0.9, confident: true },
    })
    const slots = service()
    expect(await slots.takeReply(message('m1', 'bob', 'DD20261203001'))).toMatchObject({ kind: 'filled', intentId: TRACK.id })
  })
})

describe('openRequestHints', () => {
  it('keeps a pair whose lookup found nothing while a request for it was being stored', async () => {
    const hints = openRequestHints(async () => [{ group_id: 'g1', member_id: 'bob' }])
    const lookup = await hints.looking('g1', 'bob')
    expect(lookup).not.toBe(false)
    const opened = await hints.opening('g1', 'bob') // stored while the lookup ran
    ;(lookup as { foundNone(): void }).foundNone()
    opened()
    expect(await hints.looking('g1', 'bob')).not.toBe(false)
  })

  it('drops a pair once a lookup found nothing and nothing was opened meanwhile; opening adds it again', async () => {
    const hints = openRequestHints(async () => [{ group_id: 'g1', member_id: 'bob' }])
    expect(await hints.looking('g1', 'alice')).toBe(false)
    const lookup = await hints.looking('g1', 'bob')
    ;(lookup as { foundNone(): void }).foundNone()
    expect(await hints.looking('g1', 'bob')).toBe(false)
    ;(await hints.opening('g1', 'bob'))()
    expect(await hints.looking('g1', 'bob')).not.toBe(false)
  })
})
