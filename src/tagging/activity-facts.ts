import type { MemberActivityRow } from '../storage/member-metrics.repository.js'
import type { MemberFacts } from './member-facts.js'
import type { MetricName, MetricValue } from './metrics.js'

const DAY_MS = 86_400_000

/** Whole days from `fromIso` to `now` (0 during the first 24 hours); null when there is no time. */
export function wholeDaysSince(fromIso: string | null, now: Date): number | null {
  if (!fromIso) return null
  const from = Date.parse(fromIso)
  if (Number.isNaN(from)) return null
  return Math.max(0, Math.floor((now.getTime() - from) / DAY_MS))
}

/**
 * Turns one membership's stored activity (and imported CRM attributes) into the facts rules read. Pure.
 * Join age counts whole 24-hour days since the join: a member who joined 6 days 23 hours ago is 6 days in.
 *
 * @example
 * toMemberFacts(row, { now, manualTags: ['VIP'], questionsByIntent: { 'logistics.track': 3 } }).metrics.join_age_days // 3
 */
export function toMemberFacts(
  row: MemberActivityRow,
  context: { now: Date; manualTags?: readonly string[]; questionsByIntent?: Readonly<Record<string, number>> },
): MemberFacts {
  const { now } = context
  // A full Record: the compiler insists every metric in the catalogue is filled in.
  const metrics: Record<MetricName, MetricValue> = {
    join_age_days: wholeDaysSince(row.joined_at, now) ?? 0,
    join_time_estimated: row.joined_at_estimated === 1,
    join_scene: row.join_scene,
    messages_7d: row.messages_7d,
    messages_30d: row.messages_30d,
    messages_90d: row.messages_90d,
    messages_prev_30d: row.messages_prev_30d,
    mentions_7d: row.mentions_7d,
    mentions_30d: row.mentions_30d,
    mentions_90d: row.mentions_90d,
    active_days_30d: row.active_days_30d,
    days_since_last_active: wholeDaysSince(row.last_active_at, now),
    questions_30d: row.questions_30d,
    negative_messages_30d: row.negative_messages_30d,
    severe_messages_30d: row.severe_messages_30d,
    escalations_30d: row.escalations_30d,
    unanswered_30d: row.unanswered_30d,
    sla_overruns_30d: row.sla_overruns_30d,
    monthly_spend: row.monthly_spend,
    total_spend: row.total_spend,
    orders: row.orders,
    returns: row.returns,
    return_rate: row.orders !== null && row.orders > 0 && row.returns !== null ? row.returns / row.orders : null,
    last_purchase_days: wholeDaysSince(row.last_purchase_at, now),
    rfm_r: row.rfm_r,
    rfm_f: row.rfm_f,
    rfm_m: row.rfm_m,
    in_group: row.left_at === null,
  }
  return {
    metrics,
    ...(context.manualTags ? { tags: context.manualTags } : {}),
    ...(context.questionsByIntent ? { questionsByIntent: context.questionsByIntent } : {}),
  }
}
