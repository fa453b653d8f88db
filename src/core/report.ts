/** The shapes the Reports page and its CSV exports are built from (reports/report-service.ts builds them). Types only. */

/** A date range in the report's UTC offset, both ends inclusive (`YYYY-MM-DD`), optionally one group. */
export interface ReportRange {
  from: string
  to: string
  groupId?: string
}

/**
 * One day of one group. `questions` counts every suggestion asked that day; the decision columns count what
 * became of them so far, so they can lag behind `questions` (still `pending`). `escalated` counts questions no
 * intent matched or that an escalation rule sent to a human (转人工, severe emotion, complaints, repeated misses, SLA): it overlaps the decision columns (an escalated question is later edited, rejected or pending).
 */
export interface ReportRow {
  day: string
  groupId: string
  groupName: string
  questions: number
  autoSent: number
  approved: number
  edited: number
  rejected: number
  escalated: number
  /** Not decided yet (waiting in the queue, or being sent right now). */
  pending: number
  /** First-response time over the replied questions; null when none was replied. */
  medianResponseMs: number | null
  p90ResponseMs: number | null
}

export interface DayTotal extends Omit<ReportRow, 'groupId' | 'groupName'> {}
export interface GroupTotal extends Omit<ReportRow, 'day'> {}

/** An @-mention still waiting for a reply longer than the SLA. */
export interface UnansweredItem {
  suggestionId: number
  groupId: string
  groupName: string
  memberName: string
  question: string
  askedAt: string
  waitingMs: number
}

/** A question nobody's knowledge answered, grouped with its near-identical repeats: a gap to fill. */
export interface UnmatchedItem {
  /** An original wording (the most recent one). */
  question: string
  count: number
  lastAskedAt: string
  groupNames: string[]
}

export interface Report {
  range: ReportRange
  utcOffsetMinutes: number
  slaMinutes: number
  rows: ReportRow[]
  /** Every day of the range, quiet days included, oldest first. */
  days: DayTotal[]
  groups: GroupTotal[]
  unanswered: UnansweredItem[]
  unmatched: UnmatchedItem[]
}
