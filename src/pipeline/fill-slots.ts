import { decideEscalation } from '../escalation/decide-escalation.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { detectEmotion } from '../nlu/emotion/detect-emotion.js'
import { renderMemberAnswer } from '../knowledge/render-answer.js'
import type { SlotService } from '../slots/slot-service.js'
import type { SuggestionService } from '../suggestions/suggestion-service.js'
import { decideAutoSend } from './decide-auto-send.js'
import type { Step } from './message-context.js'

/**
 * A member who was asked for an order number (or phone, amount, date) replies with it: draft the answer to their
 * earlier question now, whether or not the reply @-mentions the bot. A reply with another kind of id hands the
 * question to an agent (the slot service does); the reply itself goes on through the steps.
 *
 * The drafted answer auto-sends only when decideAutoSend agrees with what is known here: the intent's `auto_send`,
 * the ORIGINAL question's match being confident (remembered with the follow-up), and the reply raising no escalation
 * (转人工, strong emotion: the escalation policy applied to the reply, as the escalate step would).
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
    const knowledge = deps.currentKnowledge()
    const facts = Object.values(filled.values).join('，')
    const answer = renderMemberAnswer(intent.answer, message.senderName, filled.values)
    // The reply is the customer's latest word: "DD2026… 快点！转人工" wants a person, whatever the first question was.
    const escalation = decideEscalation(
      { question: message.question, intentId: intent.id, emotion: ctx.emotion ?? detectEmotion(message.question), previousMisses: 0 },
      knowledge.escalation,
    )
    const suggestion = await deps.suggestions.create({
      message: { ...message, question: `${filled.question}（${facts}）` },
      intentId: intent.id,
      score: filled.match.score,
      text: answer.text,
      autoSend: decideAutoSend({ intentAllows: intent.autoSend, confident: filled.match.confident, escalated: escalation !== null, nameAltered: answer.nameAltered }),
      emotionSeverity: ctx.emotion?.severity ?? null,
      escalation,
    })
    ctx.log.info({ suggestionId: suggestion.id, intentId: intent.id }, 'answer drafted after the customer gave the missing facts')
  }
}
