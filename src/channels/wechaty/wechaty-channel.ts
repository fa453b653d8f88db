import { WechatyBuilder, type Contact, type Room, type Wechaty } from 'wechaty'
import type * as PUPPET from 'wechaty-puppet'
import type { Clock } from '../../core/clock.js'
import { QunDeskError } from '../../core/errors.js'
import type { InboundMessage } from '../../core/inbound-message.js'
import type { GroupRoster, MembershipEvent } from '../../core/membership.js'
import type { Logger } from '../../core/logger.js'
import type { ReplyMention, ReplySender } from '../../core/reply-sender.js'
import { toInboundMessage } from './to-inbound-message.js'

export type InboundHandler = (message: InboundMessage) => Promise<void>

export interface ChannelHandlers {
  message: InboundHandler
  /** Joins and leaves, with the platform's times. */
  membership?: (event: MembershipEvent) => Promise<void>
  /** The account is logged in and its contacts and groups are loaded (a good time for a member sync). */
  ready?: () => Promise<void>
}

export interface WechatyChannel {
  /** Starts the bot; every room message is translated and handed to `handlers.message`. */
  start(handlers: ChannelHandlers | InboundHandler): Promise<void>
  /** Everyone in every group the account is in, now. */
  rosters(): Promise<GroupRoster[]>
  stop(): Promise<void>
  readonly sender: ReplySender
  isLoggedIn(): boolean
  /** The logged-in account's name, once logged in. */
  accountName(): string | undefined
}

/**
 * The Wechaty edge: the only module that talks to a Wechaty bot. Any puppet works (mock, service, ...).
 *
 * @example
 * const channel = createWechatyChannel({ puppet, logger })
 * await channel.start(async (msg) => pipeline.handle(msg))
 * await channel.sender.sendToGroup(msg.groupId, '您好', { memberId: msg.senderId, memberName: msg.senderName })
 */
export function createWechatyChannel(deps: { puppet: PUPPET.impls.PuppetInterface; logger: Logger; clock?: Clock; name?: string }): WechatyChannel {
  const log = deps.logger.child({ channel: 'wechaty' })
  const bot: Wechaty = WechatyBuilder.build({ puppet: deps.puppet, name: deps.name ?? 'qundesk' })

  // Without an error listener a dropped puppet service kills the process (WECHATY-NOTES pitfall 1).
  bot.on('error', (error) => log.warn({ err: error }, 'wechaty reported an error'))
  bot.on('login', (user) => log.info({ account: user.name() }, 'account logged in'))
  bot.on('logout', (user) => log.warn({ account: user.name() }, 'account logged out'))

  const sender: ReplySender = {
    async sendToGroup(groupId: string, text: string, mention?: ReplyMention): Promise<void> {
      if (!bot.isLoggedIn) throw new QunDeskError('channel_unavailable', '机器人账号未登录，无法发送', { groupId })
      const room = await bot.Room.find({ id: groupId }).catch(() => undefined)
      if (!room) throw new QunDeskError('unknown_group', `找不到群 ${groupId}（机器人可能已不在群内）`, { groupId })
      try {
        const contact = mention ? await bot.Contact.find({ id: mention.memberId }).catch(() => undefined) : undefined
        if (contact) await room.say(text, contact)
        else if (mention) await room.say(`@${mention.memberName} ${text}`)
        else await room.say(text)
      } catch (error) {
        throw new QunDeskError('channel_unavailable', `发送失败：${(error as Error).message}`, { groupId }, { cause: error })
      }
    },
  }

  return {
    sender,
    async start(given) {
      const handlers: ChannelHandlers = typeof given === 'function' ? { message: given } : given
      const onMessage = handlers.message
      const membership = handlers.membership
      if (membership) {
        const forward = (kind: MembershipEvent['kind']) => async (room: Room, people: Contact[], by: Contact | undefined, date: Date | undefined) => {
          try {
            await membership({
              kind, channel: 'wechaty', groupId: room.id, groupName: (await room.topic().catch(() => '')) || room.id,
              members: people.map((c) => ({ id: c.id, name: c.name() || c.id })),
              by: by ? { id: by.id, name: by.name() || by.id } : undefined,
              at: date ?? (deps.clock ?? (() => new Date()))(),
            })
          } catch (error) {
            log.error({ err: error, groupId: room.id }, `failed to record a room-${kind}`)
          }
        }
        bot.on('room-join', forward('join'))
        bot.on('room-leave', forward('leave'))
      }
      const ready = handlers.ready
      if (ready) bot.on('ready', () => void ready().catch((error: unknown) => log.error({ err: error }, 'ready handler failed')))
      bot.on('message', async (message) => {
        let inbound: InboundMessage | null = null
        try {
          inbound = await toInboundMessage(message, bot)
          if (inbound) await onMessage(inbound)
        } catch (error) {
          log.error({ err: error, messageId: inbound?.id ?? message.id }, 'failed to take a message in')
        }
      })
      await bot.start()
    },
    async stop() {
      await bot.stop()
    },
    async rosters() {
      if (!bot.isLoggedIn) return []
      const rooms = await bot.Room.findAll()
      const rosters: GroupRoster[] = []
      for (const room of rooms) {
        try {
          const members = await room.memberAll()
          const self = bot.currentUser.id
          rosters.push({
            channel: 'wechaty', groupId: room.id, groupName: (await room.topic().catch(() => '')) || room.id,
            members: members.filter((c) => c.id !== self).map((c) => ({ id: c.id, name: c.name() || c.id })),
          })
        } catch (error) {
          log.warn({ err: error, groupId: room.id }, 'could not list the members of a group')
        }
      }
      return rosters
    },
    isLoggedIn: () => bot.isLoggedIn,
    accountName: () => (bot.isLoggedIn ? bot.currentUser.name() : undefined),
  }
}
