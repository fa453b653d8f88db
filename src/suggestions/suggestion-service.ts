import { EventEmitter } from 'node:events'
import type { Clock } from '../core/clock.js'
import { QunDeskError } from '../core/errors.js'
import type { InboundMessage } from '../core/inbound-message.js'
import type { Logger } from '../core/logger.js'
import type { Outbox, OutboxHandler } from '../outbox/outbox.js'
import { appendAudit } from '../storage/audit.repository.js'
import type { Db } from '../storage/create-db.js'
import type { SuggestionUpdate } from '../storage/schema.js'
import type { EscalationReason, SuggestionDecision, SuggestionStatus } from '../core/vocabulary.js'
import { insertMessageOnce } from '../storage/message.repository.js'
import { fillAiDraft } from '../storage/ai-draft.repository.js'
import { commitAlone, type CommitTogether } from '../storage/commit-together.js'
import { claimSuggestion, findSuggestion, insertSuggestion, listSuggestions, releaseOtherClaims, transitionSuggestion, type TransitionGuard } from '../storage/suggestion.repository.js'
import { loadConversationContext, type SuggestionContext } from './conversation-context.js'
import { claimCutoff, toSuggestion, type Suggestion } from './suggestion.js'

export interface NewSuggestion {
  message: InboundMessage
  intentId: string | null
  score: number | null
  /** The drafted reply; null means a human must answer. */
  text: string | null
  /** Send at once: decided by the pipeline's decideAutoSend() (never for an escalated question). */
  autoSend: boolean
  emotionSeverity?: string | null
  /** Set when a rule sends the question to a human (decideAutoSend then keeps it for an agent). */
  escalation?: { reason: EscalationReason; detail: string } | null
}

/** A message the bot starts (a tag action: welcome, care) or a reminder for agents, not an answer to a question. */
export interface NewOutreach {
  /** Unique per action run: a re-run never queues a second copy. */
  sourceId: string
  groupId: string
  groupName: string
  memberId: string
  memberName: string
  /** outreach: `text` is proposed for the group; reminder: agents are asked to look at the member. */
  kind: 'outreach' | 'reminder'
  text: string | null
  /** What triggered it, shown where a question would be, e.g. 标签「流失预警」：近 30 天发言 1 条. */
  reason: string
  autoSend: boolean
  at: Date
}

/**
 * Who decides, and on what they saw: `version` is the suggestion's version on the agent's screen (the console always
 * sends it; API-token callers may leave it out and decide on whatever is current); `takeOver` confirms deciding on
 * an item a colleague holds (audited as a takeover).
 */
export interface Decision {
  actor: string
  version?: number | undefined
  takeOver?: boolean | undefined
}

/** `remote`: the change happened on another instance (relayed over the database), not in this process. */
export type SuggestionEvent = { type: 'created' | 'updated'; suggestion: Suggestion; remote?: boolean }

