import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createReportService, type ReportService } from '../../../src/reports/report-service.js'
import { type Db } from '../../../src/storage/create-db.js'
import { insertMessageOnce } from '../../../src/storage/message.repository.js'
import type { EscalationReason, SuggestionDecision, SuggestionKind } from '../../../src/core/vocabulary.js'
import { insertSuggestion, transitionSuggestion } from '../../../src/storage/suggestion.repository.js'
import { createTestDb } from '../../support/test-database.js'

// 16:20 on 2026-11-23 in China.
const NOW = new Date('2026-11-23T08:20:00.000Z')
let now = NOW
let db: Db
let reports: ReportService
let seq = 0

const GROUPS = { g1: '一号群', g2: '二号群' } as const

/** Stores a customer's @-mention and its suggestion the way the pipeline does, then applies a decision. */
async function ask(input: { askedAt: string; group?: keyof typeof GROUPS; question?: string; kind?: SuggestionKind; decision?: SuggestionDecision; responseMs?: number; sending?: boolean; member?: string; intentId?: string; escalation?: EscalationReason }) {
  const id = `test:${++seq}`
  const group = input.group ?? 'g1'
  const question = input.question ?? '能开发票吗'
  const kind = input.kind ?? 'answer'
  const member = input.member ?? 'c1'
  await insertMessageOnce(db, { id, channel: 'test', group_id: group, group_name: GROUPS[group], sender_id: member, sender_name: '张三', text: `@客服助手 ${question}`, question, mentions_bot: 1, from_self: 0, sent_at: input.askedAt, received_at: input.askedAt, status: 'handled' })
  const s = await insertSuggestion(db, {
    message_id: id, group_id: group, group_name: GROUPS[group], member_id: member, member_name: '张三', question, kind,
    intent_id: kind === 'answer' ? input.intentId ?? 'invoice.issue' : null, score: kind === 'answer' ? 0.9 : null, text: kind === 'answer' ? '可以开' : null,
    status: 'pending', created_at: input.askedAt, asked_at: input.askedAt, escalation_reason: input.escalation ?? null,
  })
  if (input.sending) await transitionSuggestion(db, s.id, 'pending', { status: 'sending', decided_by: 'agent:小王', decided_at: input.askedAt })
  if (input.decision === 'rejected') {
    await transitionSuggestion(db, s.id, 'pending', { status: 'rejected', decision: 'rejected', decided_by: 'agent:小王', decided_at: input.askedAt })
  } else if (input.decision) {
    const responseMs = input.responseMs ?? 60_000
    const repliedAt = new Date(Date.parse(input.askedAt) + responseMs).toISOString()
    await transitionSuggestion(db, s.id, 'pending', { status: 'sent', decision: input.decision, decided_by: 'agent:小王', decided_at: repliedAt, final_text: '可以开', replied_at: repliedAt, response_ms: responseMs })
  }
  return s.id
}

/** A plain group message (no @): what a customer says after a reply. */
async function say(member: string, text: string, at: string, emotion: string = 'none', group: keyof typeof GROUPS = 'g1') {
  await insertMessageOnce(db, { id: `test:${++seq}`, channel: 'test', group_id: group, group_name: GROUPS[group], sender_id: member, sender_name: member, text, question: text, mentions_bot: 0, from_self: 0, sent_at: at, received_at: at, status: 'handled', emotion_severity: emotion })
}

beforeEach(async () => {
  now = NOW
  seq = 0
  db = await createTestDb()
  reports = createReportService({ db, clock: () => now })
})
afterEach(async () => db.destroy())

