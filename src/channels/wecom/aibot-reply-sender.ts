import type { Clock } from '../../core/clock.js'
import { QunDeskError } from '../../core/errors.js'
import type { ReplyMention, ReplySender } from '../../core/reply-sender.js'
import type { Db } from '../../storage/create-db.js'
import { claimResponseUrl, findResponseUrl } from '../../storage/wecom-response-url.repository.js'
import type { ResponseUrlPoster } from './response-url.js'

/**
 * Replies to an AI-bot (智能机器人) message through its one-shot response_url. The URL is claimed in the database
 * before the post, so two sends can never both use it; after a failed post it stays used (WeCom may have acted
 * on it), and the error tells the agent to answer in WeCom directly. An expired URL (over an hour) is refused
 * with that reason, so the suggestion stays visible with it instead of vanishing.
 *
 * @example
 * const sender = createAibotReplySender({ db, clock, post: createResponseUrlPoster({ logger }) })
 * await sender.sendToGroup(chatId, '您好……', { memberId, memberName, messageId: 'wecom-aibot:msg1' })
 */
export function createAibotReplySender(deps: { db: Db; clock: Clock; post: ResponseUrlPoster }): ReplySender {
  return {
    async sendToGroup(groupId: string, text: string, mention?: ReplyMention): Promise<void> {
      const messageId = mention?.messageId
      const row = messageId ? await findResponseUrl(deps.db, messageId) : undefined
      if (!row || row.group_id !== groupId) {
        throw new QunDeskError('unknown_group', '这条企业微信智能机器人消息没有可用的回复地址（response_url），请在企业微信里直接回复客户', { groupId, messageId })
      }
      const now = deps.clock()
      if (Date.parse(row.expires_at) <= now.getTime()) {
        throw new QunDeskError('channel_unavailable', `企业微信智能机器人的回复地址已于 ${row.expires_at} 过期（只在消息后 1 小时内有效），请在企业微信里直接回复客户`, { groupId, messageId, retryable: false })
      }
      if (!(await claimResponseUrl(deps.db, row.message_id, now.toISOString()))) {
        throw new QunDeskError('conflict', '企业微信智能机器人的回复地址已经用过（每条消息只能回复一次）', { groupId, messageId })
      }
      const content = mention?.memberName ? `@${mention.memberName} ${text}` : text
      try {
        await deps.post(row.response_url, { msgtype: 'text', text: { content } })
      } catch (error) {
        // The URL is spent once claimed: another attempt could only fail or, worse, answer twice.
        const cause = error as Error
        throw new QunDeskError('channel_unavailable', `${cause.message}（回复地址已用掉，请在企业微信里直接回复客户）`, { groupId, messageId, retryable: false }, { cause })
      }
    },
  }
}
