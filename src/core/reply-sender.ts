/** Who a group reply @-mentions. */
export interface ReplyMention {
  memberId: string
  memberName: string
  /** The message being answered: channels that reply per message (the WeCom AI bot's response_url) need it. */
  messageId?: string
}

/**
 * The one way anything is said in a group. The outbox sends through it (and the follow-up questions through an
 * outbox-backed one); the composition (app/replies.ts) connects it to the channel the question came through.
 *
 * @example
 * await sender.sendToGroup('r1@chatroom', '您好，物流可以在「我的订单」里查看。', { memberId: 'c1', memberName: '张三' })
 */
export interface ReplySender {
  /** Resolves once the platform accepted the message; rejects with a QunDeskError otherwise. */
  sendToGroup(groupId: string, text: string, mention?: ReplyMention): Promise<void>
  /** False while a send cannot succeed (e.g. the account is offline): the outbox waits instead of spending attempts. */
  isAvailable?(groupId: string, mention?: ReplyMention): boolean
}
