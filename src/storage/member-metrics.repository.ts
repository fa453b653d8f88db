import { sql } from 'kysely'
import type { Db } from './create-db.js'
import type { MemberAttributeRow } from './schema.js'
import { CUSTOMER_ESCALATION_REASONS } from '../core/vocabulary.js'
import { QUESTION_KINDS } from './suggestion.repository.js'

/**
 * Activity of one member in one group, as counted from the message log and the suggestion queue, with the
 * imported CRM attributes (null when nothing was imported for the person).
 */
export interface MemberActivityRow extends Pick<MemberAttributeRow, 'monthly_spend' | 'total_spend' | 'orders' | 'returns' | 'last_purchase_at' | 'rfm_r' | 'rfm_f' | 'rfm_m'> {
  group_id: string
  member_id: string
  member_name: string
  group_name: string
  joined_at: string
  joined_at_estimated: number
  left_at: string | null
  join_scene: number | null
  messages_7d: number
  messages_30d: number
  messages_90d: number
  messages_prev_30d: number
  mentions_7d: number
  mentions_30d: number
  mentions_90d: number
  active_days_30d: number
  last_active_at: string | null
  negative_messages_30d: number
  severe_messages_30d: number
  questions_30d: number
  escalations_30d: number
  unanswered_30d: number
  sla_overruns_30d: number
  /** The membership's stored rule tags (JSON array) and lifecycle stage, for diffing. */
  rule_tags: string | null
  lifecycle: string | null
}

const day = 86_400_000

/**
 * Activity metrics for every membership (or one member), computed set-based: one grouped pass over messages and
 * one over suggestions, joined to group_members — never a query per member. Plain SQL (CASE, COUNT DISTINCT,
 * SUBSTR, MAX) that SQLite and PostgreSQL both run; windows are ISO-timestamp comparisons against `now`.
 * Active days are UTC calendar days.
 *
 * @example
 * const rows = await listMemberActivity(db, { now: new Date() })
 * const one = await listMemberActivity(db, { now: new Date(), memberId: 'wxid_abc', groupId: 'r1@chatroom' })
 */
export async function listMemberActivity(db: Db, options: MemberActivityOptions): Promise<MemberActivityRow[]> {
  return (await memberActivityQuery(db, options).execute()).map(normalise)
}

/**
 * The same rows, streamed in (group_id, member_id) order so a full re-tag of a million memberships never holds
 * them all. The connection is busy until the stream ends: collect writes and apply them afterwards.
 */
export async function* streamMemberActivity(db: Db, options: MemberActivityOptions): AsyncGenerator<MemberActivityRow> {
  for await (const row of memberActivityQuery(db, options).stream(2000)) yield normalise(row)
}

export interface MemberActivityOptions {
  now: Date
  memberId?: string
  groupId?: string
}

