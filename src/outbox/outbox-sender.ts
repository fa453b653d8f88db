import { QunDeskError } from '../core/errors.js'
import type { ReplyMention, ReplySender } from '../core/reply-sender.js'
import type { Outbox } from './outbox.js'

/**
 * A ReplySender whose sends go through the outbox, for callers that only need "say this" (the follow-up
 * questions). The source names what the send is for, so a replayed message never queues its question twice.
 *
 * @example
 * const sender = outboxSender(outbox, { kind: 'slot', actor: 'bot' })
 * await sender.sendToGroup(groupId, '请提供订单号', { memberId, memberName, messageId })
 */
export function outboxSender(outbox: Outbox, options: { kind: string; actor: string }): ReplySender {
  return {
    async sendToGroup(groupId: string, text: string, mention?: ReplyMention): Promise<void> {
      const key = mention?.messageId ?? `${groupId}:${text}`
      const row = await outbox.enqueue({ source: `${options.kind}:${key}`, groupId, text, actor: options.actor, mention, once: true })
      const outcome = await outbox.deliver(row.id)
      if (outcome.status === 'failed') throw outcome.error ?? new QunDeskError('channel_unavailable', `发送失败（发件箱 #${row.id}）`, { groupId, outboxId: row.id })
    },
  }
}
