/**
 * A member as the directory shows them: memberships with their tags, tag history and imported CRM data. Shared by
 * the server (members/member-directory.ts builds them) and the console's browser code (through contract.ts).
 * Types only.
 */
import type { TagSource } from './vocabulary.js'

export interface MemberTag {
  tag: string
  /** rule: computed by a rule (added_by names it); manual: set by an agent. */
  source: TagSource
  addedAt: string
  addedBy: string
}

/** Who is (or was) in which group since when: what every view of a membership starts from. */
export interface MembershipBasics {
  groupId: string
  groupName: string
  memberId: string
  memberName: string
  joinedAt: string
  /** True when QunDesk first saw the member already in the group: the real join was earlier. */
  joinedAtEstimated: boolean
  leftAt: string | null
}

export interface MemberSummary extends MembershipBasics {
  lifecycle: string | null
  tags: MemberTag[]
}

/** One change of one tag, newest first in a member's history. */
export interface TagHistoryItem {
  id: number
  groupId: string
  tag: string
  change: 'added' | 'removed'
  source: TagSource
  at: string
  by: string
  seen: Record<string, unknown> | null
}

/** A member's imported CRM data (qundesk members import). */
export interface MemberAttributes {
  externalId: string | null
  monthlySpend: number | null
  totalSpend: number | null
  orders: number | null
  returns: number | null
  lastPurchaseAt: string | null
  rfm: { r: number | null; f: number | null; m: number | null }
  importedAt: string
  importSource: string
}

/**
 * One member across their groups (GET /api/members/:id). `Metric` names the activity metrics: the server fills
 * them by name (tagging/metrics.ts), the browser reads them as strings.
 */
export interface MemberDetail<Metric extends string = string> {
  memberId: string
  memberName: string
  memberships: Array<MemberSummary & { metrics: Record<Metric, number | boolean | string | null> }>
  history: TagHistoryItem[]
  /** Imported CRM attributes, or null when none were imported. */
  attributes: MemberAttributes | null
}

/** An action that has not run yet, with when it is expected to (GET /api/tag-actions/waiting). */
export interface WaitingTagAction {
  id: number
  groupId: string
  groupName: string | null
  memberId: string
  memberName: string | null
  tag: string
  /** `outreach`: a message for the group, paced per group and hour; `reminder`: a note for agents only. */
  kind: 'outreach' | 'reminder'
  queuedAt: string
  /** When the next run will take it (the runner starts every minute); null only for a cap of 0, which settings refuse. */
  dueAt: string | null
}
