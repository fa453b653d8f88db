import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { renderMemberAnswer } from '../knowledge/render-answer.js'
import type { SlotService } from '../slots/slot-service.js'
import type { SuggestionService } from '../suggestions/suggestion-service.js'
import { decideAutoSend } from './decide-auto-send.js'
import type { Step } from './message-context.js'

/**
 * A member who was asked for an order number (or phone, amount, date) replies with it: draft the answer to their
 * earlier question now, whether or not the reply @-mentions the bot. A reply with another kind of id hands the
 * question to an agent (the slot service does); the reply itself goes on through the steps.
 */
export function fillSlots(deps: { slots: SlotService; suggestions: SuggestionService; currentKnowledge: () => KnowledgeBase }): Step {
  return async (ctx, next) => {
    const reply = await deps.slots.takeReply(ctx.message)
    if (reply?.kind === 'handed_over') {
      ctx.log.info({ suggestionId: reply.suggestion.id }, 'the follow-up got another kind of id; the question went to an agent')
      return next()
    }
    const filled = reply
    const intent = filled ? deps.currentKnowledge().get(filled.intentId) : undefined
    if (!filled || !intent) return next()
    const { message } = ctx
    const facts = Object.values(filled.values).join('，')
    const answer = renderMemberAnswer(intent.answer, message.senderName, filled.values)
    const suggestion = await deps.suggestions.create({
      message: { ...message, question: `${filled.question}（${facts}）` },
      intentId: intent.id,
      score: null,
      text: answer.text,
      // Drafted before matching and escalation run, from a follow-up that keeps no score of the first match: only
      // the intent's own auto_send is known here.
      autoSend: decideAutoSend({ intentAllows: intent.autoSend, confident: true, escalated: false, nameAltered: answer.nameAltered }),
      emotionSeverity: ctx.emotion?.severity ?? null,
    })
    ctx.log.info({ suggestionId: suggestion.id, intentId: intent.id }, 'answer drafted after the customer gave the missing facts')
  }
}
