import type { Clock } from '../core/clock.js'
import type { InboundMessage } from '../core/inbound-message.js'
import type { Logger } from '../core/logger.js'
import type { ReplySender } from '../core/reply-sender.js'
import type { Intent, SlotName } from '../knowledge/knowledge-base.js'
import { renderAnswer, renderMemberAnswer } from '../knowledge/render-answer.js'
import { appendAudit } from '../storage/audit.repository.js'
import type { Db } from '../storage/create-db.js'
import { findMessage, inboundFromRow } from '../storage/message.repository.js'
import type { SlotRequestRow } from '../storage/schema.js'
import {
  expireSlotRequest, fillSlotRequest, findOpenSlotRequest, handOverSlotRequest, listOpenSlotRequestPairs, listSlotRequestsToHandOver, openSlotRequest,
} from '../storage/slot-request.repository.js'
import type { Suggestion } from '../suggestions/suggestion.js'
import type { SuggestionService } from '../suggestions/suggestion-service.js'
import { defaultAsk, findSlotValues, SLOT_NAME_TEXT } from './find-slot-values.js'

/** How long the bot waits for the customer's reply with the missing facts. */
export const SLOT_WAIT_MINUTES = 30

export interface FilledSlots {
  intentId: string
  question: string
  values: Partial<Record<SlotName, string>>
  /** How the original question matched: its score, and whether it was confident enough to auto-send. */
  match: OriginalMatch
}

/** The original question's match, remembered while the bot waits for the facts. */
export interface OriginalMatch {
  score: number | null
  confident: boolean
}

/** What a member's message did to the question they owe facts for. */
export type SlotReply =
  | ({ kind: 'filled' } & FilledSlots)
  /** They answered with an id of another kind (a phone number for an order number): an agent has the question now. */
  | { kind: 'handed_over'; suggestion: Suggestion }

export interface SlotService {
  /**
   * Asks the member in the group for the missing facts and remembers the question, with how it matched (`match`;
   * only a confident match lets the filled answer auto-send). Returns the text sent.
   */
  ask(message: InboundMessage, intent: Intent, missing: readonly SlotName[], match: OriginalMatch): Promise<string>
  /** If the member owes facts for an earlier question: the facts (once), or the question handed to an agent. */
  takeReply(message: InboundMessage): Promise<SlotReply | undefined>
  /**
   * Hands every question whose facts never came (the wait ran out, or a newer question replaced it) to an agent
   * as a needs-human item with the original question; also finishes a hand-over a crash interrupted. Returns how
   * many items it created.
   */
  handOverExpired(): Promise<number>
}

/**
 * Follow-up questions: "需要订单号" intents ask for the order number in the group, and the answer is drafted when
 * the customer replies with it (with or without @-mentioning the bot) within SLOT_WAIT_MINUTES. A question is never
 * dropped: a reply with another kind of id, or no reply in time, gives it to an agent.
 *
 * @example
 * const slots = createSlotService({ db, sender, suggestions, clock, logger })
 * await slots.ask(message, intent, ['order_id'])
 */
