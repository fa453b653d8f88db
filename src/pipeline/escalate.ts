import { decideEscalation } from '../escalation/decide-escalation.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { detectEmotion } from '../nlu/emotion/detect-emotion.js'
import type { Step } from './message-context.js'

/**
 * Applies the knowledge base's escalation policy: 转人工, severe emotion, complaint intents, repeated misses.
 * An escalated question still gets its drafted answer, but never goes out automatically.
 */
export function escalate(deps: { currentKnowledge: () => KnowledgeBase; previousMisses: (memberId: string, groupId: string) => Promise<number> }): Step {
  return async (ctx, next) => {
    const { message } = ctx
    const intentId = ctx.match?.intent?.intentId ?? null
    const previousMisses = intentId === null ? await deps.previousMisses(message.senderId, message.groupId) : 0
    ctx.escalation = decideEscalation(
      { question: message.question, intentId, emotion: ctx.emotion ?? detectEmotion(message.question), previousMisses },
      deps.currentKnowledge().escalation,
    )
    if (ctx.escalation) ctx.log.info({ reason: ctx.escalation.reason }, 'escalated to a human')
    await next()
  }
}
