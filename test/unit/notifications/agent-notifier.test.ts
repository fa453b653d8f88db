import { describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/core/logger.js'
import { noticeFor, notifyAgents } from '../../../src/notifications/agent-notifier.js'
import { digestMarkdown } from '../../../src/notifications/daily-digest.js'
import type { Report } from '../../../src/core/report.js'
import type { Suggestion } from '../../../src/suggestions/suggestion.js'
import type { SuggestionEvent } from '../../../src/suggestions/suggestion-service.js'

const suggestion = (over: Partial<Suggestion> = {}): Suggestion => ({
  id: 1, messageId: 'm1', groupId: 'g1', groupName: 'VIP客户群', memberId: 'c1', memberName: '张三', question: '我要投诉', kind: 'needs_human', needsHuman: true,
  intentId: null, score: null, text: null, status: 'pending', createdAt: '', askedAt: '', decision: null, decidedBy: null, decidedAt: null, finalText: null,
  rejectReason: null, repliedAt: null, responseMs: null, lastError: null, matchedIntentId: null, emotionSeverity: null, escalationReason: null, escalationDetail: null, version: 1, claimedBy: null, claimedAt: null, aiDraft: null, ...over,
})

describe('noticeFor', () => {
  it.each([
    { label: 'an escalated new question', event: { type: 'created', suggestion: suggestion({ escalationReason: 'keyword', escalationDetail: '转人工' }) }, text: '【需人工】群「VIP客户群」张三：我要投诉\n原因：客户要求转人工（转人工）' },
    { label: 'an SLA escalation update', event: { type: 'updated', suggestion: suggestion({ escalationReason: 'sla' }) }, text: '【需人工】群「VIP客户群」张三：我要投诉\n原因：超时未回复' },
    { label: 'a tag reminder', event: { type: 'created', suggestion: suggestion({ kind: 'reminder', question: '【提醒】张三 标签「流失预警」新增' }) }, text: '【成员提醒】群「VIP客户群」【提醒】张三 标签「流失预警」新增' },
    { label: 'an ordinary answer', event: { type: 'created', suggestion: suggestion({ kind: 'answer' }) }, text: undefined },
    { label: 'an escalation already sent', event: { type: 'updated', suggestion: suggestion({ escalationReason: 'keyword', status: 'sent' }) }, text: undefined },
  ] as Array<{ label: string; event: SuggestionEvent; text: string | undefined }>)('$label', ({ event, text }) => {
    expect(noticeFor(event)).toBe(text)
  })
})

describe('notifyAgents', () => {
  it('tells the group once per suggestion, and a failing robot never throws into the queue', async () => {
    let listener: ((event: SuggestionEvent) => void) | undefined
    const sent: string[] = []
    notifyAgents({ subscribe: (l) => ((listener = l), () => undefined), send: async (text) => { sent.push(text); throw new Error('robot down') }, logger: createLogger({ level: 'silent' }) })
    const escalated = suggestion({ escalationReason: 'emotion' })
    listener!({ type: 'created', suggestion: escalated })
    listener!({ type: 'updated', suggestion: { ...escalated, escalationReason: 'sla' } })
    await new Promise((resolve) => setImmediate(resolve))
    expect(sent).toHaveLength(1)
  })
})

describe('digestMarkdown', () => {
  it('summarises the last day with the busiest groups', () => {
    const day = { day: '2026-11-23', questions: 12, autoSent: 4, approved: 5, edited: 1, rejected: 1, escalated: 2, pending: 1, medianResponseMs: 90_000, p90ResponseMs: null }
    const report = { range: { from: '2026-11-23', to: '2026-11-23' }, utcOffsetMinutes: 480, slaMinutes: 15, rows: [], days: [day], groups: [{ ...day, groupId: 'g1', groupName: 'VIP客户群' }], unanswered: [], unmatched: [] } as unknown as Report
    const text = digestMarkdown(report)
    expect(text).toContain('**群客服日报** 2026-11-23')
    expect(text).toContain('提问 <font color="info">12</font>，自动回复 4，客服发送 6（改写 1），拒绝 1')
    expect(text).toContain('首次响应中位数 1.5 分钟，P90 —')
    expect(text).toContain('- VIP客户群：12 问，转人工 2')
  })
})
