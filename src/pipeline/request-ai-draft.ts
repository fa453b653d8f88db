import { decideAiDraft } from '../drafting/decide-ai-draft.js'
import type { AiDrafter } from '../drafting/ai-drafter.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { renderAnswer } from '../knowledge/render-answer.js'
import type { Step } from './message-context.js'

/**
 * After suggestReply: for a question the knowledge did not answer, in a group opted in to AI drafts, asks the AI
 * drafter (in the background) for a draft grounded in the best-ranked intents' answers. The suggestion is already
 * in the queue; this step never waits for the model, and a problem here never fails the message.
 */
export function requestAiDraft(deps: { drafter: AiDrafter; optedInGroups: () => Promise<readonly string[]>; currentKnowledge: () => KnowledgeBase }): Step {
  return async (ctx, next) => {
    const suggestion = ctx.suggestion
    if (suggestion && ctx.match) {
      try {
        const kb = deps.currentKnowledge()
        const intentIds = decideAiDraft(suggestion, await deps.optedInGroups(), ctx.match.top, (id) => Boolean(kb.get(id)?.answer.trim()))
        if (intentIds) {
          deps.drafter.request(suggestion, intentIds.map((id) => ({ id, answer: renderAnswer(kb.get(id)!.answer, {}) })))
          ctx.log.debug({ suggestionId: suggestion.id, intentIds }, 'AI draft requested')
        }
      } catch (error) {
        ctx.log.warn({ err: error, suggestionId: suggestion.id }, 'AI draft not requested')
      }
    }
    await next()
  }
}
