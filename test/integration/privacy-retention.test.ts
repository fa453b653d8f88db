import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.js'
import { systemClock } from '../../src/core/clock.js'
import type { InboundMessage } from '../../src/core/inbound-message.js'
import { createLogger } from '../../src/core/logger.js'
import type { MemberDetail } from '../../src/members/member-directory.js'
import { createRetention } from '../../src/privacy/retention.js'
import type { Report } from '../../src/reports/report-service.js'
import { listAudit } from '../../src/storage/audit.repository.js'
import { openDb, type Db } from '../../src/storage/create-db.js'
import { textColumnsHolding } from '../support/text-columns.js'
import { makeWorkdir, startTestApp, testEnv, waitFor, type TestApp } from './test-context.js'

const DAY_MS = 86_400_000
const PHONE = '13812345678'
const ORDER = 'DD20261123001'
const logger = createLogger({ level: 'silent' })

let t: TestApp | undefined
let db: Db | undefined
afterEach(async () => {
  await t?.stop()
  await db?.destroy()
  t = undefined
  db = undefined
})

/** Text cells of every table but the audit log that contain `needle`, as `table.column`. */
const tablesHolding = (on: Db, needle: string): Promise<string[]> => textColumnsHolding(on, needle, { except: ['audit_log'] })

const localDay = (at: Date) => new Date(at.getTime() + 480 * 60_000).toISOString().slice(0, 10)

describe('retention purge through the running app', () => {
  it('blanks content older than the retention period and keeps every count: per-member metrics, report aggregates, row counts', async () => {
    t = await startTestApp(await makeWorkdir())
    const { app, world } = t
    // The minute SLA job would escalate the 40-day-old pending question (and audit it) whenever a minute turns during
    // the test, changing the counts compared below: this test is about the purge alone.
    await app.scheduler.stop()
    await waitFor(async () => (await app.members.group(world.room.id)).length === 2)
    const oldAt = new Date(Date.now() - 40 * DAY_MS)
    const old = (n: number, who: typeof world.alice, question: string, mentionsBot: boolean): InboundMessage => ({
      id: `wechaty:old-${n}`, channel: 'wechaty', groupId: world.room.id, groupName: 'VIP客户群', senderId: who.id, senderName: who.payload.name,
      text: mentionsBot ? `@客服助手 ${question}` : question, question, mentionsBot, fromSelf: false, sentAt: oldAt,
    })
    await app.pipeline.handle(old(1, world.alice, `能开发票吗 电话${PHONE}`, true))
    await app.pipeline.handle(old(2, world.alice, `订单号 ${ORDER} 到哪了`, false))
    await app.pipeline.handle(old(3, world.bob, '我的快递到哪了', true))
    const [aliceOld] = (await app.suggestions.list()).filter((s) => s.memberId === world.alice.id)
    expect((await t.api('POST', `/api/suggestions/${aliceOld!.id}/reject`, { reason: `已电话 ${PHONE} 回访` })).status).toBe(200)
    world.ask(world.alice, '怎么查物流')
    await waitFor(async () => (await app.suggestions.list()).find((s) => s.question === '怎么查物流'))

    const perSender = async () => (await sql<{ sender_id: string; n: number }>`SELECT sender_id, COUNT(*) AS n FROM messages GROUP BY sender_id ORDER BY sender_id`.execute(app.db)).rows
    const metrics = async () => (await t!.api<MemberDetail>('GET', `/api/members/${world.alice.id}`)).body.memberships[0]!.metrics
    const report = async () => {
      const { body } = await t!.api<Report>('GET', `/api/reports?from=${localDay(oldAt)}&to=${localDay(oldAt)}`)
      return { days: body.days, groups: body.groups, rows: body.rows }
    }
    const before = { perSender: await perSender(), metrics: await metrics(), report: await report() }
    expect(before.metrics).toMatchObject({ messages_90d: 3 })
    expect(before.report.days[0]!.questions).toBe(2)
    expect(await tablesHolding(app.db, PHONE)).not.toEqual([])

    const retention = createRetention({ db: app.db, clock: systemClock, logger, retentionDays: 30 })
    const summary = await retention.purge()
    expect(summary).toMatchObject({ enabled: true, retentionDays: 30, messages: 3, suggestions: 2 })

    expect(await tablesHolding(app.db, PHONE)).toEqual([])
    expect(await tablesHolding(app.db, ORDER)).toEqual([])
    const rows = await app.db.selectFrom('messages').select(['id', 'text', 'question', 'sender_name', 'content_purged_at']).where('from_self', '=', 0).orderBy('sent_at').execute()
    expect(rows.filter((r) => r.id.startsWith('wechaty:old-'))).toEqual([1, 2, 3].map((n) => ({ id: `wechaty:old-${n}`, text: '', question: '', sender_name: '', content_purged_at: expect.any(String) })))
    expect(rows.find((r) => r.question === '怎么查物流')).toMatchObject({ sender_name: '张三', content_purged_at: null })
    expect(await app.suggestions.get(aliceOld!.id)).toMatchObject({ question: '', memberName: '', rejectReason: '', status: 'rejected', decision: 'rejected' })

    expect({ perSender: await perSender(), metrics: await metrics(), report: await report() }).toEqual(before)
    const [entry] = await listAudit(app.db, 1)
    expect(entry).toMatchObject({ action: 'retention.purged', actor: 'system', subject_type: 'retention', subject_id: summary.cutoff })
    expect(JSON.parse(entry!.detail)).toMatchObject({ messages: 3, suggestions: 2 })

    // Idempotent: a second run finds nothing, and says so in its own audit entry.
    expect(await retention.purge()).toMatchObject({ messages: 0, suggestions: 0, slotRequests: 0, wecomCallbacks: 0, outbox: 0, wecomResponseUrls: 0 })
    expect((await listAudit(app.db, 2)).map((a) => a.action)).toEqual(['retention.purged', 'retention.purged'])
  })
})

