import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.js'
import { createLogger } from '../../src/core/logger.js'
import { startQunDesk } from '../../src/main.js'
import { onPostgres } from '../support/test-database.js'
import { login } from './console-session.js'
import { createMockWorld, makeWorkdir, startTestApp, testEnv, TEST_TOKEN, useBand, waitFor, type TestApp, type Workdir } from './test-context.js'

interface ApiSuggestion { id: number; question: string; status: string; groupId: string }

const apps: TestApp[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((t) => t.stop().catch(() => undefined)))
})

/** Instance `id` on the workdir's database, with its own mock account (world). */
async function instance(work: Workdir, id: string, world = createMockWorld()): Promise<TestApp> {
  const t = await startTestApp(work, { world, env: { QUNDESK_INSTANCE_ID: id } })
  apps.push(t)
  return t
}

async function pendingOn(t: TestApp, question: string): Promise<ApiSuggestion> {
  return waitFor(async () => (await t.api<ApiSuggestion[]>('GET', '/api/suggestions?status=pending')).body.find((s) => s.question === question))
}

// Several processes on one database is a PostgreSQL setup (SQLite is one process's embedded database).
describe.skipIf(!onPostgres())('two QunDesk instances on one PostgreSQL database', () => {
  it('sends an approval made on another instance through the instance whose account is in the group, once', async () => {
    const work = await makeWorkdir()
    const a = await instance(work, 'a')
    const b = await instance(work, 'b')
    a.world.ask(a.world.alice, '我的快递到哪了')
    const suggestion = await pendingOn(b, '我的快递到哪了')

    const res = await b.api<{ status: string }>('POST', `/api/suggestions/${suggestion.id}/send`)
    expect([200, 202]).toContain(res.status)
    await waitFor(() => a.world.said.length === 1)
    await waitFor(async () => (await b.api<ApiSuggestion>('GET', `/api/suggestions/${suggestion.id}`)).body.status === 'sent')
    await new Promise((r) => setTimeout(r, 300))
    expect(a.world.said).toEqual([expect.stringContaining('查物流')])
    expect(b.world.said).toEqual([])
    const rows = await a.app.db.selectFrom('outbox').select(['instance_id', 'status']).execute()
    expect(rows).toEqual([{ instance_id: 'a', status: 'sent' }])
  })

  it('streams queue changes made on one instance to a console connected to the other', async () => {
    const work = await makeWorkdir()
    const a = await instance(work, 'a')
    const b = await instance(work, 'b')
    const stream = new AbortController()
    const res = await fetch(`${b.app.url}/api/events`, { headers: { authorization: `Bearer ${TEST_TOKEN}` }, signal: stream.signal })
    const events: Array<{ type: string; id: number; status: string }> = []
    const reading = (async () => {
      const decoder = new TextDecoder()
      let buffer = ''
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true })
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const data = buffer.slice(0, end).split('\n').find((line) => line.startsWith('data: '))
          buffer = buffer.slice(end + 2)
          if (data) events.push(JSON.parse(data.slice(6)) as { type: string; id: number; status: string })
        }
      }
    })().catch(() => undefined)
    try {
      a.world.ask(a.world.alice, '能开发票吗')
      const created = await waitFor(() => events.find((e) => e.type === 'created'))
      expect(created.status).toBe('pending')
      expect((await a.api('POST', `/api/suggestions/${created.id}/send`)).status).toBe(200)
      await waitFor(() => events.find((e) => e.id === created.id && e.status === 'sent'))
      // Each change once: relayed events are not announced again.
      await new Promise((r) => setTimeout(r, 300))
      expect(events.filter((e) => e.type === 'created')).toHaveLength(1)
    } finally {
      stream.abort()
      await reading
    }
  })

  it('answers by the settings another instance changed: its cached settings are dropped by the NOTIFY', async () => {
    const work = await makeWorkdir()
    const a = await instance(work, 'a')
    const b = await instance(work, 'b')
    const other = b.world.mocker.createRoom({ topic: '闲聊群', memberIdList: [b.world.me.id, b.world.alice.id] })
    // b answers in every group, and has read (and cached) the settings to decide so.
    b.world.alice.say('@客服助手\u2005能开发票吗', [b.world.me]).to(other)
    await pendingOn(b, '能开发票吗')
    await a.app.auth.addUser({ name: '老板', role: 'admin', password: '管理密码-0123456789', actor: 'test' })
    const admin = (await login(a.app.url, '老板', '管理密码-0123456789')).session!
    expect((await admin.call('PUT', '/api/settings', { servedGroups: { '*': ['VIP客户群'] } })).status).toBe(200)

    await waitFor(async () => JSON.stringify((await b.api<{ servedGroups: unknown }>('GET', '/api/settings')).body.servedGroups) === '{"*":["VIP客户群"]}')
    b.world.alice.say('@客服助手\u2005我的快递到哪了', [b.world.me]).to(other)
    await waitFor(async () => (await b.app.db.selectFrom('messages').select('status').where('group_id', '=', other.id).where('status', '=', 'ignored').execute()).length === 1)
    expect((await b.app.suggestions.list()).map((s) => s.question)).toEqual(['能开发票吗'])
  })

  it('sends once when two agents on two instances click send at the same moment', async () => {
    const work = await makeWorkdir()
    await useBand(work) // 「第N次」 makes each question unique; the band is not the subject here
    const a = await instance(work, 'a')
    const b = await instance(work, 'b')
    for (let round = 0; round < 5; round++) {
      const question = `能开发票吗 第${round}次`
      a.world.ask(a.world.alice, question)
      const suggestion = await pendingOn(a, question)
      const results = await Promise.all([a, b].map((t) => t.api('POST', `/api/suggestions/${suggestion.id}/send`)))
      expect(results.map((r) => r.status).sort()).toEqual([expect.any(Number), 409])
      expect([200, 202]).toContain(results.map((r) => r.status).sort()[0])
      await waitFor(() => a.world.said.length === round + 1)
    }
    await new Promise((r) => setTimeout(r, 300))
    expect(a.world.said).toHaveLength(5)
    const audit = await a.app.db.selectFrom('audit_log').select('action').where('action', '=', 'suggestion.sent').execute()
    expect(audit).toHaveLength(5)
  })

  it('keeps an approval made while the owner is down, and the owner sends it once when it is back', async () => {
    const work = await makeWorkdir()
    const world = createMockWorld()
    const a = await instance(work, 'a', world)
    const b = await instance(work, 'b')
    world.ask(world.alice, '退款什么时候到账')
    const suggestion = await pendingOn(b, '退款什么时候到账')
    await a.stop()
    apps.splice(apps.indexOf(a), 1)

    const res = await b.api<{ status: string }>('POST', `/api/suggestions/${suggestion.id}/send`)
    // Accepted, and the agent is told why it waits.
    expect(res).toEqual({ status: 202, body: { status: 'sending', lastError: '群所在账号的实例 a 未在运行，它恢复后自动发送' } })
    await new Promise((r) => setTimeout(r, 500))
    expect(world.said).toEqual([])

    const back = createMockWorld(world)
    const again = await instance(work, 'a', back)
    await waitFor(() => back.said.length === 1)
    await waitFor(async () => (await again.api<ApiSuggestion>('GET', `/api/suggestions/${suggestion.id}`)).body.status === 'sent')
    await new Promise((r) => setTimeout(r, 300))
    expect(back.said).toEqual([expect.stringContaining('退款')])
    expect(world.said).toEqual([])
  })

  it('says at once why an approval waits when the owning instance was killed a moment ago (its heartbeat still fresh)', async () => {
    const work = await makeWorkdir()
    const a = await instance(work, 'a')
    a.world.ask(a.world.alice, '能开发票吗')
    const suggestion = await pendingOn(a, '能开发票吗')
    // The group's account is on instance c, killed seconds ago: fresh heartbeat, no clean stop, nobody holding its lock.
    const now = new Date().toISOString()
    await a.app.db.insertInto('instances').values({ instance_id: 'c', started_at: now, heartbeat_at: now, stopped_at: null }).execute()
    await a.app.db.updateTable('group_owners').set({ instance_id: 'c' }).where('group_id', '=', a.world.room.id).execute()
    const res = await a.api('POST', `/api/suggestions/${suggestion.id}/send`)
    expect(res).toEqual({ status: 202, body: { status: 'sending', lastError: '群所在账号的实例 c 未在运行，它恢复后自动发送' } })
    expect(a.world.said).toEqual([])
  })

  it('runs a fleet-wide scheduled job once per tick, and takes over a run a dead instance left unfinished (not a live one\'s)', async () => {
    const work = await makeWorkdir()
    const a = await instance(work, 'a')
    const b = await instance(work, 'b')
    // Slots of the last minutes: finished runs over two days old are pruned by any instance's takeOver, which may
    // run between a run finishing and the test reading it (a fixed date in the past made this flaky).
    const minute = (ago: number) => new Date(Math.floor((Date.now() - ago * 60_000) / 60_000) * 60_000)
    const at = minute(30)
    await Promise.all([a.app.scheduler.tick('sla-escalation', at), b.app.scheduler.tick('sla-escalation', new Date(at.getTime() + 2_000))])
    // This tick's slot only: the real every-minute schedule also runs the job if the test spans a minute boundary.
    const runs = await a.app.db.selectFrom('job_runs').selectAll().where('job', '=', 'sla-escalation').where('slot', '=', at.toISOString()).execute()
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ slot: at.toISOString(), finished_at: expect.any(String), error: null })

    // A third instance claimed a run and died (its heartbeat is old): the next instance to look runs it.
    const old = new Date(Date.now() - 10 * 60_000).toISOString()
    await a.app.db.insertInto('instances').values({ instance_id: 'c', started_at: old, heartbeat_at: old, stopped_at: null }).execute()
    const cSlot = minute(25).toISOString()
    await a.app.db.insertInto('job_runs').values({ job: 'wecom-retry', slot: cSlot, instance_id: 'c', started_at: old, finished_at: null, error: null }).execute()
    const taken = await Promise.all([a.app.scheduler.takeOver(), b.app.scheduler.takeOver()])
    expect(taken.sort()).toEqual([0, 1])
    const run = await a.app.db.selectFrom('job_runs').selectAll().where('job', '=', 'wecom-retry').where('slot', '=', cSlot).executeTakeFirstOrThrow()
    expect(['a', 'b']).toContain(run.instance_id)
    expect(run.finished_at).not.toBeNull()

    // b's heartbeat is late but b is alive (it holds its lock): its unfinished run is left to it.
    await a.app.db.updateTable('instances').set({ heartbeat_at: old }).where('instance_id', '=', 'b').execute()
    const bSlot = minute(20).toISOString()
    await a.app.db.insertInto('job_runs').values({ job: 'wecom-retry', slot: bSlot, instance_id: 'b', started_at: old, finished_at: null, error: null }).execute()
    expect(await a.app.scheduler.takeOver()).toBe(0)
    expect(await a.app.db.selectFrom('job_runs').select('instance_id').where('job', '=', 'wecom-retry').where('slot', '=', bSlot).executeTakeFirst()).toEqual({ instance_id: 'b' })
  })

  it('refuses to start a second process with an instance id that is already running', async () => {
    const work = await makeWorkdir()
    const a = await instance(work, 'a')
    const config = loadConfig(testEnv(work, { QUNDESK_INSTANCE_ID: 'a' }))
    await expect(startQunDesk(config, { puppet: createMockWorld().puppet, logger: createLogger({ level: 'silent' }), instanceLockWaitMs: 300 }))
      .rejects.toThrow(/QUNDESK_INSTANCE_ID/)
    // The running one is untouched.
    a.world.ask(a.world.alice, '我的快递到哪了')
    await pendingOn(a, '我的快递到哪了')
  })

  it("handles a dead instance's stored but unhandled messages once, and leaves a live instance's alone even when its heartbeat is late", async () => {
    const work = await makeWorkdir()
    const a = await instance(work, 'a')
    const b = await instance(work, 'b')
    const db = a.app.db
    const old = new Date(Date.now() - 10 * 60_000).toISOString()
    // Instance c acknowledged two @-mentions and was killed before handling them: old heartbeat, lock gone with it.
    await db.insertInto('instances').values({ instance_id: 'c', started_at: old, heartbeat_at: old, stopped_at: null }).execute()
    const stored = (id: string, instanceId: string, question: string) => ({
      id, channel: 'wechaty', group_id: 'room-c', group_name: '客户群C', sender_id: 'carol', sender_name: '客户C',
      text: `@客服助手 ${question}`, question, mentions_bot: 1, from_self: 0, sent_at: old, received_at: old, status: 'received' as const, instance_id: instanceId,
    })
    await db.insertInto('messages').values([stored('c-1', 'c', '我的快递到哪了'), stored('c-2', 'c', '能开发票吗')]).execute()
    // b is alive but its heartbeat is late: it holds its lock, so a never takes its message.
    await db.updateTable('instances').set({ heartbeat_at: old }).where('instance_id', '=', 'b').execute()
    await db.insertInto('messages').values(stored('b-1', 'b', '退款什么时候到账')).execute()

    const now = new Date()
    await Promise.all([a.app.scheduler.tick('message-takeover', now), b.app.scheduler.tick('message-takeover', now)])
    const rows = await db.selectFrom('messages').select(['id', 'status', 'instance_id']).where('id', 'in', ['c-1', 'c-2', 'b-1']).orderBy('id').execute()
    // c's went to whichever instance took c's lock first, and were handled there. b-1 stayed b's: handled only if
    // b's replay ran (it runs when b took over something), never moved to a.
    expect(rows).toEqual([
      { id: 'b-1', status: expect.stringMatching(/^(received|handled)$/), instance_id: 'b' },
      { id: 'c-1', status: 'handled', instance_id: expect.stringMatching(/^[ab]$/) },
      { id: 'c-2', status: 'handled', instance_id: expect.stringMatching(/^[ab]$/) },
    ])
    // Each taken-over message drafted once.
    const drafted = await db.selectFrom('suggestions').select('message_id').where('message_id', 'in', ['c-1', 'c-2']).orderBy('message_id').execute()
    expect(drafted.map((r) => r.message_id)).toEqual(['c-1', 'c-2'])
    // Both show up on every console; a reply goes to the group's account when it is back (its outbox row waits).
    await pendingOn(b, '能开发票吗')
  })

  it('throttles logins across instances: failures on one count on the other', async () => {
    const work = await makeWorkdir()
    const a = await instance(work, 'a')
    const b = await instance(work, 'b')
    const password = '足够长的密码-123456'
    await a.app.auth.addUser({ name: '小王', role: 'agent', password, actor: 'test' })
    // A guesser spreads five wrong passwords over the two instances behind the balancer...
    for (const t of [a, b, a, b, a]) expect((await login(t.app.url, '小王', 'wrong-password!')).status).toBe(401)
    // ...and is stopped on both, even with the right one.
    expect((await login(b.app.url, '小王', password)).status).toBe(429)
    expect((await login(a.app.url, '小王', password)).status).toBe(429)
  })
})
