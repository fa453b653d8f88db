import { describe, expect, it } from 'vitest'
import { slaCutoffIso, toUnansweredItems } from '../../../src/reports/list-unanswered.js'

describe('unanswered past the SLA', () => {
  it.each([
    { now: '2026-11-23T08:15:00.000Z', sla: 15, cutoff: '2026-11-23T08:00:00.000Z' },
    { now: '2026-11-23T00:05:00.000Z', sla: 10, cutoff: '2026-11-22T23:55:00.000Z' },
    { now: '2026-11-23T08:15:00.000Z', sla: 0, cutoff: '2026-11-23T08:15:00.000Z' },
  ])('cutoff for $sla min at $now is $cutoff', ({ now, sla, cutoff }) => {
    expect(slaCutoffIso(new Date(now), sla)).toBe(cutoff)
  })

  it('reports waiting time in integer ms', () => {
    const now = new Date('2026-11-23T08:20:00.500Z')
    expect(toUnansweredItems([{ id: 7, group_id: 'g1', group_name: '一号群', member_name: '张三', question: '在吗', asked_at: '2026-11-23T08:00:00.000Z' }], now)).toEqual([
      { suggestionId: 7, groupId: 'g1', groupName: '一号群', memberName: '张三', question: '在吗', askedAt: '2026-11-23T08:00:00.000Z', waitingMs: 1_200_500 },
    ])
  })
})