describe('report service over SQLite', () => {
  it('buckets by China day and group, with quiet days, totals and response percentiles', async () => {
    await ask({ askedAt: '2026-11-19T15:59:59.999Z', decision: 'sent' }) // 11-19 23:59 in China: before the range
    await ask({ askedAt: '2026-11-21T15:59:59.999Z', decision: 'sent', responseMs: 2_000 }) // 11-21 23:59 in China
    await ask({ askedAt: '2026-11-21T16:00:00.000Z', decision: 'auto_sent', responseMs: 1_000 }) // 11-22 00:00 in China
    await ask({ askedAt: '2026-11-22T03:00:00.000Z', group: 'g2', decision: 'edited', kind: 'needs_human', question: '今天天气怎么样', responseMs: 10_000 })
    await ask({ askedAt: '2026-11-22T15:59:00.000Z', decision: 'rejected' })
    await ask({ askedAt: '2026-11-23T16:00:00.000Z', decision: 'sent' }) // 11-24 00:00 in China: after the range
    await ask({ askedAt: '2026-11-23T08:00:00.000Z', kind: 'needs_human', question: '今天天气怎么样？' }) // pending

    const report = await reports.report({ from: '2026-11-20', to: '2026-11-23' }, { slaMinutes: 15 })
    expect(report).toMatchObject({ range: { from: '2026-11-20', to: '2026-11-23' }, utcOffsetMinutes: 480, slaMinutes: 15 })
    expect(report.days.map((d) => [d.day, d.questions])).toEqual([['2026-11-20', 0], ['2026-11-21', 1], ['2026-11-22', 3], ['2026-11-23', 1]])
    expect(report.days[0]).toMatchObject({ medianResponseMs: null, p90ResponseMs: null })
    // 11-22 replied in 1 s and 10 s: median 5.5 s, p90 1 + 0.9 × 9 = 9.1 s.
    expect(report.days[2]).toMatchObject({ autoSent: 1, approved: 0, edited: 1, rejected: 1, escalated: 1, pending: 0, medianResponseMs: 5_500, p90ResponseMs: 9_100 })
    // Chinese names sort by pinyin: 二 (er) before 一 (yi).
    expect(report.rows.map((r) => `${r.day} ${r.groupName} ${r.questions}`)).toEqual(['2026-11-21 一号群 1', '2026-11-22 二号群 1', '2026-11-22 一号群 2', '2026-11-23 一号群 1'])
    expect(report.groups.map((g) => [g.groupName, g.questions, g.pending, g.escalated, g.medianResponseMs])).toEqual([['一号群', 4, 1, 1, 1_500], ['二号群', 1, 0, 1, 10_000]])
    expect(report.unmatched).toEqual([{ question: '今天天气怎么样？', count: 2, lastAskedAt: '2026-11-23T08:00:00.000Z', groupNames: ['二号群', '一号群'] }])
  })

  it('lists pending @-mentions strictly older than the SLA, oldest first, whatever the range', async () => {
    const atBoundary = await ask({ askedAt: '2026-11-23T08:05:00.000Z' }) // exactly 15 min ago: not yet overdue
    const justOver = await ask({ askedAt: '2026-11-23T08:04:59.999Z', group: 'g2' })
    const oldest = await ask({ askedAt: '2026-11-01T01:00:00.000Z', kind: 'needs_human', question: '人呢' })
    await ask({ askedAt: '2026-11-23T07:00:00.000Z', decision: 'sent' })
    await ask({ askedAt: '2026-11-23T07:00:00.000Z', sending: true }) // being sent right now: not waiting on a human

    const report = await reports.report({ from: '2026-11-23', to: '2026-11-23' })
    expect(report.slaMinutes).toBe(15)
    expect(report.unanswered.map((u) => [u.suggestionId, u.waitingMs])).toEqual([[oldest, NOW.getTime() - Date.parse('2026-11-01T01:00:00.000Z')], [justOver, 900_001]])
    expect(report.unanswered[0]).toMatchObject({ groupId: 'g1', groupName: '一号群', memberName: '张三', question: '人呢', askedAt: '2026-11-01T01:00:00.000Z' })
    expect(report.unanswered.map((u) => u.suggestionId)).not.toContain(atBoundary)

    now = new Date(NOW.getTime() + 1)
    expect((await reports.report({ from: '2026-11-23', to: '2026-11-23' })).unanswered.map((u) => u.suggestionId)).toContain(atBoundary)
    expect((await reports.report({ from: '2026-11-23', to: '2026-11-23' }, { slaMinutes: 60 * 24 * 30 })).unanswered).toEqual([])
  })

  it('filters every table by group', async () => {
    await ask({ askedAt: '2026-11-23T01:00:00.000Z', group: 'g1', decision: 'sent' })
    await ask({ askedAt: '2026-11-23T01:00:00.000Z', group: 'g2', kind: 'needs_human', question: '退货' })
    await ask({ askedAt: '2026-11-23T01:00:00.000Z', group: 'g1', kind: 'needs_human', question: '换货' })

    const report = await reports.report({ from: '2026-11-23', to: '2026-11-23', groupId: 'g2' })
    expect(report.range).toEqual({ from: '2026-11-23', to: '2026-11-23', groupId: 'g2' })
    expect(report.rows.map((r) => r.groupId)).toEqual(['g2'])
    expect(report.groups.map((g) => g.groupId)).toEqual(['g2'])
    expect(report.days).toEqual([expect.objectContaining({ day: '2026-11-23', questions: 1, pending: 1 })])
    expect(report.unanswered.map((u) => u.groupId)).toEqual(['g2'])
    expect(report.unmatched.map((u) => u.question)).toEqual(['退货'])
  })

  it('defaults to the last 7 China days ending today', async () => {
    expect(reports.defaultRange()).toEqual({ from: '2026-11-17', to: '2026-11-23' })
    now = new Date('2026-11-23T16:00:00.000Z') // midnight in China: already the 24th
    expect(reports.defaultRange()).toEqual({ from: '2026-11-18', to: '2026-11-24' })
    const utc = createReportService({ db, clock: () => now, utcOffsetMinutes: 0 })
    expect(utc.defaultRange()).toEqual({ from: '2026-11-17', to: '2026-11-23' })
    expect((await reports.report(reports.defaultRange())).days).toHaveLength(7)
  })

  it('refuses ranges over 92 days and bad options with bad_request', async () => {
    await expect(reports.report({ from: '2026-01-01', to: '2026-04-03' })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('92') })
    await expect(reports.report({ from: '2026-11-23', to: '2026-11-22' })).rejects.toMatchObject({ code: 'bad_request' })
    await expect(reports.report({ from: '2026-11-23', to: '2026-11-23' }, { slaMinutes: -1 })).rejects.toMatchObject({ code: 'bad_request' })
    await expect(reports.report({ from: '2026-11-23', to: '2026-11-23' }, { unmatchedLimit: 0 })).rejects.toMatchObject({ code: 'bad_request' })
  })

  it('judges resolution and satisfaction in SQL windows that end exactly 24 h after each reply', async () => {
    // c1: replied at 01:01; re-asks the same intent 23:59 later → unresolved; says 谢谢 at once → positive.
    await ask({ askedAt: '2026-11-22T01:00:00.000Z', decision: 'sent', member: 'c1' })
    await say('c1', '好的，谢谢', '2026-11-22T01:02:00.000Z')
    await ask({ askedAt: '2026-11-23T01:00:00.000Z', member: 'c1' })
    // c2: re-asks the same intent one millisecond after the window, and says 还是不行 just inside it → resolved, negative.
    await ask({ askedAt: '2026-11-22T02:00:00.000Z', decision: 'sent', member: 'c2' })
    await say('c2', '还是不行', '2026-11-23T02:01:00.000Z', 'mild')
    await ask({ askedAt: '2026-11-23T02:01:00.001Z', member: 'c2', group: 'g2' })
    // c3: escalates (转人工) on another intent → unresolved; a thanks in another group does not count → unknown.
    await ask({ askedAt: '2026-11-22T03:00:00.000Z', decision: 'edited', member: 'c3' })
    await ask({ askedAt: '2026-11-22T05:00:00.000Z', member: 'c3', kind: 'needs_human', question: '转人工', escalation: 'keyword' })
    await say('c3', '谢谢', '2026-11-22T03:05:00.000Z', 'none', 'g2')
    // c4: asks a different intent later, thanks with insults → resolved (another intent), negative (emotion wins).
    await ask({ askedAt: '2026-11-22T04:00:00.000Z', decision: 'auto_sent', member: 'c4' })
    await ask({ askedAt: '2026-11-22T06:00:00.000Z', member: 'c4', intentId: 'logistics.track' })
    await say('c4', '谢谢你们的垃圾服务', '2026-11-22T04:02:00.000Z', 'moderate')
    // c5: replied at 07:01 on the 23rd, nothing since: at NOW (08:20) the window is still open.
    await ask({ askedAt: '2026-11-23T07:00:00.000Z', decision: 'sent', member: 'c5' })

    const report = await reports.report({ from: '2026-11-22', to: '2026-11-22' })
    expect(report.resolutionWindowHours).toBe(24)
    expect(report.days[0]).toMatchObject({ answered: 4, resolved: 2, unresolved: 2, resolutionOpen: 0, resolutionRate: 0.5, positive: 1, negative: 2, noFeedback: 1, satisfactionRate: 0.3333 })

    const today = await reports.report({ from: '2026-11-23', to: '2026-11-23' })
    expect(today.days[0]).toMatchObject({ answered: 1, resolved: 0, unresolved: 0, resolutionOpen: 1, resolutionRate: null, noFeedback: 1, satisfactionRate: null })
    expect(today.agents).toEqual([expect.objectContaining({ agent: 'agent:小王', handled: 1, sent: 1, resolutionOpen: 1 })])
  })
})
