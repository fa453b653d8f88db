import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { SlotService } from '../slots/slot-service.js'
import { findSlotValues } from '../slots/find-slot-values.js'
import type { Clock } from '../core/clock.js'
import type { Step } from './message-context.js'

/**
 * An intent that needs facts (slots) the question lacks: ask for them in the group and wait for the reply
 * (see fill-slots). Escalated questions go to a human instead; if asking fails, a normal suggestion is drafted.
 */
export function requireSlots(deps: { slots: SlotService; currentKnowledge: () => KnowledgeBase; clock: Clock; utcOffsetMinutes?: number }): Step {
  return async (ctx, next) => {
    const intentId = ctx.match?.intent?.intentId
    const intent = intentId ? deps.currentKnowledge().get(intentId) : undefined
    if (!intent?.slots?.length || ctx.escalation) return next()
    const { values, missing } = findSlotValues(intent.slots, ctx.message.question, deps.clock(), deps.utcOffsetMinutes)
    ctx.slotValues = values
    if (missing.length === 0) return next()
    try {
      // The match is remembered: the answer drafted when the facts come auto-sends only if it was confident.
      await deps.slots.ask(ctx.message, intent, missing, { score: ctx.match?.intent?.score ?? null, confident: ctx.match?.confident ?? false })
      ctx.log.info({ intentId, missing }, 'asked the customer for missing facts')
    } catch (error) {
      ctx.log.warn({ err: error }, 'could not ask for the missing facts; drafting a suggestion instead')
      await next()
    }
  }
}