export function createSlotService(deps: {
  db: Db; sender: ReplySender; suggestions: Pick<SuggestionService, 'create'>; clock: Clock; logger: Logger; utcOffsetMinutes?: number
  /**
   * True only when this service opens every request there is (SQLite: one process, one slot service): most messages
   * then skip the lookup (openRequestHints). With several processes on PostgreSQL another may open one: leave unset.
   */
  opensEveryRequest?: boolean
}): SlotService {
  const { db, clock } = deps
  const hints = deps.opensEveryRequest ? openRequestHints(() => listOpenSlotRequestPairs(db)) : undefined

  /**
   * The request is marked first (only one caller wins it, so a question is handed over once), then the item is
   * created on the original message id (idempotent). A crash in between leaves a handed-over request without an
   * item, which the next sweep finishes.
   */
  async function handOver(request: SlotRequestRow, reply: InboundMessage | undefined, alreadyMarked: boolean): Promise<Suggestion | undefined> {
    if (!alreadyMarked && !(await handOverSlotRequest(db, request.id, reply?.id ?? null))) return undefined
    const original = await findMessage(db, request.message_id)
    // Erased or purged since: there is no one left to answer.
    if (!original || original.content_purged_at) return undefined
    const wanted = (JSON.parse(request.slots) as SlotName[]).map((slot) => SLOT_NAME_TEXT[slot]).join('和')
    const replyText = reply?.question ?? (request.filled_by_message_id ? (await findMessage(db, request.filled_by_message_id))?.question : undefined)
    const note = replyText ? `追问${wanted}，客户回复：${replyText}` : `追问${wanted}，${SLOT_WAIT_MINUTES} 分钟内未回复`
    const suggestion = await deps.suggestions.create({
      message: { ...inboundFromRow(original), question: `${request.question}（${note}）` },
      intentId: request.intent_id, score: null, text: null, autoSend: false,
      emotionSeverity: original.emotion_severity,
    })
    await appendAudit(db, {
      at: clock(), actor: 'bot', action: 'slot.handed_over', subjectType: 'message', subjectId: request.message_id,
      detail: { intentId: request.intent_id, suggestionId: suggestion.id, why: reply || request.filled_by_message_id ? 'other_reply' : 'no_reply' },
    })
    return suggestion
  }

  return {
    async ask(message, intent, missing, match) {
      const now = clock()
      const template = intent.ask ?? defaultAsk(missing)
      // The question goes out at once, with no agent to look: a nickname that had to be changed is left out of it.
      const asked = renderMemberAnswer(template, message.senderName)
      const text = asked.nameAltered ? renderAnswer(template, {}) : asked.text
      // The request is open before the question is out: a customer who answers at once must find it.
      const opened = await hints?.opening(message.groupId, message.senderId)
      try {
        await openSlotRequest(db, {
          messageId: message.id, groupId: message.groupId, memberId: message.senderId, intentId: intent.id, question: message.question,
          slots: missing, askedAt: now.toISOString(), expiresAt: new Date(now.getTime() + SLOT_WAIT_MINUTES * 60_000).toISOString(), match,
        })
      } finally {
        opened?.()
      }
      try {
        await deps.sender.sendToGroup(message.groupId, text, { memberId: message.senderId, memberName: message.senderName, messageId: message.id })
      } catch (error) {
        await expireSlotRequest(db, message.id)
        throw error
      }
      await appendAudit(db, { at: now, actor: 'bot', action: 'slot.asked', subjectType: 'message', subjectId: message.id, detail: { intentId: intent.id, missing, text } })
      return text
    },
    async takeReply(message) {
      const looked = await hints?.looking(message.groupId, message.senderId)
      if (looked === false) return undefined
      const request = await findOpenSlotRequest(db, message.senderId, message.groupId, clock().toISOString())
      if (!request) {
        looked?.foundNone()
        return undefined
      }
      const wanted = JSON.parse(request.slots) as SlotName[]
      const { values, missing, otherIdentifier } = findSlotValues(wanted, message.question, clock(), deps.utcOffsetMinutes)
      if (missing.length > 0) {
        // Chat ("好的稍等") keeps the question waiting; an id of another kind is an answer the bot cannot use.
        if (!otherIdentifier) return undefined
        const suggestion = await handOver(request, message, false)
        if (suggestion) deps.logger.info({ messageId: message.id, intentId: request.intent_id, got: otherIdentifier }, 'follow-up answered with another kind of id; handed to an agent')
        return suggestion ? { kind: 'handed_over', suggestion } : undefined
      }
      if (!(await fillSlotRequest(db, request.id, message.id))) return undefined
      deps.logger.debug({ messageId: message.id, intentId: request.intent_id }, 'follow-up filled the missing facts')
      return {
        kind: 'filled', intentId: request.intent_id, question: request.question, values,
        match: { score: request.match_score, confident: request.match_confident === 1 },
      }
    },
    async handOverExpired() {
      let created = 0
      for (const request of await listSlotRequestsToHandOver(db, clock().toISOString())) {
        if (await handOver(request, undefined, request.status === 'handed_over')) created += 1
      }
      if (created > 0) deps.logger.info({ count: created }, 'follow-up questions without the facts handed to agents')
      return created
    },
  }
}

/**
 * Which (group, member) pairs may have an open request, so a message from anyone else skips the lookup (one query
 * per message otherwise, and most members owe nothing). Loaded from the database on first use; a pair is added
 * before its request is stored and dropped only when a lookup found none and no request was opened for it
 * meanwhile (`changes` counts openings, before and after the insert): a lookup that ran while one was being stored
 * keeps the pair. Only sound when this process opens every request (see `opensEveryRequest`).
 */
export function openRequestHints(load: () => Promise<Array<{ group_id: string; member_id: string }>>) {
  let pairs: Promise<Set<string>> | undefined
  const changes = new Map<string, number>()
  const keyOf = (groupId: string, memberId: string) => `${groupId}\u0000${memberId}`
  const bump = (key: string) => changes.set(key, (changes.get(key) ?? 0) + 1)
  const loaded = () => {
    pairs ??= load().then((rows) => new Set(rows.map((r) => keyOf(r.group_id, r.member_id))))
    // A failed load is tried again by the next caller.
    pairs.catch(() => { pairs = undefined })
    return pairs
  }
  return {
    /** Call before storing a request; call the returned function once the insert has finished. */
    async opening(groupId: string, memberId: string): Promise<() => void> {
      const key = keyOf(groupId, memberId)
      ;(await loaded()).add(key)
      bump(key)
      return () => { bump(key) }
    },
    /** false: no request can be open, skip the lookup; else call foundNone() when the lookup found none. */
    async looking(groupId: string, memberId: string): Promise<false | { foundNone(): void }> {
      const key = keyOf(groupId, memberId)
      const set = await loaded()
      if (!set.has(key)) return false
      const before = changes.get(key) ?? 0
      return {
        foundNone: () => {
          // The count is never reset: a reset could make a lookup begun before it match a later opening's count.
          if ((changes.get(key) ?? 0) === before) set.delete(key)
        },
      }
    },
  }
}
