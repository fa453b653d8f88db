import fs from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock } from '../../src/core/clock.js'
import { escalateOverdue } from '../../src/escalation/sla-escalation.js'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

const pending = () => t!.app.suggestions.list({ status: 'pending' })

describe('escalation to a human through the real stack', () => {
  it('escalates an explicit request for a person', async () => {
    t = await startTestApp(await makeWorkdir())
    t.world.ask(t.world.alice, '帮我转人工')
    const s = await waitFor(async () => (await pending())[0])
    expect(s).toMatchObject({ escalationReason: 'keyword', escalationDetail: '客户要求人工：转人工' })
  })

  it('never auto-sends to an angry customer, even for an auto_send intent, and logs the emotion on the message', async () => {
    const work = await makeWorkdir()
    // The angry question matches service.hours at 0.35: an answer under a looser band than the calibrated default (0.49).
    await fs.writeFile(path.join(work.kbDir, 'matching.yaml'), 'matching:\n  suggest: 0.25\n')
    t = await startTestApp(work)
    t.world.ask(t.world.alice, '客服几点下班？再不回我就去12315投诉')
    const s = await waitFor(async () => (await pending())[0])
    expect(s).toMatchObject({ intentId: 'service.hours', escalationReason: 'emotion', emotionSeverity: 'severe', status: 'pending' })
    await new Promise((r) => setTimeout(r, 200))
    // Only the handoff acknowledgement goes out, never the drafted answer.
    expect(t.world.said).toEqual([expect.stringMatching(/已为您转接人工客服，请稍候～$/u)])
    const row = await t.app.db.selectFrom('messages').selectAll().where('id', '=', s.messageId).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ emotion_severity: 'severe' })
    expect(row.emotion_score).toBeGreaterThan(0.8)
  })

  it('logs emotion for group chatter too, not only questions', async () => {
    t = await startTestApp(await makeWorkdir())
    t.world.bob.say('等了一个星期了还不发货，太过分了！！').to(t.world.room)
    const row = await waitFor(async () => (await t!.app.db.selectFrom('messages').selectAll().where('status', '=', 'ignored').execute())[0])
    expect(row.emotion_severity).toBe('moderate')
  })

  it('escalates the third unanswered question in a row from the same member', async () => {
    t = await startTestApp(await makeWorkdir())
    const questions = ['今天天气怎么样', '推荐一只股票', '周末去哪玩']
    for (const [i, q] of questions.entries()) {
      t.world.ask(t.world.bob, q)
      await waitFor(async () => (await pending()).length === i + 1)
    }
    const byQuestion = Object.fromEntries((await pending()).map((s) => [s.question, s.escalationReason]))
    expect(byQuestion).toEqual({ 今天天气怎么样: null, 推荐一只股票: null, 周末去哪玩: 'misses' })
  })

  it('escalates @-mentions left unanswered past the SLA, once, with an audit entry and a live update', async () => {
    t = await startTestApp(await makeWorkdir())
    t.world.ask(t.world.alice, '能开发票吗')
    const s = await waitFor(async () => (await pending())[0])
    const events: string[] = []
    // Only updates: on PostgreSQL the question's own `created` event can arrive after the row is already listed.
    t.app.suggestions.subscribe((e) => { if (e.type === 'updated') events.push(`${e.type}:${e.suggestion.escalationReason}`) })
    const overdue = (slaMinutes: number) => escalateOverdue({ db: t!.app.db, clock: systemClock, notify: t!.app.suggestions.notify }, slaMinutes)
    expect(await overdue(15)).toEqual([])
    const escalated = await overdue(0)
    expect(escalated.map((e) => e.id)).toEqual([s.id])
    expect(escalated[0]!.escalationDetail).toMatch(/^超过 SLA（0 分钟）未回复/)
    expect(await overdue(0)).toEqual([])
    expect(events).toEqual(['updated:sla'])
    const audit = await t.app.db.selectFrom('audit_log').selectAll().where('action', '=', 'suggestion.escalated').execute()
    expect(audit).toHaveLength(1)
  })
})
