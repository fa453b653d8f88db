import { sql, type Expression, type SqlBool } from 'kysely'
import type { Db } from './create-db.js'
import { deleteAllQuestionVectors, deleteQuestionVectors } from './embedding-cache.repository.js'
import { deleteMemberMedia, listMemberMedia } from './message-media.repository.js'
import { blankIfSet } from './retention.repository.js'
import { NEXT_VERSION } from './suggestion.repository.js'
import type {
  AuditLogRow, GroupMemberRow, MessageMediaRow, MemberAttributeRow, MemberTagHistoryRow, MemberTagRow, MessageRow, OutboxRow, SlotRequestRow, SuggestionRow, TagActionRow,
} from './schema.js'

/** What an erased person's rows are called from then on. */
export const ERASED_NAME = '已删除成员'
/** Why the person's waiting items were cancelled, shown in the queue's history. */
export const ERASED_REJECT_REASON = '成员个人信息已删除'
/** SQLite's bound-parameter limit is far above this; it keeps IN lists small on any database. */
const CHUNK = 500

export interface MemberCandidate {
  memberId: string
  memberName: string
  groupName: string
}

/**
 * People matching an id or an exact display name: memberships first; then senders of stored messages (someone
 * who spoke before a member sync saw them), by id (indexed) and, only when nothing else matched, by name (a scan
 * of the message log, so it is the last resort). At most 50.
 */
export async function findMemberCandidates(db: Db, who: string): Promise<MemberCandidate[]> {
  const memberships = await db.selectFrom('group_members').select(['member_id', 'member_name', 'group_name'])
    .where((eb) => eb.or([eb('member_id', '=', who), eb('member_name', '=', who)]))
    .orderBy('member_id').orderBy('group_id').limit(50).execute()
  const found = memberships.map((m) => ({ memberId: m.member_id, memberName: m.member_name, groupName: m.group_name }))
  if (found.some((m) => m.memberId === who)) return found
  const senders = (column: 'sender_id' | 'sender_name') => db.selectFrom('messages')
    .select(['sender_id', sql<string>`MAX(sender_name)`.as('sender_name'), sql<string>`MAX(group_name)`.as('group_name')])
    .where('from_self', '=', 0).where(column, '=', who)
    .groupBy('sender_id').orderBy('sender_id').limit(50).execute()
  let extra = await senders('sender_id')
  if (extra.length === 0 && found.length === 0) extra = await senders('sender_name')
  for (const s of extra) found.push({ memberId: s.sender_id, memberName: s.sender_name, groupName: s.group_name })
  return found.slice(0, 50)
}

/** Every display name stored for a person: their memberships' and their messages'. */
export async function listMemberNames(db: Db, memberId: string): Promise<string[]> {
  const memberships = await db.selectFrom('group_members').select('member_name as name').distinct().where('member_id', '=', memberId).execute()
  const senders = await db.selectFrom('messages').select('sender_name as name').distinct().where('sender_id', '=', memberId).execute()
  return [...new Set([...memberships, ...senders].map((r) => r.name).filter((name) => name.trim() !== ''))]
}

/** Everything stored about one person, table by table, as stored. */
export interface MemberData {
  memberships: GroupMemberRow[]
  messages: MessageRow[]
  suggestions: SuggestionRow[]
  tags: MemberTagRow[]
  tagHistory: MemberTagHistoryRow[]
  attributes: MemberAttributeRow | undefined
  slotRequests: Array<SlotRequestRow & { answer_text: string | null }>
  tagActions: TagActionRow[]
  outbox: OutboxRow[]
  audit: AuditLogRow[]
  media: MessageMediaRow[]
}

/**
 * Reads every row about a member for an export (PIPL access right). Audit entries "about them" are those whose
 * subject is the member, one of their suggestions or one of their messages.
 */
