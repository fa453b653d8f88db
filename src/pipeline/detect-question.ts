import type { Step } from './message-context.js'

/** Only messages that @-mention the bot and say something are questions; the rest is group chatter, kept as context. */
export const detectQuestion: Step = async (ctx, next) => {
  if (!ctx.message.mentionsBot || ctx.message.question.trim().length === 0) {
    ctx.outcome = 'ignored'
    return
  }
  await next()
}
