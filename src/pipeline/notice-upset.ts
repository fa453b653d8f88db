import type { AttentionItems } from '../suggestions/attention-items.js'
import type { Step } from './message-context.js'

/**
 * A customer upset (moderate or severe) in the group without @-mentioning the bot reaches an agent as a "需关注"
 * item; the message then goes on as group chatter. With an @ it is a question, and escalation rules apply instead.
 */
export function noticeUpset(deps: { attention: AttentionItems }): Step {
  return async (ctx, next) => {
    const severity = ctx.emotion?.severity
    if (!ctx.message.mentionsBot && !ctx.message.fromSelf && (severity === 'moderate' || severity === 'severe')) {
      const item = await deps.attention.note(ctx.message, severity)
      ctx.log.info({ suggestionId: item.id, severity }, 'an upset customer without @: needs attention')
    }
    await next()
  }
}