describe('retention purge of follow-up requests, WeCom payloads, the outbox and reply addresses', () => {
  async function seeded(): Promise<Db> {
    const work = await makeWorkdir()
    db = await openDb(loadConfig(testEnv(work)))
    const old = new Date(Date.now() - 200 * DAY_MS).toISOString()
    const recent = new Date(Date.now() - DAY_MS).toISOString()
    for (let n = 1; n <= 5; n++) {
      const at = n <= 3 ? old : recent
      await db.insertInto('messages').values({
        id: `m${n}`, channel: 'test', group_id: 'g1', group_name: '群', sender_id: 'wxid_a', sender_name: '张三', text: `订单号 ${ORDER}`, question: `订单号 ${ORDER}`,
        mentions_bot: 1, from_self: 0, sent_at: at, received_at: at, status: 'handled',
      }).execute()
      await db.insertInto('slot_requests').values({
        message_id: `m${n}`, group_id: 'g1', member_id: 'wxid_a', intent_id: 'logistics.urge', question: `催发货 ${PHONE}`, slots: '["order_id"]', asked_at: at, expires_at: at, status: 'expired',
      }).execute()
      await db.insertInto('wecom_callbacks').values({
        kind: 'aibot', dedupe_key: `aibot:${n}`, payload: `{"text":{"content":"${PHONE}"}}`, received_at: at, status: n === 2 ? 'received' : 'processed',
      }).execute()
      await db.insertInto('outbox').values({
        source: `suggestion:${n}`, group_id: 'g1', text: `张三您好 ${ORDER}`, mention_member_id: 'wxid_a', mention_member_name: '张三', actor: 'bot',
        status: n === 1 ? 'queued' : 'sent', attempts: 1, next_attempt_at: at, created_at: at,
      }).execute()
      await db.insertInto('wecom_response_urls').values({ message_id: `m${n}`, group_id: 'g1', response_url: `https://example.invalid/${n}`, expires_at: n <= 3 ? old : new Date(Date.now() + 3_600_000).toISOString() }).execute()
    }
    return db
  }

  it('blanks what is older than the cutoff, in small batches, and leaves unprocessed deliveries and queued sends alone', async () => {
    const on = await seeded()
    // A batch of 2 makes every table take several steps.
    const retention = createRetention({ db: on, clock: systemClock, logger, retentionDays: 180, batchSize: 2 })
    const [summary, same] = await Promise.all([retention.purge(), retention.purge()])
    expect(same).toBe(summary)
    expect(summary).toMatchObject({ messages: 3, slotRequests: 3, wecomCallbacks: 2, outbox: 2, wecomResponseUrls: 3 })

    expect((await on.selectFrom('slot_requests').select('question').orderBy('id').execute()).map((r) => r.question)).toEqual(['', '', '', `催发货 ${PHONE}`, `催发货 ${PHONE}`])
    expect((await on.selectFrom('wecom_callbacks').select(['dedupe_key', 'payload']).orderBy('id').execute()).map((r) => r.payload === '')).toEqual([true, false, true, false, false])
    expect(await on.selectFrom('outbox').select(['status', 'text', 'mention_member_name', 'mention_member_id']).orderBy('id').execute()).toEqual([
      { status: 'queued', text: `张三您好 ${ORDER}`, mention_member_name: '张三', mention_member_id: 'wxid_a' },
      { status: 'sent', text: '', mention_member_name: '', mention_member_id: 'wxid_a' },
      { status: 'sent', text: '', mention_member_name: '', mention_member_id: 'wxid_a' },
      { status: 'sent', text: `张三您好 ${ORDER}`, mention_member_name: '张三', mention_member_id: 'wxid_a' },
      { status: 'sent', text: `张三您好 ${ORDER}`, mention_member_name: '张三', mention_member_id: 'wxid_a' },
    ])
    expect((await on.selectFrom('wecom_response_urls').select('message_id').orderBy('message_id').execute()).map((r) => r.message_id)).toEqual(['m4', 'm5'])
    expect(await on.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual({ n: 5 })
    expect((await listAudit(on, 10)).filter((a) => a.action === 'retention.purged')).toHaveLength(1)
  })

  it('does nothing when retention is off (QUNDESK_RETENTION_DAYS=0)', async () => {
    const on = await seeded()
    const summary = await createRetention({ db: on, clock: systemClock, logger, retentionDays: 0 }).purge()
    expect(summary).toMatchObject({ enabled: false, cutoff: null, messages: 0 })
    expect(await tablesHolding(on, PHONE)).toEqual(['slot_requests.question', 'wecom_callbacks.payload'])
    expect(await listAudit(on, 10)).toEqual([])
  })
})
