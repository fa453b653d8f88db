import { describe, expect, it } from 'vitest'
import type { MemberActivityRow } from '../../../src/storage/member-metrics.repository.js'
import { toMemberFacts, wholeDaysSince } from '../../../src/tagging/activity-facts.js'
import { METRIC_NAMES } from '../../../src/tagging/metrics.js'

const NOW = new Date('2026-11-23T12:00:00.000Z')
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString()
const DAY = 86_400_000

const row = (over: Partial<MemberActivityRow> = {}): MemberActivityRow => ({
  group_id: 'g1', member_id: 'm1', member_name: '张三', group_name: '群', joined_at: ago(3 * DAY), joined_at_estimated: 0, left_at: null, join_scene: null,
  messages_7d: 1, messages_30d: 2, messages_90d: 3, messages_prev_30d: 4, mentions_7d: 0, mentions_30d: 1, mentions_90d: 1,
  active_days_30d: 2, last_active_at: ago(DAY + 1), negative_messages_30d: 0, severe_messages_30d: 0, questions_30d: 1, escalations_30d: 0, unanswered_30d: 0, sla_overruns_30d: 0,
  rule_tags: null, lifecycle: null, monthly_spend: null, total_spend: null, orders: null, returns: null, last_purchase_at: null, rfm_r: null, rfm_f: null, rfm_m: null,
  ...over,
})

describe('wholeDaysSince', () => {
  it.each([
    { label: 'now', ms: 0, days: 0 },
    { label: 'one minute short of a day', ms: DAY - 60_000, days: 0 },
    { label: 'exactly one day', ms: DAY, days: 1 },
    { label: 'six days 23 hours', ms: 7 * DAY - 3_600_000, days: 6 },
    { label: 'in the future (clock skew)', ms: -DAY, days: 0 },
  ])('counts whole days: $label → $days', ({ ms, days }) => {
    expect(wholeDaysSince(ago(ms), NOW)).toBe(days)
  })

  it('is null without a time or with a broken one', () => {
    expect(wholeDaysSince(null, NOW)).toBeNull()
    expect(wholeDaysSince('not a date', NOW)).toBeNull()
  })
})

describe('toMemberFacts', () => {
  it('fills in every metric in the catalogue', () => {
    expect(Object.keys(toMemberFacts(row(), { now: NOW }).metrics).sort()).toEqual([...METRIC_NAMES].sort())
  })

  it('maps activity, join facts and membership', () => {
    const { metrics } = toMemberFacts(row({ joined_at_estimated: 1, left_at: ago(DAY) }), { now: NOW })
    expect(metrics).toMatchObject({ join_age_days: 3, join_time_estimated: true, in_group: false, messages_prev_30d: 4, days_since_last_active: 1 })
  })

  it('leaves CRM values unknown (null) when nothing was imported, and a return rate unknown without orders', () => {
    expect(toMemberFacts(row(), { now: NOW }).metrics).toMatchObject({ monthly_spend: null, return_rate: null, last_purchase_days: null, rfm_r: null })
    expect(toMemberFacts(row({ orders: 0, returns: 0 }), { now: NOW }).metrics.return_rate).toBeNull()
    expect(toMemberFacts(row({ orders: 40, returns: 2, last_purchase_at: ago(10 * DAY) }), { now: NOW }).metrics).toMatchObject({ return_rate: 0.05, last_purchase_days: 10 })
  })

  it('passes manual tags and questions by intent through for has_tag() and asked()', () => {
    const facts = toMemberFacts(row(), { now: NOW, manualTags: ['VIP'], questionsByIntent: { 'logistics.track': 2 } })
    expect(facts.tags).toEqual(['VIP'])
    expect(facts.questionsByIntent).toEqual({ 'logistics.track': 2 })
  })
})
