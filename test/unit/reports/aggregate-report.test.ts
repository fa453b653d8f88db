import { describe, expect, it } from 'vitest'
import { aggregateReport } from '../../../src/reports/aggregate-report.js'
import { pendingRow, reportRow } from './report-rows.js'

const CHINA = 480
const noOutcomes = { answered: 0, resolved: 0, unresolved: 0, resolutionOpen: 0, resolutionRate: null, positive: 0, negative: 0, noFeedback: 0, satisfactionRate: null }
const zero = { questions: 0, autoSent: 0, approved: 0, edited: 0, rejected: 0, escalated: 0, pending: 0, medianResponseMs: null, p90ResponseMs: null, ...noOutcomes }

describe('aggregateReport', () => {
  it.each([
    { name: '15:59:59.999Z is still the same China day', askedAt: '2026-11-23T15:59:59.999Z', offset: CHINA, day: '2026-11-23' },
    { name: '16:00Z is the next China day', askedAt: '2026-11-23T16:00:00.000Z', offset: CHINA, day: '2026-11-24' },
    { name: 'early UTC morning is the same China day', askedAt: '2026-11-23T00:30:00.000Z', offset: CHINA, day: '2026-11-23' },
    { name: 'at UTC, 16:00Z stays on its UTC day', askedAt: '2026-11-23T16:00:00.000Z', offset: 0, day: '2026-11-23' },
  ])('buckets by day at the offset: $name', ({ askedAt, offset, day }) => {
    const result = aggregateReport([reportRow({ asked_at: askedAt })], ['2026-11-23', '2026-11-24'], offset)
    expect(result.rows.map((r) => r.day)).toEqual([day])
    expect(result.days.find((d) => d.day === day)?.questions).toBe(1)
  })

  it('counts each decision and escalations, with response percentiles per bucket', () => {
    const rows = [
      reportRow({ decision: 'auto_sent', response_ms: 1_000 }),
      reportRow({ decision: 'sent', response_ms: 2_000 }),
      reportRow({ decision: 'edited', kind: 'needs_human', response_ms: 3_000 }),
      reportRow({ decision: 'edited', response_ms: 4_000 }),
      reportRow({ decision: 'rejected', status: 'rejected', response_ms: null }),
      pendingRow({ kind: 'needs_human' }),
      pendingRow({ status: 'sending' }),
    ]
    const { rows: cells, days, groups } = aggregateReport(rows, ['2026-11-23'], CHINA)
    const expected = { questions: 7, autoSent: 1, approved: 1, edited: 2, rejected: 1, escalated: 2, pending: 2, medianResponseMs: 2_500, p90ResponseMs: 3_700, ...noOutcomes }
    expect(cells).toEqual([{ day: '2026-11-23', groupId: 'g1@chatroom', groupName: '一号群', ...expected }])
    expect(days).toEqual([{ day: '2026-11-23', ...expected }])
    expect(groups).toEqual([{ groupId: 'g1@chatroom', groupName: '一号群', ...expected }])
  })

  it('lists every day of the range, zeros on quiet days, even with no data at all', () => {
    expect(aggregateReport([], ['2026-11-22', '2026-11-23', '2026-11-24'], CHINA)).toEqual({
      rows: [],
      days: [{ day: '2026-11-22', ...zero }, { day: '2026-11-23', ...zero }, { day: '2026-11-24', ...zero }],
      groups: [],
      intents: [],
    })
  })

  it('computes totals over raw response times, not as a median of medians', () => {
    const rows = [
      reportRow({ group_id: 'a', group_name: 'A', response_ms: 1_000 }),
      reportRow({ group_id: 'b', group_name: 'B', response_ms: 10_000 }),
      reportRow({ group_id: 'b', group_name: 'B', response_ms: 20_000 }),
      reportRow({ group_id: 'b', group_name: 'B', response_ms: 30_000 }),
    ]
    const { rows: cells, days } = aggregateReport(rows, ['2026-11-23'], CHINA)
    expect(cells.map((c) => [c.groupName, c.medianResponseMs])).toEqual([['A', 1_000], ['B', 20_000]])
    // raw [1000, 10000, 20000, 30000] → 15000; the median of the two group medians would be 10500.
    expect(days[0]?.medianResponseMs).toBe(15_000)
  })

  it('sorts rows by day then group name, and groups busiest first, named by their newest name', () => {
    const rows = [
      reportRow({ group_id: 'z', group_name: 'Old', asked_at: '2026-11-23T01:00:00.000Z' }),
      reportRow({ group_id: 'z', group_name: 'New', asked_at: '2026-11-24T01:00:00.000Z' }),
      reportRow({ group_id: 'z', group_name: 'New', asked_at: '2026-11-24T02:00:00.000Z' }),
      reportRow({ group_id: 'a', group_name: 'Alpha', asked_at: '2026-11-23T03:00:00.000Z' }),
    ]
    const result = aggregateReport(rows, ['2026-11-23', '2026-11-24'], CHINA)
    expect(result.rows.map((r) => `${r.day} ${r.groupName} ${r.questions}`)).toEqual(['2026-11-23 Alpha 1', '2026-11-23 New 1', '2026-11-24 New 2'])
    expect(result.groups.map((g) => `${g.groupName} ${g.questions}`)).toEqual(['New 3', 'Alpha 1'])
  })

  it('leaves out rows outside the days so every table adds up to the same total', () => {
    const result = aggregateReport([reportRow({ asked_at: '2026-11-25T01:00:00.000Z' }), reportRow()], ['2026-11-23'], CHINA)
    expect(result.rows).toHaveLength(1)
    expect(result.groups[0]?.questions).toBe(1)
  })

  it('counts resolution and satisfaction over replied questions, per day, group and intent', () => {
    const rows = [
      reportRow({ resolution: 'resolved', satisfaction: 'positive' }),
      reportRow({ resolution: 'unresolved', satisfaction: 'negative' }),
      reportRow({ resolution: 'open', satisfaction: 'unknown', intent_id: 'logistics.track' }),
      reportRow({ decision: 'rejected', status: 'rejected', replied_at: null, response_ms: null }),
      pendingRow({ kind: 'needs_human', intent_id: null }),
    ]
    const { days, groups, intents } = aggregateReport(rows, ['2026-11-23'], CHINA)
    const outcomes = { answered: 3, resolved: 1, unresolved: 1, resolutionOpen: 1, resolutionRate: 0.5, positive: 1, negative: 1, noFeedback: 1, satisfactionRate: 0.5 }
    expect(days[0]).toMatchObject(outcomes)
    expect(groups[0]).toMatchObject(outcomes)
    expect(intents.map((i) => [i.intentId, i.questions, i.answered, i.resolutionRate])).toEqual([['invoice.issue', 3, 2, 0.5], ['logistics.track', 1, 1, null], [null, 1, 0, null]])
  })
})