function memberActivityQuery(db: Db, options: MemberActivityOptions) {
  const at = (days: number) => new Date(options.now.getTime() - days * day).toISOString()
  const [d7, d30, d60, d90] = [at(7), at(30), at(60), at(90)]
  const since = (from: string) => sql<number>`SUM(CASE WHEN sent_at >= ${from} THEN 1 ELSE 0 END)`
  const mentionsSince = (from: string) => sql<number>`SUM(CASE WHEN sent_at >= ${from} AND mentions_bot = 1 THEN 1 ELSE 0 END)`

  let messages = db
    .selectFrom('messages')
    .select([
      'group_id', 'sender_id',
      since(d7).as('messages_7d'), since(d30).as('messages_30d'), since(d90).as('messages_90d'),
      sql<number>`SUM(CASE WHEN sent_at >= ${d60} AND sent_at < ${d30} THEN 1 ELSE 0 END)`.as('messages_prev_30d'),
      mentionsSince(d7).as('mentions_7d'), mentionsSince(d30).as('mentions_30d'), mentionsSince(d90).as('mentions_90d'),
      sql<number>`COUNT(DISTINCT CASE WHEN sent_at >= ${d30} THEN SUBSTR(sent_at, 1, 10) END)`.as('active_days_30d'),
      sql<string | null>`MAX(sent_at)`.as('last_active_at'),
      sql<number>`SUM(CASE WHEN sent_at >= ${d30} AND emotion_severity IN ('mild', 'moderate', 'severe') THEN 1 ELSE 0 END)`.as('negative_messages_30d'),
      sql<number>`SUM(CASE WHEN sent_at >= ${d30} AND emotion_severity = 'severe' THEN 1 ELSE 0 END)`.as('severe_messages_30d'),
    ])
    .where('from_self', '=', 0)
    .where('sent_at', '>=', d90)
    .groupBy(['group_id', 'sender_id'])
  let questions = db
    .selectFrom('suggestions')
    .select([
      'group_id', 'member_id',
      sql<number>`COUNT(*)`.as('questions_30d'),
      sql<number>`SUM(CASE WHEN escalation_reason IN (${sql.join([...CUSTOMER_ESCALATION_REASONS])}) THEN 1 ELSE 0 END)`.as('escalations_30d'),
      // No answer in the knowledge (an SLA overrun on such an item is still one unanswered question).
      sql<number>`SUM(CASE WHEN kind = 'needs_human' AND (escalation_reason IS NULL OR escalation_reason = 'sla') THEN 1 ELSE 0 END)`.as('unanswered_30d'),
      sql<number>`SUM(CASE WHEN escalation_reason = 'sla' THEN 1 ELSE 0 END)`.as('sla_overruns_30d'),
    ])
    .where('asked_at', '>=', d30)
    .where('kind', 'in', QUESTION_KINDS)
    .groupBy(['group_id', 'member_id'])
  if (options.memberId) {
    messages = messages.where('sender_id', '=', options.memberId)
    questions = questions.where('member_id', '=', options.memberId)
  }
  if (options.groupId) {
    messages = messages.where('group_id', '=', options.groupId)
    questions = questions.where('group_id', '=', options.groupId)
  }

  let query = db
    .selectFrom('group_members as gm')
    .leftJoin('member_attributes as a', 'a.member_id', 'gm.member_id')
    .leftJoin(messages.as('m'), (j) => j.onRef('m.group_id', '=', 'gm.group_id').onRef('m.sender_id', '=', 'gm.member_id'))
    .leftJoin(questions.as('q'), (j) => j.onRef('q.group_id', '=', 'gm.group_id').onRef('q.member_id', '=', 'gm.member_id'))
    .select([
      'gm.group_id', 'gm.member_id', 'gm.member_name', 'gm.group_name', 'gm.joined_at', 'gm.joined_at_estimated', 'gm.left_at', 'gm.join_scene',
      sql<number>`COALESCE(m.messages_7d, 0)`.as('messages_7d'),
      sql<number>`COALESCE(m.messages_30d, 0)`.as('messages_30d'),
      sql<number>`COALESCE(m.messages_90d, 0)`.as('messages_90d'),
      sql<number>`COALESCE(m.messages_prev_30d, 0)`.as('messages_prev_30d'),
      sql<number>`COALESCE(m.mentions_7d, 0)`.as('mentions_7d'),
      sql<number>`COALESCE(m.mentions_30d, 0)`.as('mentions_30d'),
      sql<number>`COALESCE(m.mentions_90d, 0)`.as('mentions_90d'),
      sql<number>`COALESCE(m.active_days_30d, 0)`.as('active_days_30d'),
      'm.last_active_at',
      sql<number>`COALESCE(m.negative_messages_30d, 0)`.as('negative_messages_30d'),
      sql<number>`COALESCE(m.severe_messages_30d, 0)`.as('severe_messages_30d'),
      sql<number>`COALESCE(q.questions_30d, 0)`.as('questions_30d'),
      sql<number>`COALESCE(q.escalations_30d, 0)`.as('escalations_30d'),
      sql<number>`COALESCE(q.unanswered_30d, 0)`.as('unanswered_30d'),
      sql<number>`COALESCE(q.sla_overruns_30d, 0)`.as('sla_overruns_30d'),
      'gm.rule_tags', 'gm.lifecycle',
      'a.monthly_spend', 'a.total_spend', 'a.orders', 'a.returns', 'a.last_purchase_at', 'a.rfm_r', 'a.rfm_f', 'a.rfm_m',
    ])
  if (options.memberId) query = query.where('gm.member_id', '=', options.memberId)
  if (options.groupId) query = query.where('gm.group_id', '=', options.groupId)
  return query.orderBy('gm.group_id').orderBy('gm.member_id')
}

type RawActivityRow = Awaited<ReturnType<ReturnType<typeof memberActivityQuery>['execute']>>[number]
const numberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

// PostgreSQL returns SUM/COUNT as strings (bigint); SQLite as numbers. Normalise here, once.
function normalise(r: RawActivityRow): MemberActivityRow {
  return {
    ...r,
    messages_7d: Number(r.messages_7d), messages_30d: Number(r.messages_30d), messages_90d: Number(r.messages_90d),
    messages_prev_30d: Number(r.messages_prev_30d), mentions_7d: Number(r.mentions_7d), mentions_30d: Number(r.mentions_30d),
    mentions_90d: Number(r.mentions_90d), active_days_30d: Number(r.active_days_30d),
    negative_messages_30d: Number(r.negative_messages_30d), severe_messages_30d: Number(r.severe_messages_30d),
    questions_30d: Number(r.questions_30d), escalations_30d: Number(r.escalations_30d),
    unanswered_30d: Number(r.unanswered_30d), sla_overruns_30d: Number(r.sla_overruns_30d),
    last_active_at: r.last_active_at ?? null,
    monthly_spend: numberOrNull(r.monthly_spend), total_spend: numberOrNull(r.total_spend), orders: numberOrNull(r.orders),
    returns: numberOrNull(r.returns), last_purchase_at: r.last_purchase_at ?? null,
    rfm_r: numberOrNull(r.rfm_r), rfm_f: numberOrNull(r.rfm_f), rfm_m: numberOrNull(r.rfm_m),
  }
}

export interface IntentQuestionCount {
  group_id: string
  member_id: string
  intent_id: string
  questions: number
}

/** Questions per member and intent over the last 30 days (for `asked('logistics.*')`), one grouped query. */
export async function listQuestionsByIntent(db: Db, options: MemberActivityOptions): Promise<IntentQuestionCount[]> {
  let query = db
    .selectFrom('suggestions')
    .select(['group_id', 'member_id', 'intent_id', sql<number>`COUNT(*)`.as('questions')])
    .where('asked_at', '>=', new Date(options.now.getTime() - 30 * day).toISOString())
    .where('kind', 'in', QUESTION_KINDS)
    .where('intent_id', 'is not', null)
    .groupBy(['group_id', 'member_id', 'intent_id'])
  if (options.memberId) query = query.where('member_id', '=', options.memberId)
  if (options.groupId) query = query.where('group_id', '=', options.groupId)
  const rows = await query.execute()
  return rows.map((r) => ({ group_id: r.group_id, member_id: r.member_id, intent_id: r.intent_id ?? '', questions: Number(r.questions) }))
}