export interface SuggestionService {
  create(input: NewSuggestion): Promise<Suggestion>
  /** Queues a bot-initiated message or a reminder; it is approved, edited or rejected like any suggestion. */
  createOutreach(input: NewOutreach): Promise<Suggestion>
  list(filter?: { status?: SuggestionStatus; groupId?: string; limit?: number }): Promise<Suggestion[]>
  get(id: number): Promise<Suggestion>
  /**
   * Sends the drafted text, or `text` when the agent edited it. Throws `conflict` if already decided, `stale` if
   * `version` is not the current one, `claimed_by_other` while a colleague holds it (unless `takeOver`).
   */
  send(id: number, options: Decision & { text?: string }): Promise<Suggestion>
  reject(id: number, options: Decision & { reason?: string }): Promise<Suggestion>
  /**
   * An agent opened (or is typing in) a suggestion: it is theirs until CLAIM_IDLE_MS pass without activity, and
   * their claims on other items end. Renewing one's own claim is silent; a new holder is announced. A decided
   * suggestion is returned unclaimed. Throws `claimed_by_other` while a colleague holds it, unless `takeOver`
   * (audited `suggestion.taken_over`).
   */
  claim(id: number, options: { actor: string; takeOver?: boolean | undefined }): Promise<Suggestion>
  /** The guard a decision's conditional UPDATE carries (version seen, colleague's claim): for services deciding elsewhere (fix-intent). */
  guard(options: Decision): TransitionGuard
  /** Why a guarded decision wrote nothing: `stale`, `conflict` or `claimed_by_other`, each with the current item. */
  refusal(id: number, options: Decision): Promise<QunDeskError>
  /** Takes the item over for `options.actor` first when `options.takeOver` asks (audited), and refuses a stale version at once. */
  prepare(id: number, options: Decision): Promise<Suggestion>
  /**
   * Records that an agent sent the reply themselves (the WeCom sidebar's sendChatMessage): the bot sends nothing,
   * but the decision, the text and the response time are stored as for any send.
   */
  markSent(id: number, options: Decision & { text: string; via: string }): Promise<Suggestion>
  /** The conversation around the question and the customer's history with the bot. */
  context(id: number): Promise<SuggestionContext>
  /**
   * Puts the AI drafter's text into a suggestion still waiting with no draft and marks it 「AI 草稿」 with the intents
   * it was grounded in; an agent who opened the item meanwhile sees it arrive. Nothing is written once the item was
   * decided or got a draft otherwise (an intent fix): returns undefined then. Never sends: an AI draft always waits
   * for an agent.
   */
  attachAiDraft(id: number, draft: { text: string; intentIds: readonly string[] }): Promise<Suggestion | undefined>
  /** Tells live views about a change made elsewhere (e.g. an intent fix). */
  notify(suggestion: Suggestion): void
  /** Live updates for the console. Returns an unsubscribe function. */
  subscribe(listener: (event: SuggestionEvent) => void): () => void
  /** Tells this process's subscribers about a change another instance made (read back from the database). */
  relay(type: SuggestionEvent['type'], id: number): Promise<void>
  /**
   * Follows a reply through the outbox (`suggestion:<id>` sends): sending -> sent or failed, and the waiting or
   * retrying note an agent sees meanwhile. The composition registers it with `outbox.handle('suggestion', …)`.
   */
  onSendOutcome: OutboxHandler
}

const AUTO_ACTOR = 'bot'
const STATUS_TEXT: Record<SuggestionStatus, string> = { pending: '待处理', sending: '正在发送', sent: '已发送', rejected: '已拒绝', failed: '发送失败' }
/** States an agent may still decide on: waiting, or given up by the outbox (send again or reject). */
const SENDABLE: SuggestionStatus[] = ['pending', 'failed']

/**
 * The approval queue: every drafted reply waits here until it is auto-sent, sent by an agent (as drafted or
 * edited) or rejected. Each decision records who and when, the response time, and an audit entry.
 *
 * @example
 * const suggestions = createSuggestionService({ db, outbox, clock: systemClock, logger })
 * await suggestions.send(12, { actor: 'agent:小王', text: '改过的回复' })
 */
