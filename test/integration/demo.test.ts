import fs from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { DistributionView, ReportView } from '../../src/console/contract.js'
import { loadConfig } from '../../src/config/load-config.js'
import { createLogger } from '../../src/core/logger.js'
import { startQunDesk, type QunDesk } from '../../src/main.js'
import { callApi, makeWorkdir, testEnv, waitFor, type Workdir } from './test-context.js'

let app: QunDesk | undefined
afterEach(async () => {
  await app?.stop()
  app = undefined
})

/** A workdir with the shipped knowledge and rules: the demo as `npm start` runs it. */
async function shippedWorkdir(): Promise<Workdir> {
  const work = await makeWorkdir('../../knowledge')
  await fs.cp(path.join(import.meta.dirname, '../../rules'), path.join(work.dir, 'rules'), { recursive: true })
  return work
}

// The scripted questions start 3 s in and then come every 600 s: the tests ask their own.
const startDemo = (work: Workdir) =>
  startQunDesk(loadConfig(testEnv(work, { QUNDESK_DEMO_INTERVAL_SECONDS: '600' })), { logger: createLogger({ level: 'silent' }) })

const historyCounts = async (demo: QunDesk) => ({
  messages: (await demo.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('id', 'like', 'wechaty:demo-history-%').executeTakeFirstOrThrow()).n,
  decisions: (await demo.db.selectFrom('suggestions').select((eb) => eb.fn.countAll<number>().as('n')).where('decided_by', 'in', ['小王', '小李']).executeTakeFirstOrThrow()).n,
  tagDays: (await demo.db.selectFrom('tag_counts').select('day').distinct().execute()).length,
  joins: (await demo.db.selectFrom('group_members').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
})

describe('demo mode (npm start without a puppet)', () => {
  it('answers the simulated customers, and welcomes the newcomer through the queue with the shipped rules', { timeout: 40_000 }, async () => {
    const startedAt = new Date().toISOString()
    app = await startDemo(await shippedWorkdir())
    expect(app.demo).toBeDefined()
    expect(app.demoAdmin?.name).toBe('admin')

    // What happened since the start (the history's items were created in the past week).
    const live = async () => (await app!.suggestions.list()).filter((s) => s.createdAt >= startedAt)
    const answer = await waitFor(async () => (await live()).find((s) => s.kind === 'answer' || s.kind === 'needs_human'), { timeoutMs: 20_000 })
    expect(answer.groupName).toBe('演示客户群')
    const welcome = await waitFor(async () => (await live()).find((s) => s.kind === 'outreach' && s.memberName === '新客户小林'), { timeoutMs: 20_000 })
    expect(welcome).toMatchObject({ status: 'pending', text: '新客户小林，欢迎加入！有问题随时@我。' })
    // The customers who were there at start joined weeks ago (or were welcomed in the history): no new welcome for them.
    expect((await live()).filter((s) => s.kind === 'outreach')).toHaveLength(1)
    const member = await app.directory.get(welcome.memberId)
    expect(member.memberships[0]).toMatchObject({ lifecycle: '新成员', joinedAtEstimated: false })
  })

  it('starts with a week of history: the reports and the tag distribution are filled, members joined over weeks', { timeout: 40_000 }, async () => {
    app = await startDemo(await shippedWorkdir())
    expect(app.demoHistory).toMatchObject({ days: 7 })
    expect(app.demoHistory!.questions).toBeGreaterThan(40)

    const report = (await callApi<ReportView>(app.url, 'GET', '/api/reports')).body
    expect(report.days).toHaveLength(7)
    const past = report.days.slice(0, 6)
    expect(past.every((d) => d.questions > 0)).toBe(true)
    const total = (key: 'autoSent' | 'approved' | 'edited' | 'rejected' | 'escalated') => report.days.reduce((n, d) => n + d[key], 0)
    for (const key of ['autoSent', 'approved', 'edited', 'rejected', 'escalated'] as const) expect(total(key), key).toBeGreaterThan(0)
    expect(past.filter((d) => d.medianResponseMs !== null).length).toBeGreaterThanOrEqual(5)
    expect(report.agents.map((a) => a.agent).sort()).toEqual(['小李', '小王'])
    expect(report.groups.map((g) => g.groupName).sort()).toEqual(['演示VIP客户群', '演示客户群'])
    // Yesterday evening's two escalated questions still wait for a human.
    expect(report.unanswered.map((u) => u.question)).toEqual(expect.arrayContaining(['转人工，我要找真人', '我要投诉！快递员态度太差了']))

    const distribution = (await callApi<DistributionView>(app.url, 'GET', '/api/tags/distribution?days=14')).body
    const days = new Set(distribution.rows.map((r) => r.day))
    expect(days.size).toBeGreaterThanOrEqual(7)
    const tags = new Set(distribution.rows.filter((r) => r.kind === 'tag' && r.members > 0).map((r) => r.name))
    for (const tag of ['新成员', '活跃', '投诉风险']) expect(tags.has(tag), tag).toBe(true)

    const zhangsan = await app.directory.get('demo-zhangsan')
    expect(zhangsan.memberships[0]).toMatchObject({ groupName: '演示客户群', joinedAtEstimated: false })
    expect(Date.now() - Date.parse(zhangsan.memberships[0]!.joinedAt)).toBeGreaterThan(40 * 86_400_000)
    // The history's welcome and care messages were sent by an agent, never left for the live queue.
    const history = (await app.suggestions.list()).filter((s) => s.kind === 'outreach' && s.createdAt < new Date(Date.now() - 3_600_000).toISOString())
    expect(history.some((s) => s.text?.includes('刚才的问题给您添麻烦了'))).toBe(true)
    expect(history.every((s) => s.status === 'sent')).toBe(true)
  })

  it('shows the stricter VIP band, an auto-sent answer, a follow-up question and a care message', { timeout: 60_000 }, async () => {
    app = await startDemo(await shippedWorkdir())
    const demo = app.demo!
    const startedAt = new Date().toISOString()
    const liveFor = async (memberName: string, text: string) =>
      (await app!.suggestions.list()).find((s) => s.memberName === memberName && s.question === text && s.askedAt >= startedAt)

    // The same question: sent at once in the main group, waiting for an agent in the VIP group (auto-send band 0.85).
    demo.askOnce('会员积分可以抵现吗', { group: 'main', customer: '李梅' })
    demo.askOnce('会员积分可以抵现吗', { group: 'vip', customer: '钱女士' })
    const main = await waitFor(async () => { const s = await liveFor('李梅', '会员积分可以抵现吗'); return s?.status === 'sent' ? s : undefined }, { timeoutMs: 20_000 })
    expect(main).toMatchObject({ groupName: '演示客户群', intentId: 'member.points', decision: 'auto_sent' })
    const vip = await waitFor(() => liveFor('钱女士', '会员积分可以抵现吗'), { timeoutMs: 20_000 })
    expect(vip).toMatchObject({ groupName: '演示VIP客户群', intentId: 'member.points', status: 'pending', kind: 'answer' })

    // A slot intent without the order number: the bot asks for it, and drafts once the customer says it.
    demo.askOnce('帮我催一下发货', { customer: '王大力' })
    const ask = await waitFor(async () => (await app!.db.selectFrom('outbox').selectAll().where('source', 'like', 'slot:%').where('created_at', '>=', startedAt).execute())
      .find((row) => row.status === 'sent'), { timeoutMs: 20_000 })
    expect(ask.text).toBe('王大力您好，麻烦发一下订单号，我马上帮您催～')
    demo.say('订单号 DD20261203017', { customer: '王大力' })
    const urge = await waitFor(async () => (await app!.suggestions.list()).find((s) => s.intentId === 'logistics.urge' && s.memberName === '王大力' && s.askedAt >= startedAt), { timeoutMs: 20_000 })
    expect(urge.text).toContain('DD20261203017')

    // A complaint: escalated, the customer becomes 投诉风险, and a care message waits in the queue (it is the agents' reminder too).
    const before = await app.directory.get('demo-zhangsan')
    expect(before.memberships[0]!.tags.map((t) => t.tag)).not.toContain('投诉风险')
    demo.askOnce('我要投诉！客服一直不回', { customer: '张三' })
    const care = await waitFor(async () => (await app!.suggestions.list()).find((s) => s.kind === 'outreach' && s.memberName === '张三' && s.createdAt >= startedAt), { timeoutMs: 20_000 })
    expect(care).toMatchObject({ status: 'pending', text: '张三您好，刚才的问题给您添麻烦了，非常抱歉！客服主管已经在跟进，有任何情况随时@我。' })
    const complaint = await liveFor('张三', '我要投诉！客服一直不回')
    expect(complaint).toMatchObject({ intentId: 'complaint.service', status: 'pending' })
    expect(complaint!.escalationReason).toBeTruthy()
  })

  it('seeds the history once: a restart on the same data folder adds none', { timeout: 60_000 }, async () => {
    const work = await shippedWorkdir()
    app = await startDemo(work)
    expect(app.demoHistory).toBeDefined()
    const first = await historyCounts(app)
    await app.stop()
    app = await startDemo(work)
    expect(app.demoHistory).toBeUndefined()
    const second = await historyCounts(app)
    expect(second.messages).toBe(first.messages)
    expect(second.decisions).toBe(first.decisions)
    expect(second.tagDays).toBeLessThanOrEqual(first.tagDays + 1)
  })
})
