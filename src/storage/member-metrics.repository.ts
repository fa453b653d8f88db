import { sql } from 'kysely'
import type { Db } from './create-db.js'

/** Activity of one member in one group, as counted from the message log and the suggestion queue. */
export interface MemberActivityRow {
  group_id: string
  member_id: string
  member_name: string
  group_name: string
  joined_at: string
  joined_at_estimated: number
  left_at: string | null
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
export async function listMemberActivity(db: Db, options: { now: Date; memberId?: string; groupId?: string }): Promise<MemberActivityRow[]> {
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
      sql<number>`SUM(CASE WHEN escalation_reason IS NOT NULL OR kind = 'needs_human' THEN 1 ELSE 0 END)`.as('escalations_30d'),
    ])
    .where('asked_at', '>=', d30)
    .groupBy(['group_id', 'member_id'])
  if (options.memberId) {
    messages = messages.where('sender_id', '=', options.memberId)
    questions = questions.where('member_id', '=', options.memberId)
  }

  let query = db
    .selectFrom('group_members as gm')
    .leftJoin(messages.as('m'), (j) => j.onRef('m.group_id', '=', 'gm.group_id').onRef('m.sender_id', '=', 'gm.member_id'))
    .leftJoin(questions.as('q'), (j) => j.onRef('q.group_id', '=', 'gm.group_id').onRef('q.member_id', '=', 'gm.member_id'))
    .select([
      'gm.group_id', 'gm.member_id', 'gm.member_name', 'gm.group_name', 'gm.joined_at', 'gm.joined_at_estimated', 'gm.left_at',
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
    ])
  if (options.memberId) query = query.where('gm.member_id', '=', options.memberId)
  if (options.groupId) query = query.where('gm.group_id', '=', options.groupId)
  const rows = await query.orderBy('gm.group_id').orderBy('gm.member_id').execute()
  // PostgreSQL returns SUM/COUNT as strings (bigint); SQLite as numbers. Normalise here, once.
  return rows.map((r) => ({
    ...r,
    messages_7d: Number(r.messages_7d), messages_30d: Number(r.messages_30d), messages_90d: Number(r.messages_90d),
    messages_prev_30d: Number(r.messages_prev_30d), mentions_7d: Number(r.mentions_7d), mentions_30d: Number(r.mentions_30d),
    mentions_90d: Number(r.mentions_90d), active_days_30d: Number(r.active_days_30d),
    negative_messages_30d: Number(r.negative_messages_30d), severe_messages_30d: Number(r.severe_messages_30d),
    questions_30d: Number(r.questions_30d), escalations_30d: Number(r.escalations_30d),
    last_active_at: r.last_active_at ?? null,
  }))
}
