import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { decideIntent } from '../nlu/decide-intent.js'
import type { IntentMatcher, ScoredIntent } from '../nlu/intent-matcher.js'
import type { Step } from './message-context.js'

/**
 * A second opinion on the offline ranking (the optional embedding provider): the blended ranking, or undefined to
 * keep the offline one. It must resolve within its own timeout and never throw (see `createSemanticHelp`).
 */
export type RefineRanking = (kb: KnowledgeBase, question: string, lexical: readonly ScoredIntent[]) => Promise<readonly ScoredIntent[] | undefined>

/**
 * Ranks the question against the knowledge base as it is right now (the matcher is swapped on reload), lets the
 * embedding provider refine the ranking when one is configured, then decides with the threshold bands of the best
 * intent and of this group. The decision itself stays the pure `decideIntent`: the provider's vectors only change
 * the scores it is given.
 */
export function matchIntent(current: () => { kb: KnowledgeBase; matcher: IntentMatcher }, refine?: RefineRanking): Step {
  return async (ctx, next) => {
    // Both from one version, so the ranking is decided with the bands of the knowledge it was trained on.
    const { kb, matcher } = current()
    const { groupId, groupName } = ctx.message
    const lexical = await matcher.match(ctx.message.question)
    const refined = refine ? await refine(kb, ctx.message.question, lexical) : undefined
    ctx.match = decideIntent(refined ?? lexical, kb, { id: groupId, name: groupName }, { semantic: refined !== undefined })
    ctx.log.debug({ decision: ctx.match.decision, top: ctx.match.top, threshold: ctx.match.threshold, semantic: refine ? refined !== undefined : undefined }, 'matched')
    await next()
  }
}
