import { percentile } from './percentile.js'
import type { DayTotal, GroupTotal, IntentTotal, ReportRow } from '../core/report.js'
import { OutcomeTally, type JudgedSuggestion } from './outcome-tally.js'
import { dayOf } from './report-range.js'

type Counts = Omit<ReportRow, 'day' | 'groupId' | 'groupName'>

/** Running counts for one bucket; response times are kept raw so percentiles are exact, not averaged. */
class Bucket {
  questions = 0
  autoSent = 0
  approved = 0
  edited = 0
  rejected = 0
  escalated = 0
  pending = 0
  readonly responseMs: number[] = []
  readonly outcomes = new OutcomeTally()

  add(row: JudgedSuggestion): void {
    this.questions += 1
    this.outcomes.add(row)
    if (row.kind === 'needs_human' || row.escalation_reason) this.escalated += 1
    switch (row.decision) {
      case 'auto_sent': this.autoSent += 1; break
      case 'sent': this.approved += 1; break
      case 'edited': this.edited += 1; break
      case 'rejected': this.rejected += 1; break
      // No decision yet: waiting in the queue, or `sending` right now.
      case null: this.pending += 1; break
    }
    if (row.response_ms !== null) this.responseMs.push(row.response_ms)
  }

  counts(): Counts {
    return {
      questions: this.questions,
      autoSent: this.autoSent,
      approved: this.approved,
      edited: this.edited,
      rejected: this.rejected,
      escalated: this.escalated,
      pending: this.pending,
      medianResponseMs: percentile(this.responseMs, 50),
      p90ResponseMs: percentile(this.responseMs, 90),
      ...this.outcomes.counts(),
    }
  }
}

/**
 * Buckets suggestions by day (at the offset, by when the customer asked) and group. Returns per day-and-group
 * rows (only buckets with questions), a total for every day in `days` (zeros for quiet days, so charts get a
 * continuous axis), per-group and per-intent totals over the whole range. Percentiles of totals are computed over the raw
 * response times, never as a median of medians.
 *
 * @example
 * aggregateReport(rows, ['2026-11-23', '2026-11-24'], 480)
 * // { rows: [{ day: '2026-11-23', groupId: 'g1', ... }], days: [{ day: '2026-11-23', ... }, { day: '2026-11-24', questions: 0, ... }], groups: [...] }
 */
export function aggregateReport(suggestions: readonly JudgedSuggestion[], days: readonly string[], utcOffsetMinutes: number): { rows: ReportRow[]; days: DayTotal[]; groups: GroupTotal[]; intents: IntentTotal[] } {
  const byDayGroup = new Map<string, { day: string; groupId: string; bucket: Bucket }>()
  const byDay = new Map<string, Bucket>(days.map((day) => [day, new Bucket()]))
  const byGroup = new Map<string, Bucket>()
  const byIntent = new Map<string | null, Bucket>()
  // A group can be renamed; label it with the newest name seen (rows arrive in any order).
  const names = new Map<string, { name: string; at: string }>()

  for (const row of suggestions) {
    const day = dayOf(row.asked_at, utcOffsetMinutes)
    const dayTotal = byDay.get(day)
    // Outside the range: skipped everywhere, so the three tables always add up to the same totals.
    if (!dayTotal) continue
    dayTotal.add(row)
    const key = `${day}\u0000${row.group_id}`
    let cell = byDayGroup.get(key)
    if (!cell) byDayGroup.set(key, (cell = { day, groupId: row.group_id, bucket: new Bucket() }))
    cell.bucket.add(row)
    let group = byGroup.get(row.group_id)
    if (!group) byGroup.set(row.group_id, (group = new Bucket()))
    group.add(row)
    let intent = byIntent.get(row.intent_id)
    if (!intent) byIntent.set(row.intent_id, (intent = new Bucket()))
    intent.add(row)
    const named = names.get(row.group_id)
    if (!named || row.asked_at >= named.at) names.set(row.group_id, { name: row.group_name, at: row.asked_at })
  }

  const nameOf = (groupId: string) => names.get(groupId)?.name ?? groupId
  const byName = (a: { groupName: string; groupId: string }, b: { groupName: string; groupId: string }) =>
    a.groupName.localeCompare(b.groupName, 'zh-CN') || (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0)

  const rows = [...byDayGroup.values()]
    .map(({ day, groupId, bucket }): ReportRow => ({ day, groupId, groupName: nameOf(groupId), ...bucket.counts() }))
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : byName(a, b)))
  const dayTotals = [...byDay].map(([day, bucket]): DayTotal => ({ day, ...bucket.counts() }))
  // Busiest groups first: the table is read top-down for where the work is.
  const groups = [...byGroup]
    .map(([groupId, bucket]): GroupTotal => ({ groupId, groupName: nameOf(groupId), ...bucket.counts() }))
    .sort((a, b) => b.questions - a.questions || byName(a, b))
  // Busiest intents first; the unmatched (null) sort last among equals.
  const intents = [...byIntent]
    .map(([intentId, bucket]): IntentTotal => ({ intentId, ...bucket.counts() }))
    .sort((a, b) => b.questions - a.questions || Number(a.intentId === null) - Number(b.intentId === null) || ((a.intentId ?? '') < (b.intentId ?? '') ? -1 : 1))
  return { rows, days: dayTotals, groups, intents }
}
