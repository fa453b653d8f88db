import type { ReplyMention, ReplySender } from '../core/reply-sender.js'
import { AIBOT_CHANNEL } from './wecom/wecom-callback-processor.js'

/**
 * Sends each reply back the way its question came: AI-bot messages (ids `wecom-aibot:…`) through their
 * response_url sender, everything else through the Wechaty account. Without an AI-bot sender, all go via Wechaty.
 *
 * @example
 * const sender = routeReplies({ wechaty: channel.sender, aibot: createAibotReplySender({ db, clock, post }) })
 * await sender.sendToGroup(chatId, '您好……', { memberId, memberName, messageId: 'wecom-aibot:msg1' })
 */
export function routeReplies(senders: { wechaty: ReplySender; aibot?: ReplySender | undefined }): ReplySender {
  const pick = (mention?: ReplyMention) => (senders.aibot && mention?.messageId?.startsWith(`${AIBOT_CHANNEL}:`) ? senders.aibot : senders.wechaty)
  return {
    sendToGroup: (groupId, text, mention) => pick(mention).sendToGroup(groupId, text, mention),
    isAvailable: (groupId, mention) => pick(mention).isAvailable?.(groupId, mention) ?? true,
  }
}
