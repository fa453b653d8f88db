import type { IntentMatcher } from '../nlu/intent-matcher.js'
import type { Step } from './message-context.js'

/** Matches the question against the knowledge base as it is right now (the matcher is swapped on reload). */
export function matchIntent(currentMatcher: () => IntentMatcher): Step {
  return async (ctx, next) => {
    ctx.match = await currentMatcher().match(ctx.message.question)
    ctx.log.debug({ decision: ctx.match.decision, top: ctx.match.top }, 'matched')
    await next()
  }
}
