import type { Clock } from '../core/clock.js'
import type { InboundMessage } from '../core/inbound-message.js'
import type { Logger } from '../core/logger.js'
import type { ReplySender } from '../core/reply-sender.js'
import type { Intent, SlotName } from '../knowledge/knowledge-base.js'
import { renderAnswer, renderMemberAnswer } from '../knowledge/render-answer.js'
import { appendAudit } from '../storage/audit.repository.js'
import type { Db } from '../storage/create-db.js'
import { expireSlotRequest, fillSlotRequest, findOpenSlotRequest, openSlotRequest } from '../storage/slot-request.repository.js'
import { defaultAsk, findSlotValues } from './find-slot-values.js'

/** How long the bot waits for the customer's reply with the missing facts. */
export const SLOT_WAIT_MINUTES = 30

export interface FilledSlots {
  intentId: string
  question: string
  values: Partial<Record<SlotName, string>>
}

export interface SlotService {
  /** Asks the member in the group for the missing facts and remembers the question. Returns the text sent. */
  ask(message: InboundMessage, intent: Intent, missing: readonly SlotName[]): Promise<string>
  /** If the member owes facts for an earlier question and this message has them all, returns them (once). */
  takeReply(message: InboundMessage): Promise<FilledSlots | undefined>
}

/**
 * Follow-up questions: "需要订单号" intents ask for the order number in the group, and the answer is drafted when
 * the customer replies with it (with or without @-mentioning the bot) within SLOT_WAIT_MINUTES.
 *
 * @example
 * const slots = createSlotService({ db, sender, clock, logger })
 * await slots.ask(message, intent, ['order_id'])
 */
export function createSlotService(deps: { db: Db; sender: ReplySender; clock: Clock; logger: Logger; utcOffsetMinutes?: number }): SlotService {
  const { db, clock } = deps
  return {
    async ask(message, intent, missing) {
      const now = clock()
      const template = intent.ask ?? defaultAsk(missing)
      // The question goes out at once, with no agent to look: a nickname that had to be changed is left out of it.
      const asked = renderMemberAnswer(template, message.senderName)
      const text = asked.nameAltered ? renderAnswer(template, {}) : asked.text
      // The request is open before the question is out: a customer who answers at once must find it.
      await openSlotRequest(db, {
        messageId: message.id, groupId: message.groupId, memberId: message.senderId, intentId: intent.id, question: message.question,
        slots: missing, askedAt: now.toISOString(), expiresAt: new Date(now.getTime() + SLOT_WAIT_MINUTES * 60_000).toISOString(),
      })
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
      const request = await findOpenSlotRequest(db, message.senderId, message.groupId, clock().toISOString())
      if (!request) return undefined
      const wanted = JSON.parse(request.slots) as SlotName[]
      const { values, missing } = findSlotValues(wanted, message.question, clock(), deps.utcOffsetMinutes)
      if (missing.length > 0) return undefined
      if (!(await fillSlotRequest(db, request.id, message.id))) return undefined
      deps.logger.debug({ messageId: message.id, intentId: request.intent_id }, 'follow-up filled the missing facts')
      return { intentId: request.intent_id, question: request.question, values }
    },
  }
}
