import type { SuggestionService } from '../suggestions/suggestion-service.js'
import type { Step } from './message-context.js'

/**
 * How long after a customer @-mentions the bot a picture, voice note or file of theirs still belongs to that
 * question: WeChat cannot @ with a picture, so "@客服助手 快递坏了" followed by a photo is how customers show it.
 */
export const MEDIA_FOLLOWS_QUESTION_MS = 3 * 60_000

/**
 * A picture, voice note or file sent to the bot goes to a person: the bot cannot read it. "Sent to the bot" means
 * the message @-mentions it (WeCom's AI bot is only told of those; some puppets report mentions on media) or the
 * customer @-mentioned the bot in this group within the last three minutes. One waiting item per customer: more
 * files while it waits are in its conversation, not new items. Other media is group chatter, kept as context.
 */
export function handOverMedia(deps: {
  suggestions: SuggestionService
  mentionedBotSince: (groupId: string, memberId: string, since: Date, before: Date) => Promise<boolean>
  hasPendingMediaItem: (groupId: string, memberId: string) => Promise<boolean>
}): Step {
  return async (ctx, next) => {
    const { message } = ctx
    if (!message.media || message.media.length === 0 || message.fromSelf) return next()
    const sentAt = message.sentAt
    const addressed = message.mentionsBot || await deps.mentionedBotSince(message.groupId, message.senderId, new Date(sentAt.getTime() - MEDIA_FOLLOWS_QUESTION_MS), sentAt)
    if (!addressed) return next()
    if (await deps.hasPendingMediaItem(message.groupId, message.senderId)) {
      ctx.log.info('another file from a customer whose file already waits for an agent: shown in that item')
      return
    }
    const suggestion = await deps.suggestions.create({
      message, intentId: null, score: null, text: null, autoSend: false, emotionSeverity: ctx.emotion?.severity ?? null, escalation: null,
    })
    ctx.log.info({ suggestionId: suggestion.id, kinds: message.media.map((m) => m.kind) }, 'a file sent to the bot went to an agent')
  }
}
