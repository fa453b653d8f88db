import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { QunDeskError } from '../../../src/core/errors.js'
import { createLogger } from '../../../src/core/logger.js'
import type { ReplySender } from '../../../src/core/reply-sender.js'
import { createOutbox, INTERRUPTED_SEND, type Outbox, type OutboxEvent, type OutboxOptions } from '../../../src/outbox/outbox.js'
import { type Db } from '../../../src/storage/create-db.js'
import { findOutboxRow, transitionOutboxRow } from '../../../src/storage/outbox.repository.js'
import { createTestDb } from '../../support/test-database.js'

/** A channel that records what it was given; it can be told to fail or to be offline. */
function fakeChannel() {
  const said: Array<{ groupId: string; text: string }> = []
  const state = { fail: undefined as QunDeskError | undefined, online: true }
  const sender: ReplySender = {
    async sendToGroup(groupId, text) {
      if (state.fail) throw state.fail
      said.push({ groupId, text })
    },
    isAvailable: () => state.online,
  }
  return { sender, said, state }
}

let db: Db
let now: number
let channel: ReturnType<typeof fakeChannel>
let events: OutboxEvent[]
let outbox: Outbox

function makeOutbox(options: Partial<OutboxOptions> = {}): Outbox {
  const box = createOutbox({
    db, clock: () => new Date(now), logger: createLogger({ level: 'silent' }), sender: channel.sender, random: () => 0.5, pollMs: 60_000,
    options: { groupIntervalMs: 3000, globalIntervalMs: 1000, jitterMs: 0, maxAttempts: 3, ...options },
  })
  box.handle('test', async (event) => { events.push(event) })
  return box
}
const queue = (text: string, groupId = 'g1', source = text) => outbox.enqueue({ source: `test:${source}`, groupId, text, actor: 'agent:小王' })

beforeEach(async () => {
  db = await createTestDb()
  now = Date.parse('2026-11-23T08:00:00Z')
  channel = fakeChannel()
  events = []
  outbox = makeOutbox()
})
afterEach(async () => {
  await outbox.stop()
  await db.destroy()
})

