import { afterEach, describe, expect, it } from 'vitest'
import type { SuggestionConflictBody, SuggestionItem } from '../../src/console/contract.js'
import { onPostgres } from '../support/test-database.js'
import { login, type ConsoleSession } from './console-session.js'
import { createMockWorld, makeWorkdir, startTestApp, waitFor, type TestApp, type Workdir } from './test-context.js'

const PASSWORD = '坐席密码-0123456789'

const apps: TestApp[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((t) => t.stop().catch(() => undefined)))
})

/** The app's clock, moved forward by the tests that let a claim go idle. */
let skewMs = 0
const clock = () => new Date(Date.now() + skewMs)

async function start(work?: Workdir, env: Record<string, string> = {}): Promise<TestApp> {
  const t = await startTestApp(work ?? await makeWorkdir(), { clock, env, ...(work ? { world: createMockWorld() } : {}) })
  apps.push(t)
  return t
}

/** An app with two agents signed in, 小王 and 小李, and one question waiting (张三 asks where the parcel is). */
async function twoAgents(): Promise<{ t: TestApp; wang: ConsoleSession; li: ConsoleSession; item: SuggestionItem }> {
  skewMs = 0
  const t = await start()
  await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
  await t.app.auth.addUser({ name: '小李', role: 'agent', password: PASSWORD, actor: 'test' })
  const wang = (await login(t.app.url, '小王', PASSWORD)).session!
  const li = (await login(t.app.url, '小李', PASSWORD)).session!
  t.world.ask(t.world.alice, '我的快递到哪了')
  const item = await waitFor(async () => (await wang.call<SuggestionItem[]>('GET', '/api/suggestions?status=pending')).body.find((s) => s.question === '我的快递到哪了'))
  return { t, wang, li, item }
}

/** Reads /api/events for a session; `seen(text)` is true once an event containing it arrived. */
async function watchEvents(base: string, session: ConsoleSession) {
  const abort = new AbortController()
  const res = await fetch(`${base}/api/events`, { headers: { cookie: session.cookie }, signal: abort.signal })
  let body = ''
  const decoder = new TextDecoder()
  const reading = (async () => {
    try {
      const reader = res.body!.getReader()
      for (let r = await reader.read(); !r.done; r = await reader.read()) body += decoder.decode(r.value, { stream: true })
    } catch { /* aborted */ }
  })()
  return {
    seen: (text: string) => body.includes(text),
    async close() { abort.abort(); await reading },
  }
}

const auditActions = async (t: TestApp) => t.app.db.selectFrom('audit_log').select(['action', 'actor', 'detail']).orderBy('id').execute()

