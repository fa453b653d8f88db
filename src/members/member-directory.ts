import type { Clock } from '../core/clock.js'
import type { MemberDetail as MemberDetailOf, MemberSummary, MemberTag } from '../core/member.js'
import { QunDeskError } from '../core/errors.js'
import { createMemberPrivacy, type MemberPrivacy } from '../privacy/member-privacy.js'
import type { Db } from '../storage/create-db.js'
import { findMemberAttributes } from '../storage/member-attribute.repository.js'
import { countTags, listGroups, listMembershipPage, listTagsOf, type MemberListFilter } from '../storage/member-directory.repository.js'
import { listMemberActivity } from '../storage/member-metrics.repository.js'
import { listTagCounts, listTagHistory } from '../storage/member-tag.repository.js'
import type { GroupMemberRow, MemberTagRow } from '../storage/schema.js'
import { toMemberFacts } from '../tagging/activity-facts.js'
import type { MetricName, MetricValue } from '../tagging/metrics.js'

/** A member's detail with the server's metric names. */
export type MemberDetail = MemberDetailOf<MetricName>

export interface MemberDirectory {
  list(filter: Partial<MemberListFilter>): Promise<{ total: number; members: MemberSummary[] }>
  get(memberId: string): Promise<MemberDetail>
  /** Tags in use now and how many members (still in their group) carry each. */
  tags(groupId?: string): Promise<Array<{ tag: string; source: string; members: number }>>
  groups(): Promise<Array<{ groupId: string; groupName: string; members: number }>>
  /** Members per tag and lifecycle stage per day, as recorded by the daily full re-tag. */
  distribution(days: number): Promise<Array<{ day: string; kind: 'tag' | 'lifecycle'; name: string; members: number }>>
  /** The members' PIPL rights — export everything held about a person, erase them — for the admin-only routes. */
  privacy: MemberPrivacy
}

const toTag = (row: MemberTagRow): MemberTag => ({ tag: row.tag, source: row.source, addedAt: row.added_at, addedBy: row.added_by })
type SummaryRow = Pick<GroupMemberRow, 'group_id' | 'group_name' | 'member_id' | 'member_name' | 'joined_at' | 'joined_at_estimated' | 'left_at' | 'lifecycle'>
const toSummary = (row: SummaryRow, tags: MemberTagRow[]): MemberSummary => ({
  groupId: row.group_id, groupName: row.group_name, memberId: row.member_id, memberName: row.member_name,
  joinedAt: row.joined_at, joinedAtEstimated: row.joined_at_estimated === 1, leftAt: row.left_at, lifecycle: row.lifecycle,
  tags: tags.map(toTag),
})

/**
 * What the console and the API show about members: lists filtered by tag, lifecycle and group, one member's tags,
 * history, metrics and CRM attributes, and the tag distribution over time. Read-only.
 *
 * @example
 * const directory = createMemberDirectory({ db, clock, utcOffsetMinutes: 480 })
 * await directory.list({ tag: '流失预警', groupId: 'r1@chatroom', limit: 50 })
 */
export function createMemberDirectory(deps: {
  db: Db; clock: Clock; utcOffsetMinutes: number
  /** Passed to the erasure: which embedding vectors are a customer's text's (see `createMemberPrivacy`). */
  questionVectorHashes?: ((text: string) => readonly string[]) | undefined
}): MemberDirectory {
  const { db } = deps
  return {
    async list(filter) {
      const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500)
      const offset = Math.max(filter.offset ?? 0, 0)
      const { total, rows } = await listMembershipPage(db, { ...filter, limit, offset })
      const tags = await listTagsOf(db, rows)
      return { total, members: rows.map((r) => toSummary(r, tags.get(`${r.group_id}\u0000${r.member_id}`) ?? [])) }
    },
    async get(memberId) {
      const now = deps.clock()
      const rows = await listMemberActivity(db, { now, memberId })
      if (rows.length === 0) throw new QunDeskError('not_found', `成员 ${memberId} 不存在`, { memberId })
      const tags = await listTagsOf(db, rows)
      const memberships = rows.map((row) => {
        const own = tags.get(`${row.group_id}\u0000${row.member_id}`) ?? []
        const summary = toSummary(row, own)
        return { ...summary, metrics: toMemberFacts(row, { now }).metrics as Record<MetricName, MetricValue> }
      })
      const attributes = await findMemberAttributes(db, memberId)
      return {
        memberId,
        memberName: rows[rows.length - 1]?.member_name ?? memberId,
        memberships,
        history: (await listTagHistory(db, memberId)).map((h) => ({
          id: h.id, groupId: h.group_id, tag: h.tag, change: h.change, source: h.source, at: h.at, by: h.by, seen: h.seen ? (JSON.parse(h.seen) as Record<string, unknown>) : null,
        })),
        attributes: attributes
          ? {
              externalId: attributes.external_id, monthlySpend: attributes.monthly_spend, totalSpend: attributes.total_spend, orders: attributes.orders,
              returns: attributes.returns, lastPurchaseAt: attributes.last_purchase_at, rfm: { r: attributes.rfm_r, f: attributes.rfm_f, m: attributes.rfm_m },
              importedAt: attributes.imported_at, importSource: attributes.import_source,
            }
          : null,
      }
    },
    tags: (groupId) => countTags(db, groupId),
    groups: () => listGroups(db),
    async distribution(days) {
      const from = new Date(deps.clock().getTime() + deps.utcOffsetMinutes * 60_000 - Math.max(1, Math.min(days, 366)) * 86_400_000).toISOString().slice(0, 10)
      return listTagCounts(db, from)
    },
    privacy: createMemberPrivacy({ db, clock: deps.clock, questionVectorHashes: deps.questionVectorHashes }),
  }
}