export async function readMemberData(db: Db, memberId: string): Promise<MemberData> {
  const memberships = await db.selectFrom('group_members').selectAll().where('member_id', '=', memberId).orderBy('joined_at').execute()
  const messages = await db.selectFrom('messages').selectAll().where('sender_id', '=', memberId).orderBy('sent_at').orderBy('id').execute()
  const suggestions = await db.selectFrom('suggestions').selectAll().where('member_id', '=', memberId).orderBy('created_at').orderBy('id').execute()
  const tags = await db.selectFrom('member_tags').selectAll().where('member_id', '=', memberId).orderBy('group_id').orderBy('tag').execute()
  const tagHistory = await db.selectFrom('member_tag_history').selectAll().where('member_id', '=', memberId).orderBy('id').execute()
  const attributes = await db.selectFrom('member_attributes').selectAll().where('member_id', '=', memberId).executeTakeFirst()
  const slotRequests = await db.selectFrom('slot_requests as r').leftJoin('messages as a', 'a.id', 'r.filled_by_message_id')
    .selectAll('r').select('a.text as answer_text').where('r.member_id', '=', memberId).orderBy('r.id').execute()
  const tagActions = await db.selectFrom('tag_actions').selectAll().where('member_id', '=', memberId).orderBy('id').execute()
  const outbox = await db.selectFrom('outbox').selectAll().where('mention_member_id', '=', memberId).orderBy('id').execute()
  const audit: AuditLogRow[] = await db.selectFrom('audit_log').selectAll().where('subject_type', '=', 'member').where('subject_id', '=', memberId).execute()
  for (const [type, ids] of [['suggestion', suggestions.map((s) => String(s.id))], ['message', messages.map((m) => m.id)]] as const) {
    for (let i = 0; i < ids.length; i += CHUNK) {
      audit.push(...await db.selectFrom('audit_log').selectAll().where('subject_type', '=', type).where('subject_id', 'in', ids.slice(i, i + CHUNK)).execute())
    }
  }
  audit.sort((a, b) => a.id - b.id)
  const media = await listMemberMedia(db, memberId)
  return { memberships, messages, suggestions, tags, tagHistory, attributes, slotRequests, tagActions, outbox, audit, media }
}

/** How many rows an erasure would touch, for the confirmation prompt. */
export interface MemberDataCounts {
  memberships: number
  messages: number
  suggestions: number
  tags: number
  tagHistory: number
  attributes: number
  slotRequests: number
}

export async function countMemberData(db: Db, memberId: string): Promise<MemberDataCounts> {
  const count = async (table: 'group_members' | 'member_tags' | 'member_tag_history' | 'member_attributes' | 'slot_requests' | 'suggestions') => {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('member_id', '=', memberId).executeTakeFirstOrThrow()
    return Number(row.n)
  }
  const messages = await db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('sender_id', '=', memberId).executeTakeFirstOrThrow()
  return {
    memberships: await count('group_members'), messages: Number(messages.n), suggestions: await count('suggestions'), tags: await count('member_tags'),
    tagHistory: await count('member_tag_history'), attributes: await count('member_attributes'), slotRequests: await count('slot_requests'),
  }
}

/** Sends to the member still queued or in flight: erasing under them would send a blanked or misaddressed reply. */
export async function countLiveSendsTo(db: Db, memberId: string): Promise<number> {
  const row = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('mention_member_id', '=', memberId).where('status', 'in', ['queued', 'sending']).executeTakeFirstOrThrow()
  return Number(row.n)
}

export interface EraseInput {
  memberId: string
  /** Their display names (length ≥ 2): content in their groups that mentions one is blanked too. */
  names: readonly string[]
  /** The one-way id their kept rows carry from now on (`erased:<random>`). */
  anonymousId: string
  at: string
  actor: string
  /**
   * The embedding cache keys (`embeddingTextHash`) a customer's text may have a question vector under: the vectors
   * of the erased questions go with them. Absent (no knowledge to normalise with): every question vector goes.
   */
  questionVectorHashes?: ((text: string) => readonly string[]) | undefined
}

export interface EraseCounts {
  messages: number
  /** Other people's messages (and the bot's replies) in their groups that named them: content blanked. */
  mentioningMessages: number
  suggestions: number
  mentioningSuggestions: number
  /** Their items still waiting for an agent (answers, needs-human, welcome/care, reminders): rejected, never sent. */
  pendingCancelled: number
  memberships: number
  tags: number
  tagHistory: number
  tagActions: number
  attributes: number
  slotRequests: number
  learnedExamples: number
  /** 学习候选 holding their question or naming them. */
  learningCandidates: number
  outbox: number
  wecomCallbacks: number
  wecomResponseUrls: number
  /** Their pictures, voice notes and files: deleted, bytes and all. */
  media: number
  /** Embedding provider vectors of the erased questions and intent fixes (theirs, and others' that named them): deleted. */
  questionVectors: number
}

const PAGE = 2000