// Each test starts the whole app and signs two agents in: room for a busy two-core machine.
describe('claims on the approval queue (two agents)', { timeout: 90_000 }, () => {
  it('shows the item opened by one agent as theirs to the other, live', async () => {
    const { t, wang, li, item } = await twoAgents()
    const stream = await watchEvents(t.app.url, li)
    await waitFor(() => stream.seen('retry:'))
    const claimed = await wang.call<SuggestionItem>('POST', `/api/suggestions/${item.id}/claim`, {})
    expect(claimed.status).toBe(200)
    expect(claimed.body).toMatchObject({ id: item.id, claimedBy: '小王', version: item.version })
    await waitFor(() => stream.seen(`"id":${item.id}`) && stream.seen('"claimedBy":"小王"'))
    const seenByLi = (await li.call<SuggestionItem>('GET', `/api/suggestions/${item.id}`)).body
    expect(seenByLi.claimedBy).toBe('小王')
    await stream.close()
  })

  it('lets exactly one of two agents claim an item both open at once', async () => {
    const { wang, li, item } = await twoAgents()
    const [a, b] = await Promise.all([
      wang.call<SuggestionItem | SuggestionConflictBody>('POST', `/api/suggestions/${item.id}/claim`, {}),
      li.call<SuggestionItem | SuggestionConflictBody>('POST', `/api/suggestions/${item.id}/claim`, {}),
    ])
    expect([a.status, b.status].sort()).toEqual([200, 409])
    const loser = a.status === 409 ? a.body as SuggestionConflictBody : b.body as SuggestionConflictBody
    const winner = a.status === 409 ? '小李' : '小王'
    expect(loser).toMatchObject({ error: 'claimed_by_other', current: { claimedBy: winner } })
    expect(loser.message).toContain(winner)
  })

  it("refuses to send a colleague's item with 409 claimed_by_other unless takeOver, and audits the takeover", async () => {
    const { t, wang, li, item } = await twoAgents()
    await wang.call('POST', `/api/suggestions/${item.id}/claim`, {})
    const refused = await li.call<SuggestionConflictBody>('POST', `/api/suggestions/${item.id}/send`, { version: item.version })
    expect(refused.status).toBe(409)
    expect(refused.body).toMatchObject({ error: 'claimed_by_other', current: { id: item.id, status: 'pending', claimedBy: '小王' } })
    // Reject and mark-sent ask the same.
    expect((await li.call<SuggestionConflictBody>('POST', `/api/suggestions/${item.id}/reject`, { version: item.version })).body.error).toBe('claimed_by_other')
    expect((await li.call<SuggestionConflictBody>('POST', `/api/suggestions/${item.id}/mark-sent`, { text: '好的', version: item.version })).body.error).toBe('claimed_by_other')
    expect(t.world.said).toHaveLength(0)

    const taken = await li.call<{ status: string }>('POST', `/api/suggestions/${item.id}/send`, { version: item.version, takeOver: true })
    expect([200, 202]).toContain(taken.status)
    await waitFor(() => t.world.said.length === 1)
    const sent = await waitFor(async () => { const s = await t.app.suggestions.get(item.id); return s.status === 'sent' ? s : undefined })
    expect(sent).toMatchObject({ decidedBy: '小李', claimedBy: null })
    const takeover = (await auditActions(t)).find((a) => a.action === 'suggestion.taken_over')
    expect(takeover).toMatchObject({ actor: '小李' })
    expect(JSON.parse(takeover!.detail)).toMatchObject({ from: '小王' })
  })

  it('takes an item over with the explicit claim button, audited, and the previous holder is then refused', async () => {
    const { t, wang, li, item } = await twoAgents()
    await wang.call('POST', `/api/suggestions/${item.id}/claim`, {})
    expect((await li.call('POST', `/api/suggestions/${item.id}/claim`, {})).status).toBe(409)
    const taken = await li.call<SuggestionItem>('POST', `/api/suggestions/${item.id}/claim`, { takeOver: true })
    expect(taken.body.claimedBy).toBe('小李')
    expect((await auditActions(t)).filter((a) => a.action === 'suggestion.taken_over').map((a) => a.actor)).toEqual(['小李'])
    const refused = await wang.call<SuggestionConflictBody>('POST', `/api/suggestions/${item.id}/send`, { version: item.version })
    expect(refused.body).toMatchObject({ error: 'claimed_by_other', current: { claimedBy: '小李' } })
  })

  it('refuses a decision on a version the agent no longer sees with 409 stale and the current item', async () => {
    const { t, wang, li, item } = await twoAgents()
    // 小王 corrects the intent: the draft changes, and with it the version.
    const fixed = await wang.call<SuggestionItem>('POST', `/api/suggestions/${item.id}/fix-intent`, { intentId: 'invoice.issue', version: item.version })
    expect(fixed.status).toBe(200)
    expect(fixed.body.version).toBe(item.version + 1)
    const stale = await wang.call<SuggestionConflictBody>('POST', `/api/suggestions/${item.id}/send`, { version: item.version })
    expect(stale.status).toBe(409)
    expect(stale.body).toMatchObject({ error: 'stale', current: { id: item.id, version: item.version + 1, intentId: 'invoice.issue' } })
    expect(t.world.said).toHaveLength(0)

    // 小王 sends what he now sees; 小李's reject on the version he saw is stale and says who sent it.
    expect([200, 202]).toContain((await wang.call('POST', `/api/suggestions/${item.id}/send`, { version: fixed.body.version })).status)
    const late = await li.call<SuggestionConflictBody>('POST', `/api/suggestions/${item.id}/reject`, { version: item.version })
    expect(late.status).toBe(409)
    expect(late.body.error).toBe('stale')
    expect(['sending', 'sent']).toContain(late.body.current.status)
    expect(late.body.current.decidedBy).toBe('小王')
    expect(late.body.message).toContain('小王')
    await waitFor(() => t.world.said.length === 1)
  })

  it('moves the version on with every change: escalation past the SLA, the send and its outcome', async () => {
    const { t, item } = await twoAgents()
    const { escalateOverdue } = await import('../../src/escalation/sla-escalation.js')
    skewMs = 20 * 60_000
    await escalateOverdue({ db: t.app.db, clock, notify: t.app.suggestions.notify }, 15)
    const escalated = await t.app.suggestions.get(item.id)
    expect(escalated).toMatchObject({ escalationReason: 'sla', version: item.version + 1 })
    await t.app.suggestions.send(item.id, { actor: 'api', version: escalated.version })
    const sent = await waitFor(async () => { const s = await t.app.suggestions.get(item.id); return s.status === 'sent' ? s : undefined })
    // sending, then sent (the outbox outcome).
    expect(sent.version).toBe(item.version + 3)
  })

  it('frees a claim after five minutes without activity from its holder', async () => {
    const { t, wang, li, item } = await twoAgents()
    await wang.call('POST', `/api/suggestions/${item.id}/claim`, {})
    skewMs = 4 * 60_000
    expect((await li.call<SuggestionItem>('GET', `/api/suggestions/${item.id}`)).body.claimedBy).toBe('小王')
    // Activity (typing renews the claim) keeps it: four more minutes after the renewal it still holds.
    await wang.call('POST', `/api/suggestions/${item.id}/claim`, {})
    skewMs = 8 * 60_000
    expect((await li.call<SuggestionItem>('GET', `/api/suggestions/${item.id}`)).body.claimedBy).toBe('小王')
    skewMs = 9 * 60_000 + 1000
    expect((await li.call<SuggestionItem>('GET', `/api/suggestions/${item.id}`)).body.claimedBy).toBeNull()
    const sent = await li.call('POST', `/api/suggestions/${item.id}/send`, { version: item.version })
    expect([200, 202]).toContain(sent.status)
    await waitFor(() => t.world.said.length === 1)
    expect((await auditActions(t)).some((a) => a.action === 'suggestion.taken_over')).toBe(false)
  })

  it('keeps API-token callers working without a version, and asks them too before deciding on a claimed item', async () => {
    const { t, wang, item } = await twoAgents()
    t.world.ask(t.world.bob, '能开发票吗')
    const other = await waitFor(async () => (await t.api<SuggestionItem[]>('GET', '/api/suggestions?status=pending')).body.find((s) => s.question === '能开发票吗'))
    expect([200, 202]).toContain((await t.api('POST', `/api/suggestions/${other.id}/send`)).status)
    await wang.call('POST', `/api/suggestions/${item.id}/claim`, {})
    expect((await t.api<SuggestionConflictBody>('POST', `/api/suggestions/${item.id}/reject`, { reason: '重复' })).body.error).toBe('claimed_by_other')
    expect((await t.api('POST', `/api/suggestions/${item.id}/reject`, { reason: '重复', takeOver: true })).status).toBe(200)
  })

  it('lets go of an agent’s previous claim when they open another item', async () => {
    const { t, wang, li, item } = await twoAgents()
    t.world.ask(t.world.bob, '能开发票吗')
    const other = await waitFor(async () => (await wang.call<SuggestionItem[]>('GET', '/api/suggestions?status=pending')).body.find((s) => s.question === '能开发票吗'))
    await wang.call('POST', `/api/suggestions/${item.id}/claim`, {})
    await wang.call('POST', `/api/suggestions/${other.id}/claim`, {})
    expect((await li.call<SuggestionItem>('GET', `/api/suggestions/${item.id}`)).body.claimedBy).toBeNull()
    expect((await li.call<SuggestionItem>('GET', `/api/suggestions/${other.id}`)).body.claimedBy).toBe('小王')
  })
})

