import type { InboundMessage } from '../core/inbound-message.js'
import type { Logger } from '../core/logger.js'
import type { Escalation } from '../escalation/decide-escalation.js'
import type { SlotName } from '../knowledge/knowledge-base.js'
import type { EmotionResult } from '../nlu/emotion/emotion-types.js'
import type { IntentDecision } from '../nlu/decide-intent.js'
import type { MessageStatus } from '../core/vocabulary.js'
import type { Suggestion } from '../core/suggestion.js'

/** One per inbound message; the steps read and fill it in turn. */
export interface MessageContext {
  readonly message: InboundMessage
  readonly log: Logger
  /** What becomes of the stored message once the steps finish. */
  outcome: Extract<MessageStatus, 'handled' | 'ignored'>
  match?: IntentDecision
  /** Negative emotion of what the customer wrote; stored with the message. */
  emotion?: EmotionResult
  /** Set when a rule sends this question to a human. */
  escalation?: Escalation | null
  /** Facts found for the intent's slots (order_id, ...), filled into the answer. */
  slotValues?: Partial<Record<SlotName, string>>
  /** The suggestion suggestReply queued for this question, for the steps after it (the AI drafter). */
  suggestion?: Suggestion
}

export type Next = () => Promise<void>
/** A pipeline step: do something, then `await next()` to continue, or return to stop here. */
export type Step = (ctx: MessageContext, next: Next) => Promise<void>

/** Runs steps in order, grammY/Koa style. */
export function compose(steps: readonly Step[]): (ctx: MessageContext) => Promise<void> {
  return async (ctx) => {
    const run = async (index: number): Promise<void> => {
      const step = steps[index]
      if (step) await step(ctx, () => run(index + 1))
    }
    await run(0)
  }
}
