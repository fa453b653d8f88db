import { isClosingRemark } from '../nlu/is-closing-remark.js'
import type { Step } from './message-context.js'

/**
 * Only messages that @-mention the bot and ask something are questions; the rest is group chatter, kept as context.
 * An @-mention that only closes the conversation (好的谢谢, 收到👍, ok, 知道了) is not a question either: it gets no
 * suggestion, no "unanswered" item and does not count as a miss towards escalation. Its emotion was already recorded.
 */
export const detectQuestion: Step = async (ctx, next) => {
  const question = ctx.message.question
  if (!ctx.message.mentionsBot || question.trim().length === 0 || isClosingRemark(question)) {
    ctx.outcome = 'ignored'
    return
  }
  await next()
}