// Several processes on one database is a PostgreSQL setup: the claim and the version are checked by the database.
describe.skipIf(!onPostgres())('claims across two instances on one PostgreSQL database', { timeout: 90_000 }, () => {
  it("shows a claim made on one instance on the other's stream and refuses the other's send", async () => {
    skewMs = 0
    const work = await makeWorkdir()
    const a = await start(work, { QUNDESK_INSTANCE_ID: 'a' })
    const b = await start(work, { QUNDESK_INSTANCE_ID: 'b' })
    await a.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    await a.app.auth.addUser({ name: '小李', role: 'agent', password: PASSWORD, actor: 'test' })
    const wang = (await login(a.app.url, '小王', PASSWORD)).session!
    const li = (await login(b.app.url, '小李', PASSWORD)).session!
    a.world.ask(a.world.alice, '我的快递到哪了')
    const item = await waitFor(async () => (await li.call<SuggestionItem[]>('GET', '/api/suggestions?status=pending')).body.find((s) => s.question === '我的快递到哪了'))
    const stream = await watchEvents(b.app.url, li)
    await waitFor(() => stream.seen('retry:'))
    expect((await wang.call('POST', `/api/suggestions/${item.id}/claim`, {})).status).toBe(200)
    await waitFor(() => stream.seen('"claimedBy":"小王"'), { timeoutMs: 20_000 })
    const refused = await li.call<SuggestionConflictBody>('POST', `/api/suggestions/${item.id}/send`, { version: item.version })
    expect(refused.body).toMatchObject({ error: 'claimed_by_other', current: { claimedBy: '小王' } })
    await stream.close()
  })
})