export function createSuggestionService(deps: {
  db: Db; outbox: Outbox; clock: Clock; logger: Logger
  /** Where new suggestions are inserted: shared with the pipeline's message outcomes, so a burst's writes share commits. */
  commit?: CommitTogether | undefined
}): SuggestionService {
  const { db, outbox, clock } = deps
  const commit = deps.commit ?? commitAlone(db)
  const events = new EventEmitter()
  const emit = (type: SuggestionEvent['type'], suggestion: Suggestion) => events.emit('event', { type, suggestion })

  async function get(id: number): Promise<Suggestion> {
    const row = await findSuggestion(db, id)
    if (!row) throw new QunDeskError('not_found', `建议 #${id} 不存在`, { suggestionId: id })
    return toSuggestion(row, clock())
  }

  /** The version must still be the one seen, and no colleague's claim in force unless taken over (the bot has none). */
  function guard(options: Decision & { auto?: boolean }): TransitionGuard {
    return {
      version: options.version,
      claim: options.auto || options.takeOver ? undefined : { actor: options.actor, since: claimCutoff(clock()) },
    }
  }

  function staleError(current: Suggestion): QunDeskError {
    const what = current.status === 'pending' ? '内容已更新' : `${current.decidedBy ? `${current.decidedBy} ` : ''}${STATUS_TEXT[current.status]}`
    return new QunDeskError('stale', `建议 #${current.id} 刚有变化（${what}），已显示最新内容，请确认后再操作`, { suggestionId: current.id, current })
  }

  async function refusal(id: number, options: Decision): Promise<QunDeskError> {
    const current = await get(id)
    if (options.version !== undefined && current.version !== options.version) return staleError(current)
    if (SENDABLE.includes(current.status) && current.claimedBy && current.claimedBy !== options.actor && !options.takeOver) {
      return new QunDeskError('claimed_by_other', `${current.claimedBy} 正在处理建议 #${id}，确认接手后才能操作`, { suggestionId: id, claimedBy: current.claimedBy, current })
    }
    const by = current.decidedBy ? `（${current.decidedBy}）` : ''
    return new QunDeskError('conflict', `建议 #${id} ${STATUS_TEXT[current.status]}${by}，不能重复处理`, { suggestionId: id, status: current.status, current })
  }

  async function claim(id: number, options: { actor: string; takeOver?: boolean | undefined }): Promise<Suggestion> {
    const before = await get(id)
    if (!SENDABLE.includes(before.status)) return before
    const at = clock()
    const since = claimCutoff(at)
    const takenFrom = options.takeOver && before.claimedBy && before.claimedBy !== options.actor ? before.claimedBy : null
    const claimed = await db.transaction().execute(async (trx) => {
      if (!(await claimSuggestion(trx, id, SENDABLE, { actor: options.actor, at: at.toISOString(), since, takeOver: options.takeOver === true }))) return false
      if (takenFrom) await appendAudit(trx, { at, actor: options.actor, action: 'suggestion.taken_over', subjectType: 'suggestion', subjectId: String(id), detail: { from: takenFrom, groupId: before.groupId } })
      return true
    })
    if (!claimed) {
      const current = await get(id)
      if (!SENDABLE.includes(current.status)) return current
      throw await refusal(id, { actor: options.actor })
    }
    for (const released of await releaseOtherClaims(db, options.actor, id, since)) emit('updated', await get(released))
    const after = await get(id)
    if (before.claimedBy !== options.actor) emit('updated', after)
    return after
  }

  async function prepare(id: number, options: Decision): Promise<Suggestion> {
    const before = await get(id)
    if (options.version !== undefined && before.version !== options.version) throw staleError(before)
    if (!options.takeOver || !before.claimedBy || before.claimedBy === options.actor) return before
    return claim(id, { actor: options.actor, takeOver: true })
  }

  /** Records `actor`'s decision on a suggestion that waits for one (pending, or failed to send); false when someone decided first or the guard refused. */
  async function decidePending(conn: Db, id: number, options: Decision, to: SuggestionStatus, extra: SuggestionUpdate = {}): Promise<boolean> {
    return transitionSuggestion(conn, id, SENDABLE, { ...extra, status: to, decided_by: options.actor, decided_at: clock().toISOString() }, guard(options))
  }

  /**
   * Stores a reply that went out (by the bot or by the agent themselves) and its audit entry, in one transaction:
   * a sent suggestion always has its entry, even across a crash. `write` applies the columns under the caller's own
   * state check; false (someone else got there first) writes nothing.
   */
  async function recordSent(
    before: Suggestion,
    options: { actor: string; text: string; decision: SuggestionDecision; via?: string },
    write: (conn: Db, fields: SuggestionUpdate & { status: SuggestionStatus }) => Promise<boolean>,
  ): Promise<boolean> {
    const repliedAt = clock()
    return db.transaction().execute(async (trx) => {
      const written = await write(trx, {
        status: 'sent',
        decision: options.decision,
        final_text: options.text,
        replied_at: repliedAt.toISOString(),
        response_ms: Math.max(0, repliedAt.getTime() - Date.parse(before.askedAt)),
        last_error: null,
      })
      if (!written) return false
      await appendAudit(trx, {
        at: repliedAt,
        actor: options.actor,
        action: `suggestion.${options.decision}`,
        subjectType: 'suggestion',
        subjectId: String(before.id),
        detail: { groupId: before.groupId, intentId: before.intentId, ...(options.via ? { via: options.via } : {}), ...(options.decision === 'edited' ? { text: options.text } : {}) },
      })
      return true
    })
  }

  async function send(id: number, options: Decision & { text?: string; auto?: boolean }): Promise<Suggestion> {
    const before = await prepare(id, options)
    // The language model's draft never goes out on its own (decideAutoSend says so too): refused here as well, so
    // no path that sends as the bot (auto-send, an API caller naming itself 'bot') can carry one.
    if ((options.auto || options.actor === AUTO_ACTOR) && before.aiDraft) throw new QunDeskError('forbidden', `建议 #${id} 是 AI 草稿，必须由客服审核后发送`, { suggestionId: id })
    const text = (options.text ?? before.finalText ?? before.text ?? '').trim()
    if (SENDABLE.includes(before.status) && text.length === 0) {
      throw new QunDeskError('bad_request', `建议 #${id} 没有可发送的内容，请填写回复`, { suggestionId: id })
    }
    // The claim and the queued send are one transaction: a crash leaves either both or neither.
    const queued = await db.transaction().execute(async (trx) => {
      const now = clock().toISOString()
      const claimed = await transitionSuggestion(trx, id, SENDABLE, { status: 'sending', decided_by: options.actor, decided_at: now, last_error: null }, guard(options))
      if (!claimed) return undefined
      return outbox.enqueue({
        source: `suggestion:${id}`, groupId: before.groupId, text, actor: options.actor,
        mention: { memberId: before.memberId, memberName: before.memberName, messageId: before.messageId },
      }, trx)
    })
    if (!queued) throw await refusal(id, options)
    emit('updated', await get(id))
    const outcome = await outbox.deliver(queued.id)
    // A reply refused for good is reported to whoever clicked; the suggestion already shows it as failed.
    if (outcome.status === 'failed') throw outcome.error ?? new QunDeskError('channel_unavailable', '发送失败', { suggestionId: id })
    return get(id)
  }

  const onSendOutcome: OutboxHandler = async (event) => {
    const id = Number(event.row.source.slice('suggestion:'.length))
    const before = await get(id)
    const actor = event.row.actor
    if (event.type === 'sent') {
      const decision: SuggestionDecision = actor === AUTO_ACTOR ? 'auto_sent' : event.row.text.trim() === (before.text ?? '').trim() ? 'sent' : 'edited'
      if (before.status !== 'sending') return // already recorded (told again after a restart)
      await recordSent(before, { actor, text: event.row.text, decision }, (conn, fields) => transitionSuggestion(conn, id, 'sending', fields))
      const sent = await get(id)
      deps.logger.info({ suggestionId: id, decision, responseMs: sent.responseMs }, 'suggestion sent')
      emit('updated', sent)
      return
    }
    if (event.type === 'failed') {
      if (!(await transitionSuggestion(db, id, 'sending', { status: 'failed', last_error: event.error }))) return
      await appendAudit(db, { at: clock(), actor, action: 'suggestion.send_failed', subjectType: 'suggestion', subjectId: String(id), detail: { error: event.error, attempts: event.row.attempts } })
      emit('updated', await get(id))
      return
    }
    const note = event.type === 'retrying'
      ? `第 ${event.row.attempts} 次发送失败：${event.error}；稍后自动重试`
      : event.reason
    if (before.lastError === note) return // told already (the waiting reason is repeated while it lasts)
    if (await transitionSuggestion(db, id, 'sending', { status: 'sending', last_error: note })) emit('updated', await get(id))
  }

  return {
    async create(input) {
      const now = clock().toISOString()
      const row = await commit((trx) => insertSuggestion(trx, {
        message_id: input.message.id,
        group_id: input.message.groupId,
        group_name: input.message.groupName,
        member_id: input.message.senderId,
        member_name: input.message.senderName,
        question: input.message.question,
        kind: input.text === null ? 'needs_human' : 'answer',
        intent_id: input.intentId,
        score: input.score,
        text: input.text,
        status: 'pending',
        created_at: now,
        asked_at: input.message.sentAt.toISOString(),
        emotion_severity: input.emotionSeverity ?? null,
        escalation_reason: input.escalation?.reason ?? null,
        escalation_detail: input.escalation?.detail ?? null,
      }))
      const created = toSuggestion(row, clock())
      emit('created', created)
      if (input.autoSend && created.status === 'pending' && created.text) {
        try {
          return await send(created.id, { actor: AUTO_ACTOR, auto: true })
        } catch {
          // Already logged and audited; the suggestion stays pending for an agent.
          return get(created.id)
        }
      }
      return created
    },
    async createOutreach(input) {
      // The queue keys every suggestion to a stored message; a tag action gets its own, marked as ours (from_self)
      // so activity metrics and reports never count it as the customer speaking.
      const messageId = `rules:${input.sourceId}`
      const at = input.at.toISOString()
      await insertMessageOnce(db, {
        id: messageId, channel: 'rules', group_id: input.groupId, group_name: input.groupName, sender_id: 'qundesk:rules', sender_name: '标签规则',
        text: input.reason, question: input.reason, mentions_bot: 0, from_self: 1, sent_at: at, received_at: at, status: 'handled', handled_at: at,
        error: null, emotion_severity: null, emotion_score: null,
      })
      const row = await insertSuggestion(db, {
        message_id: messageId, group_id: input.groupId, group_name: input.groupName, member_id: input.memberId, member_name: input.memberName,
        question: input.reason, kind: input.kind, intent_id: null, score: null, text: input.text, status: 'pending', created_at: at, asked_at: at,
        emotion_severity: null, escalation_reason: null, escalation_detail: null,
      })
      const created = toSuggestion(row, clock())
      emit('created', created)
      if (input.autoSend && input.kind === 'outreach' && created.status === 'pending' && created.text) {
        try {
          return await send(created.id, { actor: AUTO_ACTOR, auto: true })
        } catch {
          return get(created.id)
        }
      }
      return created
    },
    list: async (filter) => {
      const now = clock()
      return (await listSuggestions(db, filter)).map((row) => toSuggestion(row, now))
    },
    get,
    send: (id, options) => send(id, { actor: options.actor, version: options.version, takeOver: options.takeOver, ...(options.text !== undefined ? { text: options.text } : {}) }),
    claim,
    guard,
    refusal,
    prepare,
    async markSent(id, options) {
      const before = await prepare(id, options)
      const text = options.text.trim()
      if (!text) throw new QunDeskError('bad_request', '请提供实际发送的内容')
      const decision = text === (before.text ?? '').trim() ? 'sent' : 'edited'
      const recorded = await recordSent(before, { actor: options.actor, text, decision, via: options.via }, (conn, { status, ...fields }) => decidePending(conn, id, options, status, fields))
      if (!recorded) throw await refusal(id, options)
      const sent = await get(id)
      emit('updated', sent)
      return sent
    },
    async reject(id, options) {
      const reason = options.reason?.trim() || null
      await prepare(id, options)
      // The decision and its audit entry commit together.
      const rejectedNow = await db.transaction().execute(async (trx) => {
        if (!(await decidePending(trx, id, options, 'rejected', { decision: 'rejected', reject_reason: reason }))) return false
        await appendAudit(trx, { at: clock(), actor: options.actor, action: 'suggestion.rejected', subjectType: 'suggestion', subjectId: String(id), detail: { reason } })
        return true
      })
      if (!rejectedNow) throw await refusal(id, options)
      const rejected = await get(id)
      emit('updated', rejected)
      return rejected
    },
    async attachAiDraft(id, draft) {
      if (!(await fillAiDraft(db, id, draft))) return undefined
      const drafted = await get(id)
      emit('updated', drafted)
      return drafted
    },
    context: async (id) => loadConversationContext(db, await get(id), clock()),
    notify: (suggestion) => emit('updated', suggestion),
    subscribe(listener) {
      events.on('event', listener)
      return () => events.off('event', listener)
    },
    async relay(type, id) {
      const row = await findSuggestion(db, id)
      if (row) events.emit('event', { type, suggestion: toSuggestion(row, clock()), remote: true } satisfies SuggestionEvent)
    },
    onSendOutcome,
  }
}
