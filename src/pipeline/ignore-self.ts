import type { Step } from './message-context.js'

/** The bot's own messages (echoes of its replies) are stored but never answered. */
export const ignoreSelf: Step = async (ctx, next) => {
  if (ctx.message.fromSelf) {
    ctx.outcome = 'ignored'
    return
  }
  await next()
}
