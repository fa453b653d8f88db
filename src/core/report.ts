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
  /** Replied questions (auto-sent, sent or edited): what resolution and satisfaction are measured on. */
  answered: number
  /** Of `answered`: resolved on first contact (no re-ask of the same intent, no escalation within the window). */
  resolved: number
  /** Of `answered`: the member re-asked the same intent, or escalated, within the window after the reply. */
  unresolved: number
  /** Of `answered`: the window is still running and nothing came yet; counted in neither side of the rate. */
  resolutionOpen: number
  /** resolved / (resolved + unresolved), 0..1; null when nothing is settled yet. */
  resolutionRate: number | null
  /** Of `answered`: the member's messages after the reply thanked (谢谢/好的/解决了/收到 …) and none complained. */
  positive: number
  /** Of `answered`: a message after the reply complained (还是不行/没用/不对/没解决 …) or sounded upset. */
  negative: number
  /** Of `answered`: no signal either way (silence, or other talk). */
  noFeedback: number
  /** positive / (positive + negative), 0..1; null when no reply drew a signal. */
  satisfactionRate: number | null
}

/** What resolution and satisfaction count, shared by every table that shows them. */
export type OutcomeCounts = Pick<ReportRow, 'answered' | 'resolved' | 'unresolved' | 'resolutionOpen' | 'resolutionRate' | 'positive' | 'negative' | 'noFeedback' | 'satisfactionRate'>

export interface DayTotal extends Omit<ReportRow, 'groupId' | 'groupName'> {}
export interface GroupTotal extends Omit<ReportRow, 'day'> {}
/** One intent over the range; `intentId` null gathers the questions no intent matched (需人工). */
export interface IntentTotal extends Omit<ReportRow, 'day' | 'groupId' | 'groupName'> {
  intentId: string | null
}

/**
 * What one agent (the `decided_by` of their decisions; `api:小王` for API callers) did with the questions asked in
 * the range. `handled` = sent + edited + rejected; response times are over what they sent; `escalationsClosed` are
 * the 需人工 questions they decided. Resolution and satisfaction are over the replies they sent.
 */
export interface AgentTotal extends OutcomeCounts {
  agent: string
  handled: number
  sent: number
  edited: number
  rejected: number
  escalationsClosed: number
  medianResponseMs: number | null
  p90ResponseMs: number | null
}

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
  /** The window after a reply in which a re-ask, an escalation or feedback counts (hours). */
  resolutionWindowHours: number
  rows: ReportRow[]
  /** Every day of the range, quiet days included, oldest first. */
  days: DayTotal[]
  groups: GroupTotal[]
  /** Busiest intents first. */
  intents: IntentTotal[]
  /** Agents who decided a question asked in the range, most decisions first (the bot is not an agent). */
  agents: AgentTotal[]
  unanswered: UnansweredItem[]
  unmatched: UnmatchedItem[]
  /** The optional AI drafter's requests for questions asked in the range (all zero when it is off). */
  aiDrafts: AiDraftTotals
}

/**
 * What the AI drafter did and cost for questions asked in the range: each request's outcome, what agents did with
 * the drafts that arrived (sent as drafted, edited, rejected), tokens and cost at the configured prices.
 */
export interface AiDraftTotals {
  requested: number
  /** Arrived in time and filled in a waiting item (「AI 草稿」). */
  drafted: number
  /** Refused (HTTP 429, 500 …), a broken stream or an empty answer. */
  failed: number
  timedOut: number
  /** Arrived after an agent had taken the item: not shown. */
  superseded: number
  sentUnchanged: number
  edited: number
  rejected: number
  promptTokens: number
  completionTokens: number
  /** Requests whose tokens were estimated (the server sent no usage). */
  estimatedTokens: number
  /** At QUNDESK_LLM_PRICE_INPUT_PER_1K / _OUTPUT_PER_1K (0 when no prices are set). */
  cost: number
}
