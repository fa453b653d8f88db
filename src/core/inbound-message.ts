import type { InboundMedia } from './media.js'

/**
 * A group message as QunDesk sees it, whatever channel it came from. Channels translate platform payloads into
 * this shape once, at the edge; everything past `channels/` only knows this type.
 *
 * @example
 * const msg: InboundMessage = {
 *   id: 'wechaty:m-1', channel: 'wechaty', groupId: 'r1@chatroom', groupName: '演示客户群',
 *   senderId: 'c1', senderName: '张三', text: '@客服助手 我的快递到哪了', question: '我的快递到哪了',
 *   mentionsBot: true, fromSelf: false, sentAt: new Date(),
 * }
 */
export interface InboundMessage {
  /** Globally unique: `<channel>:<platform message id>`; the dedupe key. */
  id: string
  channel: string
  groupId: string
  groupName: string
  senderId: string
  senderName: string
  /** The text as received, cut to STORED_TEXT_MAX_CHARS (core/text-limits.ts) when it was longer. */
  text: string
  /** The text with the @-mention of the bot removed; equals `text` when the bot is not mentioned. */
  question: string
  mentionsBot: boolean
  /** Sent by the bot's own account (echoes of our replies, or an agent typing on the bot's phone). */
  fromSelf: boolean
  sentAt: Date
  /** Set only when the text was cut to STORED_TEXT_MAX_CHARS: its length as received (UTF-16 units). */
  textOriginalLength?: number
  /**
   * What came with the message besides text: a picture, voice note, video or file (a WeCom mixed message may carry
   * several). `text` then holds its Chinese label ([图片], [文件] 发票.pdf) or the text parts.
   */
  media?: InboundMedia[]
}
