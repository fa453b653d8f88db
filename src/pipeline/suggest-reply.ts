import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { renderMemberAnswer } from '../knowledge/render-answer.js'
import type { SuggestionService } from '../suggestions/suggestion-service.js'
import { decideAutoSend } from './decide-auto-send.js'
import type { Step } from './message-context.js'

/**
 * Drafts the reply: the accepted intent's answer with {{name}} filled (made safe), or a "needs a human" suggestion with no text.
 * Auto-sends when decideAutoSend() says so.
 */
export function suggestReply(deps: { suggestions: SuggestionService; currentKnowledge: () => KnowledgeBase }): Step {
  return async (ctx, next) => {
    const match = ctx.match
    const intent = match?.intent ? deps.currentKnowledge().get(match.intent.intentId) : undefined
    const { message } = ctx
    const answer = intent ? renderMemberAnswer(intent.answer, message.senderName, ctx.slotValues) : undefined
    const suggestion = await deps.suggestions.create({
      message,
      intentId: intent?.id ?? null,
      score: match?.intent?.score ?? match?.top[0]?.score ?? null,
      text: answer?.text ?? null,
      autoSend: decideAutoSend({
        intentAllows: intent?.autoSend ?? false, confident: match?.confident ?? false, escalated: Boolean(ctx.escalation), nameAltered: answer?.nameAltered ?? false,
        // The text here is the knowledge's own answer; an AI draft only ever comes later, into a waiting item.
        aiDrafted: false,
      }),
      emotionSeverity: ctx.emotion?.severity ?? null,
      escalation: ctx.escalation ?? null,
    })
    ctx.log.info({ suggestionId: suggestion.id, intentId: suggestion.intentId, status: suggestion.status }, 'suggestion drafted')
    ctx.suggestion = suggestion
    await next()
  }
}
