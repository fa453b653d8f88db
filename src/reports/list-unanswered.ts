import type { OverdueSuggestionRow } from '../storage/report.repository.js'
import type { UnansweredItem } from '../core/report.js'

/**
 * The `asked_at` before which a still-pending question is past the SLA. "Older than the SLA" is strict: a
 * question asked exactly `slaMinutes` ago is not overdue yet (the repository compares with `<`).
 *
 * @example
 * slaCutoffIso(new Date('2026-11-23T08:15:00.000Z'), 15)   // '2026-11-23T08:00:00.000Z'
 */
export function slaCutoffIso(now: Date, slaMinutes: number): string {
  return new Date(now.getTime() - slaMinutes * 60_000).toISOString()
}

/**
 * Overdue suggestions as the page lists them, with how long each has waited at `now` (integer ms).
 *
 * @example
 * toUnansweredItems(rows, new Date('2026-11-23T08:20:00.000Z'))   // [{ suggestionId: 7, waitingMs: 1_200_000, ... }]
 */
export function toUnansweredItems(rows: readonly OverdueSuggestionRow[], now: Date): UnansweredItem[] {
  return rows.map((row) => ({
    suggestionId: row.id,
    groupId: row.group_id,
    groupName: row.group_name,
    memberName: row.member_name,
    question: row.question,
    askedAt: row.asked_at,
    waitingMs: Math.max(0, now.getTime() - Date.parse(row.asked_at)),
  }))
}