describe('outbox', () => {
  it('sends in order, keeping the per-group and global gaps', async () => {
    const a1 = await queue('一', 'g1')
    const a2 = await queue('二', 'g1')
    const b1 = await queue('三', 'g2')
    expect((await outbox.deliver(a1.id)).status).toBe('sent')
    expect((await outbox.deliver(a2.id)).status).toBe('queued') // g1 waits 3 s
    expect((await outbox.deliver(b1.id)).status).toBe('queued') // everyone waits 1 s
    now += 1000
    expect((await outbox.deliver(b1.id)).status).toBe('sent')
    now += 2000
    expect((await outbox.deliver(a2.id)).status).toBe('sent')
    expect(channel.said.map((s) => s.text)).toEqual(['一', '三', '二'])
    expect(events.map((e) => e.type)).toEqual(['sent', 'sent', 'sent'])
    expect(await findOutboxRow(db, a2.id)).toMatchObject({ status: 'sent', attempts: 1, settled_at: expect.any(String) })
  })

  it('reads no queued rows while the account-wide gap runs: a burst of deliveries does not re-read the queue for each', async () => {
    let dueReads = 0
    const counted = db.withPlugin({
      transformQuery: (args) => {
        const node = args.node as { kind: string; from?: { froms: Array<{ table?: { identifier?: { name?: string } } }> }; where?: unknown }
        if (node.kind === 'SelectQueryNode' && node.from?.froms[0]?.table?.identifier?.name === 'outbox' && JSON.stringify(node.where).includes('next_attempt_at')) dueReads += 1
        return args.node
      },
      transformResult: async (args) => args.result,
    })
    await outbox.stop()
    outbox = createOutbox({
      db: counted, clock: () => new Date(now), logger: createLogger({ level: 'silent' }), sender: channel.sender, random: () => 0.5, pollMs: 60_000,
      options: { groupIntervalMs: 3000, globalIntervalMs: 1000, jitterMs: 0, maxAttempts: 3 },
    })
    outbox.handle('test', async (event) => { events.push(event) })
    const first = await queue('一', 'g1')
    expect((await outbox.deliver(first.id)).status).toBe('sent')
    const reads = dueReads
    const rest = []
    for (let i = 0; i < 20; i++) rest.push(await queue(`问 ${i}`, `g${i + 2}`))
    for (const row of rest) expect((await outbox.deliver(row.id)).status).toBe('queued')
    expect(dueReads).toBe(reads)
    // The gap over, the next pass reads the queue and sends the oldest (the next waits for its own gap).
    now += 1000
    expect((await outbox.deliver(rest[0]!.id)).status).toBe('sent')
    expect(dueReads).toBeGreaterThan(reads)
    expect(channel.said.map((s) => s.text)).toEqual(['一', '问 0'])
  })

  it('retries a dropped send with backoff and marks it failed after the last attempt', async () => {
    channel.state.fail = new QunDeskError('channel_unavailable', '网络断开')
    const row = await queue('你好')
    expect(await outbox.deliver(row.id)).toMatchObject({ status: 'retrying', error: { message: '网络断开' } })
    expect((await outbox.deliver(row.id)).status).toBe('queued') // not due before the backoff
    now += 5000
    expect((await outbox.deliver(row.id)).status).toBe('retrying')
    now += 10_000
    expect((await outbox.deliver(row.id)).status).toBe('failed')
    expect(events.map((e) => e.type)).toEqual(['retrying', 'retrying', 'failed'])
    expect(await findOutboxRow(db, row.id)).toMatchObject({ status: 'failed', attempts: 3, last_error: '网络断开（已尝试 3 次）' })
    expect(channel.said).toEqual([])
  })

  it('fails at once when the channel refuses for good (unknown group)', async () => {
    channel.state.fail = new QunDeskError('unknown_group', '找不到群 g1')
    const row = await queue('你好')
    expect(await outbox.deliver(row.id)).toMatchObject({ status: 'failed', error: { code: 'unknown_group' } })
    expect(await findOutboxRow(db, row.id)).toMatchObject({ status: 'failed', attempts: 1 })
  })

  it("reports the channel's own error to a deliver() that finds its row already failed by the worker (woken first by a poll)", async () => {
    channel.state.fail = new QunDeskError('unknown_group', '找不到群 g1')
    const row = await queue('你好')
    outbox.kick()
    await new Promise((r) => setTimeout(r, 50))
    expect(await findOutboxRow(db, row.id)).toMatchObject({ status: 'failed' })
    expect(await outbox.deliver(row.id)).toMatchObject({ status: 'failed', error: { code: 'unknown_group', message: '找不到群 g1' } })
  })

  it('reports the recorded reason for a row another process failed', async () => {
    const row = await queue('你好')
    expect(await transitionOutboxRow(db, row.id, 'queued', { status: 'failed', last_error: '发送失败：账号被限制' })).toBe(true)
    expect(await makeOutbox().deliver(row.id)).toMatchObject({ status: 'failed', error: { message: '发送失败：账号被限制' } })
  })

  it("tells the owners of a stopped instance's queued sends that they wait for it, and leaves other rows alone", async () => {
    const theirs = await queue('你好', 'g1', 'a')
    await queue('再见', 'g2', 'b') // this instance's own: not stranded
    await db.updateTable('outbox').set({ instance_id: 'other' }).where('id', '=', theirs.id).execute()
    expect(await outbox.noteStranded('other')).toBe(1)
    expect(events).toEqual([expect.objectContaining({ type: 'waiting', row: expect.objectContaining({ id: theirs.id }), reason: expect.stringContaining('实例 other 未在运行') })])
  })

  it('spends no attempt while the account is offline, and sends once it is back', async () => {
    channel.state.online = false
    const row = await queue('你好')
    expect((await outbox.deliver(row.id)).status).toBe('queued')
    expect((await outbox.deliver(row.id)).status).toBe('queued')
    expect(await findOutboxRow(db, row.id)).toMatchObject({ status: 'queued', attempts: 0 })
    expect(events.map((e) => e.type)).toEqual(['waiting']) // told once, not on every look
    channel.state.online = true
    expect((await outbox.deliver(row.id)).status).toBe('sent')
    expect(channel.said).toEqual([{ groupId: 'g1', text: '你好' }])
  })

  it('hands a row to the channel once even when delivered from two places at the same moment', async () => {
    const row = await queue('你好')
    const outcomes = await Promise.all([outbox.deliver(row.id), outbox.deliver(row.id), outbox.deliver(row.id)])
    expect(outcomes.map((o) => o.status).sort()).toEqual(['sent', 'sent', 'sent'])
    expect(channel.said).toHaveLength(1)
  })

  it('keeps one live send per source, and a send marked once is never queued again even after it went out', async () => {
    const first = await queue('你好', 'g1', 'same')
    expect((await queue('你好', 'g1', 'same')).id).toBe(first.id)
    expect((await outbox.deliver(first.id)).status).toBe('sent')
    const once = await outbox.enqueue({ source: 'test:ask', groupId: 'g2', text: '请提供订单号', actor: 'bot', once: true })
    now += 1000 // after the global gap that the first row's send opened
    expect((await outbox.deliver(once.id)).status).toBe('sent')
    const again = await outbox.enqueue({ source: 'test:ask', groupId: 'g2', text: '请提供订单号', actor: 'bot', once: true })
    expect(again).toMatchObject({ id: once.id, status: 'sent' })
  })

  it('after a crash mid-send, marks the row failed and tells its owner, without sending it again', async () => {
    const row = await queue('你好')
    expect(await transitionOutboxRow(db, row.id, 'queued', { status: 'sending', attempts: 1 })).toBe(true) // the process died here
    await outbox.stop()
    outbox = makeOutbox()
    expect(await outbox.recover()).toEqual({ interrupted: 1, resettled: 1 })
    expect(events).toEqual([expect.objectContaining({ type: 'failed', error: INTERRUPTED_SEND })])
    expect(await findOutboxRow(db, row.id)).toMatchObject({ status: 'failed', settled_at: expect.any(String) })
    expect(channel.said).toEqual([])
  })

  it('tells the owner again about a send whose outcome it never recorded', async () => {
    const row = await queue('你好')
    expect(await transitionOutboxRow(db, row.id, 'queued', { status: 'sent', attempts: 1, sent_at: new Date(now).toISOString() })).toBe(true)
    expect(await outbox.recover()).toEqual({ interrupted: 0, resettled: 1 })
    expect(events.map((e) => e.type)).toEqual(['sent'])
    expect((await outbox.recover()).resettled).toBe(0)
  })

  it('keeps a row whose owner failed to record the outcome unsettled, for the next start', async () => {
    outbox.handle('test', async () => { throw new Error('数据库忙') })
    const row = await queue('你好')
    expect((await outbox.deliver(row.id)).status).toBe('sent')
    expect(await findOutboxRow(db, row.id)).toMatchObject({ status: 'sent', settled_at: null })
  })
})
