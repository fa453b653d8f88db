import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { renderAnswer } from '../knowledge/render-answer.js'
import type { SuggestionService } from '../suggestions/suggestion-service.js'
import type { Step } from './message-context.js'

/**
 * Drafts the reply: the accepted intent's answer with {{name}} filled, or a "needs a human" suggestion with no text.
 * Auto-sends only when the intent allows it and the match is confident.
 */
export function suggestReply(deps: { suggestions: SuggestionService; currentKnowledge: () => KnowledgeBase }): Step {
  return async (ctx, next) => {
    const match = ctx.match
    const intent = match?.intent ? deps.currentKnowledge().get(match.intent.intentId) : undefined
    const { message } = ctx
    const suggestion = await deps.suggestions.create({
      message,
      intentId: intent?.id ?? null,
      score: match?.intent?.score ?? match?.top[0]?.score ?? null,
      text: intent ? renderAnswer(intent.answer, { name: message.senderName, ...ctx.slotValues }) : null,
      autoSend: Boolean(intent?.autoSend && match?.confident && !ctx.escalation),
      emotionSeverity: ctx.emotion?.severity ?? null,
      escalation: ctx.escalation ?? null,
    })
    ctx.log.info({ suggestionId: suggestion.id, intentId: suggestion.intentId, status: suggestion.status }, 'suggestion drafted')
    await next()
  }
}
