import { types, type Contact, type Message, type Wechaty } from 'wechaty'
import type { InboundMessage } from '../../core/inbound-message.js'
import { MEDIA_MAX_BYTES } from '../../core/media.js'
import { STORED_TEXT_MAX_CHARS, truncateText } from '../../core/text-limits.js'
import { wellFormed } from '../../core/well-formed-text.js'
import { detectMention } from './mention.js'
import { fetchMessageMedia, mediaKindOf, nonTextLabel } from './message-media.js'
import type { RoomAliases } from './room-aliases.js'

/**
 * Translates a Wechaty room message into an InboundMessage (null for one-to-one chats, which QunDesk does not serve).
 * Mention detection trusts either signal: the puppet's mention list (`mentionSelf`) or the text "@<bot name or
 * room alias>", because mentionSelf is unreliable on several puppets (wechaty #2149, #1969). Group aliases come
 * from `options.aliases` when given (the channel's, remembered per room), else from the puppet each time.
 */
export async function toInboundMessage(message: Message, bot: Wechaty, options: { mediaMaxBytes?: number; aliases?: RoomAliases } = {}): Promise<InboundMessage | null> {
  const room = message.room()
  if (!room) return null
  const aliasOf = (contact: Contact) => (options.aliases ? options.aliases.alias(room.id, contact.id) : room.alias(contact)).catch(() => undefined)
  const talker = message.talker()
  const isText = message.type() === types.Message.Text
  const kind = mediaKindOf(message.type())
  const media = kind ? await fetchMessageMedia(message, kind, options.mediaMaxBytes ?? MEDIA_MAX_BYTES) : undefined
  const received = isText ? message.text() : nonTextLabel(message.type(), media)
  // Cut before anything reads it (the mention search, the well-formedness pass): a 1 MB paste costs what 4,000 do.
  const text = truncateText(received, STORED_TEXT_MAX_CHARS)
  const fromSelf = message.self()

  let mentionsBot = false
  let question = text
  if (isText && !fromSelf) {
    const self = bot.currentUser
    const alias = await aliasOf(self)
    const byText = detectMention(text, [self.name(), alias ?? ''])
    const byPuppet = byText.mentioned ? true : await message.mentionSelf().catch(() => false)
    mentionsBot = byText.mentioned || byPuppet
    if (byText.mentioned) question = byText.question
    else if (byPuppet) question = truncateText((await message.mentionText().catch(() => text)).trim(), STORED_TEXT_MAX_CHARS)
  } else if (media && !fromSelf) {
    // A picture cannot carry "@name" in its text; a puppet that knows the mentions says so.
    mentionsBot = await message.mentionSelf().catch(() => false)
  }

  // Puppets pass on what the platform sent, a nickname cut inside an emoji included: the text enters well-formed.
  // (Ids stay as the puppet gave them: they route the reply back.)
  return {
    id: `wechaty:${message.id}`,
    channel: 'wechaty',
    groupId: room.id,
    groupName: wellFormed((await room.topic().catch(() => '')) || room.id),
    senderId: talker.id,
    senderName: wellFormed((await aliasOf(talker)) || talker.name() || talker.id),
    text: wellFormed(text),
    question: wellFormed(question),
    mentionsBot,
    fromSelf,
    sentAt: message.date(),
    ...(text.length < received.length ? { textOriginalLength: received.length } : {}),
    ...(media ? { media: [media] } : {}),
  }
}