/** Case-insensitive "does any of these texts contain any needle" (as SQLite's LIKE, which folds ASCII case). */
const mentionMatcher = (needles: readonly string[]) => {
  const lowered = needles.filter((x) => x !== '').map((x) => x.toLowerCase())
  return (...texts: (string | null)[]) => texts.some((t) => t !== null && t !== '' && lowered.some((x) => t.toLowerCase().includes(x)))
}

/** Ids of the rows a keyset-paged query yields that `keep` accepts. */
async function pagedIds<R extends { id: string | number }>(page: (after: string | number | undefined) => Promise<R[]>, keep: (row: R) => boolean): Promise<R['id'][]> {
  const ids: R['id'][] = []
  let after: R['id'] | undefined
  for (;;) {
    const rows = await page(after)
    for (const row of rows) if (keep(row)) ids.push(row.id)
    if (rows.length < PAGE) return ids
    after = rows[rows.length - 1]!.id
  }
}

const likeAny = (columns: readonly string[], needles: readonly string[]): Expression<SqlBool> => {
  const terms = columns.flatMap((c) => needles.map((n) => sql<SqlBool>`${sql.ref(c)} LIKE ${`%${n.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`} ESCAPE '\\'`))
  return terms.length > 0 ? sql<SqlBool>`(${sql.join(terms, sql` OR `)})` : sql<SqlBool>`0 = 1`
}

/**
 * Erases one person (PIPL deletion right), leaving only anonymous counts. Call inside a transaction: all or nothing.
 * - messages they sent keep their rows (counts, activity windows) under the anonymous id, text blanked;
 * - suggestions about them likewise (report counts: status, decision, times stay); pending outreach is rejected;
 * - memberships are kept anonymised and marked left (join/leave history stays countable; the member sync adds
 *   the person again, as new, if they are still in the group);
 * - tags, tag history, tag actions, CRM attributes, follow-up requests, their learned examples and learning candidates, and AI-bot reply
 *   addresses are deleted; WeCom payloads and finished sends that carry their id or name are blanked;
 * - content in their groups that names them (others' messages, the bot's "@张三" replies) is blanked;
 * - the embedding provider's cached vectors of every question and fix erased here are deleted (see `questionVectorHashes`).
 */
export async function eraseMemberData(trx: Db, input: EraseInput): Promise<EraseCounts> {
  const { memberId, anonymousId: anon, at } = input
  const needles = [memberId, ...input.names]
  const n = (result: { numUpdatedRows?: bigint; numDeletedRows?: bigint }) => Number(result.numUpdatedRows ?? result.numDeletedRows ?? 0n)

  const groupIds = [...new Set([
    ...(await trx.selectFrom('group_members').select('group_id').where('member_id', '=', memberId).execute()).map((r) => r.group_id),
    ...(await trx.selectFrom('messages').select('group_id').distinct().where('sender_id', '=', memberId).execute()).map((r) => r.group_id),
    ...(await trx.selectFrom('suggestions').select('group_id').distinct().where('member_id', '=', memberId).execute()).map((r) => r.group_id),
  ])]
  const ownSuggestionIds = (await trx.selectFrom('suggestions').select('id').where('member_id', '=', memberId).execute()).map((r) => r.id)
  // A question's vector is derived from the customer's words: every question blanked below takes its vector along.
  // Read before blanking (and after opening: content may be sealed).
  const erasedQuestions = new Set<string>()
  const collect = (...texts: (string | null)[]) => {
    for (const text of texts) if (text) erasedQuestions.add(text)
  }
  await pagedIds((after) => trx.selectFrom('messages').select(['id', 'question'])
    .where('sender_id', '=', memberId).$if(after !== undefined, (q) => q.where('id', '>', after as string)).orderBy('id').limit(PAGE).execute(),
  (r) => { collect(r.question); return false })
  // A suggestion's question can differ from the message's (a follow-up's answer is appended to it).
  await pagedIds((after) => trx.selectFrom('suggestions').select(['id', 'question'])
    .where('member_id', '=', memberId).$if(after !== undefined, (q) => q.where('id', '>', after as number)).orderBy('id').limit(PAGE).execute(),
  (r) => { collect(r.question); return false })

  const suggestions = n(await trx.updateTable('suggestions')
    .set({
      member_id: anon, member_name: ERASED_NAME, question: '', text: blankIfSet('text'), final_text: blankIfSet('final_text'),
      reject_reason: blankIfSet('reject_reason'), escalation_detail: blankIfSet('escalation_detail'), last_error: blankIfSet('last_error'),
      content_purged_at: sql<string>`COALESCE(content_purged_at, ${at})`, version: NEXT_VERSION,
    })
    .where('member_id', '=', memberId).executeTakeFirst())
  // Every item still waiting for an agent is cancelled (answers, needs-human, outreach, reminders): sending one
  // later would post "@已删除成员 …" into the group. After the blanking above, so the reason stays readable.
  const pendingCancelled = n(await trx.updateTable('suggestions')
    .set({ status: 'rejected', decision: 'rejected', decided_by: input.actor, decided_at: at, reject_reason: ERASED_REJECT_REASON, claimed_by: null, claimed_at: null, version: NEXT_VERSION })
    .where('member_id', '=', anon).where('status', '=', 'pending')
    .executeTakeFirst())
  const messages = n(await trx.updateTable('messages')
    .set({ sender_id: anon, sender_name: ERASED_NAME, text: '', question: '', error: blankIfSet('error'), content_purged_at: sql<string>`COALESCE(content_purged_at, ${at})` })
    .where('sender_id', '=', memberId).executeTakeFirst())

  // Content may be sealed (QUNDESK_CONTENT_KEYS), so mentions are found by reading it back, not with LIKE in SQL.
  const mentions = mentionMatcher(needles)
  const messageIds: string[] = []
  const suggestionIds: number[] = []
  const outboxIds: number[] = []
  for (let i = 0; i < groupIds.length; i += CHUNK) {
    const groups = groupIds.slice(i, i + CHUNK)
    messageIds.push(...await pagedIds((after) => trx.selectFrom('messages').select(['id', 'text', 'question', 'error'])
      .where('group_id', 'in', groups).$if(after !== undefined, (q) => q.where('id', '>', after as string)).orderBy('id').limit(PAGE).execute(),
    (r) => {
      const hit = mentions(r.text, r.question, r.error)
      if (hit) collect(r.question)
      return hit
    }))
    suggestionIds.push(...await pagedIds((after) => trx.selectFrom('suggestions').select(['id', 'question', 'text', 'final_text', 'reject_reason'])
      .where('group_id', 'in', groups).where('status', '!=', 'sending').$if(after !== undefined, (q) => q.where('id', '>', after as number)).orderBy('id').limit(PAGE).execute(),
    (r) => {
      const hit = mentions(r.question, r.text, r.final_text, r.reject_reason)
      if (hit) collect(r.question)
      return hit
    }))
    outboxIds.push(...await pagedIds((after) => trx.selectFrom('outbox').select(['id', 'text'])
      .where('group_id', 'in', groups).where('status', 'in', ['sent', 'failed']).$if(after !== undefined, (q) => q.where('id', '>', after as number)).orderBy('id').limit(PAGE).execute(),
    (r) => mentions(r.text)))
  }
  let mentioningMessages = 0
  let mentioningSuggestions = 0
  let outbox = 0
  for (let i = 0; i < messageIds.length; i += CHUNK) {
    mentioningMessages += n(await trx.updateTable('messages')
      .set({ text: '', question: '', error: blankIfSet('error'), content_purged_at: sql<string>`COALESCE(content_purged_at, ${at})` })
      .where('id', 'in', messageIds.slice(i, i + CHUNK)).executeTakeFirst())
  }
  for (let i = 0; i < suggestionIds.length; i += CHUNK) {
    mentioningSuggestions += n(await trx.updateTable('suggestions')
      .set({ question: '', text: blankIfSet('text'), final_text: blankIfSet('final_text'), reject_reason: blankIfSet('reject_reason'), content_purged_at: sql<string>`COALESCE(content_purged_at, ${at})`, version: NEXT_VERSION })
      .where('id', 'in', suggestionIds.slice(i, i + CHUNK)).executeTakeFirst())
  }
  for (let i = 0; i < outboxIds.length; i += CHUNK) {
    outbox += n(await trx.updateTable('outbox').set({ text: '' }).where('id', 'in', outboxIds.slice(i, i + CHUNK)).executeTakeFirst())
  }
  outbox += n(await trx.updateTable('outbox').set({ mention_member_id: anon, mention_member_name: ERASED_NAME, text: '' }).where('mention_member_id', '=', memberId).executeTakeFirst())

  const ownSuggestionSet = new Set(ownSuggestionIds)
  const mentioningSuggestionSet = new Set(suggestionIds)
  // An intent fix is a customer's question the matcher was trained with, embedded as a question too.
  collect(...(await trx.selectFrom('learned_examples').select('text').where(likeAny(['text'], needles)).execute()).map((r) => r.text))
  let learnedExamples = n(await trx.deleteFrom('learned_examples').where(likeAny(['text'], needles)).executeTakeFirst())
  for (let i = 0; i < ownSuggestionIds.length; i += CHUNK) {
    const ids = ownSuggestionIds.slice(i, i + CHUNK)
    collect(...(await trx.selectFrom('learned_examples').select('text').where('suggestion_id', 'in', ids).execute()).map((r) => r.text))
    learnedExamples += n(await trx.deleteFrom('learned_examples').where('suggestion_id', 'in', ids).executeTakeFirst())
  }
  // Candidates are sealed: the ones naming them are found by reading back (the table is capped, see candidate-rules.ts).
  const candidateIds = new Set(await pagedIds((after) => trx.selectFrom('learning_candidates').select(['id', 'text', 'member_id', 'suggestion_id'])
    .$if(after !== undefined, (q) => q.where('id', '>', after as number)).orderBy('id').limit(PAGE).execute(),
  (r) => r.member_id === memberId || mentions(r.text) || (r.suggestion_id !== null && (ownSuggestionSet.has(r.suggestion_id) || mentioningSuggestionSet.has(r.suggestion_id)))))
  let learningCandidates = 0
  const candidateList = [...candidateIds]
  for (let i = 0; i < candidateList.length; i += CHUNK) {
    learningCandidates += n(await trx.deleteFrom('learning_candidates').where('id', 'in', candidateList.slice(i, i + CHUNK)).executeTakeFirst())
  }
  const wecomResponseUrls = n(await trx.deleteFrom('wecom_response_urls')
    .where('message_id', 'in', trx.selectFrom('messages').select('id').where('sender_id', '=', anon)).executeTakeFirst())
  // A delivery still waiting to be processed keeps its payload: blanking it would only make processing fail.
  const callbackIds = await pagedIds((after) => trx.selectFrom('wecom_callbacks').select(['id', 'payload'])
    .where('status', '!=', 'received').where('payload', '!=', '').$if(after !== undefined, (q) => q.where('id', '>', after as number)).orderBy('id').limit(PAGE).execute(),
  (r) => mentions(r.payload))
  let wecomCallbacks = 0
  for (let i = 0; i < callbackIds.length; i += CHUNK) {
    wecomCallbacks += n(await trx.updateTable('wecom_callbacks').set({ payload: '' }).where('id', 'in', callbackIds.slice(i, i + CHUNK)).executeTakeFirst())
  }

  const media = await deleteMemberMedia(trx, memberId)
  const slotRequests = n(await trx.deleteFrom('slot_requests').where('member_id', '=', memberId).executeTakeFirst())
  const tags = n(await trx.deleteFrom('member_tags').where('member_id', '=', memberId).executeTakeFirst())
  const tagHistory = n(await trx.deleteFrom('member_tag_history').where('member_id', '=', memberId).executeTakeFirst())
  const tagActions = n(await trx.deleteFrom('tag_actions').where('member_id', '=', memberId).executeTakeFirst())
  const attributes = n(await trx.deleteFrom('member_attributes').where('member_id', '=', memberId).executeTakeFirst())
  await trx.updateTable('group_members').set({ invited_by: null }).where('invited_by', '=', memberId).execute()
  const memberships = n(await trx.updateTable('group_members')
    .set({
      member_id: anon, member_name: ERASED_NAME, invited_by: null, lifecycle: null, rule_tags: null, tags_changed_at: null, updated_at: at,
      left_at_estimated: sql<number>`CASE WHEN left_at IS NULL THEN 1 ELSE left_at_estimated END`,
      left_at: sql<string>`COALESCE(left_at, ${at})`,
    })
    .where('member_id', '=', memberId).executeTakeFirst())
  const hashesOf = input.questionVectorHashes
  const questionVectors = hashesOf
    ? await deleteQuestionVectors(trx, [...erasedQuestions].flatMap((text) => hashesOf(text)))
    : await deleteAllQuestionVectors(trx)

  return {
    messages, mentioningMessages, suggestions, mentioningSuggestions, pendingCancelled, memberships, tags, tagHistory, tagActions, attributes,
    slotRequests, learnedExamples, learningCandidates, outbox, wecomCallbacks, wecomResponseUrls, media, questionVectors,
  }
}
