import { describe, expect, it } from 'vitest'
import { RESOLUTION_WINDOW_HOURS, judgeResolution, rateOf } from '../../../src/reports/first-contact-resolution.js'

const answered = { intentId: 'invoice.issue', repliedAt: '2026-11-23T02:00:00.000Z' }
const justAfter = new Date('2026-11-23T03:00:00.000Z')
const dayLater = new Date('2026-11-24T02:00:00.000Z')

describe('judgeResolution', () => {
  it('watches a day by default', () => {
    expect(RESOLUTION_WINDOW_HOURS).toBe(24)
  })

  it('is resolved once the window passed with no re-ask and no escalation', () => {
    expect(judgeResolution(answered, [], dayLater, 24)).toBe('resolved')
  })

  it('is open while the window runs and nothing came yet: today is not 100%', () => {
    expect(judgeResolution(answered, [], justAfter, 24)).toBe('open')
    expect(judgeResolution(answered, [], new Date(dayLater.getTime() - 1), 24)).toBe('open')
  })

  it('is unresolved when the member asked the same intent again, at once', () => {
    expect(judgeResolution(answered, [{ intentId: 'invoice.issue', escalationReason: null }], justAfter, 24)).toBe('unresolved')
  })

  it('is unresolved when the member escalated (转人工, complaint, emotion, misses)', () => {
    for (const reason of ['keyword', 'intent', 'emotion', 'misses'] as const) {
      expect(judgeResolution(answered, [{ intentId: null, escalationReason: reason }], dayLater, 24)).toBe('unresolved')
    }
  })

  it('is not undone by a different question, nor by an SLA overrun (the agents were slow, not the answer wrong)', () => {
    const later = [{ intentId: 'logistics.track', escalationReason: null }, { intentId: 'returns.refund', escalationReason: 'sla' as const }]
    expect(judgeResolution(answered, later, dayLater, 24)).toBe('resolved')
  })

  it('judges a reply without an intent (a 需人工 answered by hand) on escalations only', () => {
    const byHand = { intentId: null, repliedAt: answered.repliedAt }
    expect(judgeResolution(byHand, [{ intentId: null, escalationReason: null }], dayLater, 24)).toBe('resolved')
    expect(judgeResolution(byHand, [{ intentId: null, escalationReason: 'keyword' }], dayLater, 24)).toBe('unresolved')
  })

  it('takes another window when given one', () => {
    expect(judgeResolution(answered, [], new Date('2026-11-23T04:00:00.000Z'), 2)).toBe('resolved')
  })
})

describe('rateOf', () => {
  it('is a ratio with four decimals, and null for nothing counted', () => {
    expect(rateOf(2, 3)).toBe(0.6667)
    expect(rateOf(3, 3)).toBe(1)
    expect(rateOf(0, 0)).toBeNull()
  })
})
