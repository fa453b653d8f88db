import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { decideIntent } from '../nlu/decide-intent.js'
import type { IntentMatcher } from '../nlu/intent-matcher.js'
import type { Step } from './message-context.js'

/**
 * Ranks the question against the knowledge base as it is right now (the matcher is swapped on reload), then
 * decides with the threshold bands of the best intent and of this group.
 */
export function matchIntent(current: () => { kb: KnowledgeBase; matcher: IntentMatcher }): Step {
  return async (ctx, next) => {
    // Both from one version, so the ranking is decided with the bands of the knowledge it was trained on.
    const { kb, matcher } = current()
    const { groupId, groupName } = ctx.message
    ctx.match = decideIntent(await matcher.match(ctx.message.question), kb, { id: groupId, name: groupName })
    ctx.log.debug({ decision: ctx.match.decision, top: ctx.match.top, threshold: ctx.match.threshold }, 'matched')
    await next()
  }
}
