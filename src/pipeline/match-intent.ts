import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { applyBands } from '../nlu/apply-bands.js'
import type { IntentMatcher } from '../nlu/intent-matcher.js'
import type { Step } from './message-context.js'

/**
 * Matches the question against the knowledge base as it is right now (the matcher is swapped on reload), then
 * applies the threshold bands of the intent and of this group.
 */
export function matchIntent(currentMatcher: () => IntentMatcher, currentKnowledge: () => KnowledgeBase): Step {
  return async (ctx, next) => {
    const kb = currentKnowledge()
    const raw = await currentMatcher().match(ctx.message.question)
    const best = raw.top[0] ? kb.get(raw.top[0].intentId) : undefined
    const group = kb.bands.groups.find((g) => g.match === ctx.message.groupId || g.match === ctx.message.groupName)
    ctx.match = applyBands(raw, {
      intent: { ...(best?.threshold !== undefined ? { suggest: best.threshold } : {}), ...(best?.autoSendThreshold !== undefined ? { autoSend: best.autoSendThreshold } : {}) },
      global: kb.bands.global,
      group,
    })
    ctx.log.debug({ decision: ctx.match.decision, top: ctx.match.top, threshold: ctx.match.threshold }, 'matched')
    await next()
  }
}
