import { EventEmitter } from 'node:events'
import { WechatyBuilder, type Contact, type Room, type Wechaty } from 'wechaty'
import type * as PUPPET from 'wechaty-puppet'
import type { Clock } from '../../core/clock.js'
import { QunDeskError } from '../../core/errors.js'
import type { InboundMessage } from '../../core/inbound-message.js'
import type { GroupRoster, MembershipEvent } from '../../core/membership.js'
import type { Logger } from '../../core/logger.js'
import type { ReplyMention, ReplySender } from '../../core/reply-sender.js'
import { limitConcurrency } from '../../core/limit-concurrency.js'
import { isConnectionLost, reconnectDelayMs } from './connection-state.js'
import { type ConnectionState, type ConnectionStatus } from '../../core/vocabulary.js'
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
  /** The connection's state, for health and the console. */
  status(): ConnectionStatus
  /** Called on every state change (e.g. to wake the outbox when back online, or to notify agents). */
  onStatus(listener: (status: ConnectionStatus) => void): () => void
}

/**
 * The Wechaty edge: the only module that talks to a Wechaty bot. Any puppet works (mock, service, ...).
 *
 * @example
 * const channel = createWechatyChannel({ puppet, logger })
 * await channel.start(async (msg) => pipeline.handle(msg))
 * await channel.sender.sendToGroup(msg.groupId, '您好', { memberId: msg.senderId, memberName: msg.senderName })
 */
export function createWechatyChannel(deps: {
  puppet: PUPPET.impls.PuppetInterface
  logger: Logger
  clock?: Clock
  name?: string
  random?: () => number
  /** Whether the puppet service's endpoint accepts connections now (reconnects wait for it). */
  probe?: () => Promise<boolean>
}): WechatyChannel {
  const log = deps.logger.child({ channel: 'wechaty' })
  const clock = deps.clock ?? (() => new Date())
  const bot: Wechaty = WechatyBuilder.build({ puppet: deps.puppet, name: deps.name ?? 'qundesk' })
  const statusEvents = new EventEmitter()
  let status: ConnectionStatus = { state: 'starting', since: clock().toISOString(), lastError: null, reconnectAttempts: 0 }
  let stopping = false
  const inFlight = new Set<Promise<void>>()
  // Reading a message costs puppet calls; a burst of thousands at once would only make them all slow.
  const ingest = limitConcurrency(16)
  let reconnecting: Promise<void> | undefined
  let reconnectTimer: { cancel(): void } | undefined

  const setState = (state: ConnectionState, lastError: string | null = null) => {
    if (status.state === state && state !== 'offline') return
    if (status.state === state && status.lastError === lastError) return
    status = { state, since: status.state === state ? status.since : clock().toISOString(), lastError, reconnectAttempts: state === 'online' ? 0 : status.reconnectAttempts }
    statusEvents.emit('status', status)
  }

  /**
   * The puppet service client does not reconnect by itself: after the stream is cut it keeps reporting the old
   * login and every call fails. Restart the puppet with backoff until it is back; its login event ends the outage.
   */
  const reconnect = () => {
    if (reconnecting || stopping) return
    reconnecting = (async () => {
      // Tear the dead client down once, while the service is unreachable (its stop call cannot reach it). After
      // that only start() is tried, and only once the endpoint accepts connections: a start that fails cleans up
      // with a stop call, and one that reached a service just back would stop the account there.
      await deps.puppet.stop().catch(() => undefined)
      while (!stopping && status.state !== 'online') {
        const delay = reconnectDelayMs(status.reconnectAttempts, deps.random)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay)
          reconnectTimer = { cancel: () => { clearTimeout(timer); resolve() } }
        })
        if (stopping) break
        status = { ...status, reconnectAttempts: status.reconnectAttempts + 1 }
        log.info({ attempt: status.reconnectAttempts }, 'reconnecting to the puppet')
        if (deps.probe && !(await deps.probe())) {
          log.debug({ attempt: status.reconnectAttempts }, 'the puppet service is still unreachable')
          continue
        }
        try {
          await deps.puppet.start()
          // Logged in again (the login event came during start) or waiting for it: either way the link is up.
          if (deps.puppet.isLoggedIn) setState('online')
          break
        } catch (error) {
          log.warn({ err: error, attempt: status.reconnectAttempts }, 'reconnect failed; will try again')
        }
      }
    })().finally(() => { reconnecting = undefined })
  }

  // Without an error listener a dropped puppet service kills the process (WECHATY-NOTES pitfall 1).
  bot.on('error', (error) => {
    if (!stopping && isConnectionLost(error)) {
      if (status.state !== 'offline') log.error({ err: error }, 'lost the connection to the puppet; reconnecting')
      setState('offline', error.message)
      reconnect()
      return
    }
    log.warn({ err: error }, 'wechaty reported an error')
  })
  bot.on('login', (user) => {
    log.info({ account: user.name() }, 'account logged in')
    setState('online')
  })
  bot.on('logout', (user) => {
    // Our own stop logs the account out: worth a line, not a warning.
    if (stopping) return void log.info({ account: user.name() }, 'account logged out (stopping)')
    log.warn({ account: user.name() }, 'account logged out')
    setState('offline', '账号已退出登录')
  })

  const sender: ReplySender = {
    async sendToGroup(groupId: string, text: string, mention?: ReplyMention): Promise<void> {
      if (!bot.isLoggedIn || status.state !== 'online') throw new QunDeskError('channel_unavailable', '机器人账号未登录或已断开，无法发送', { groupId })
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
    isAvailable: () => !stopping && bot.isLoggedIn && status.state === 'online',
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
      bot.on('message', (message) => {
        // While stopping, new messages are not taken in (nothing is stored, so nothing is acknowledged).
        if (stopping) return
        const task = ingest(async () => {
          let inbound: InboundMessage | null = null
          try {
            inbound = await toInboundMessage(message, bot)
            if (inbound) await onMessage(inbound)
          } catch (error) {
            log.error({ err: error, messageId: inbound?.id ?? message.id }, 'failed to take a message in')
          }
        })
        inFlight.add(task)
        void task.finally(() => inFlight.delete(task))
      })
      await bot.start()
    },
    async stop() {
      stopping = true
      reconnectTimer?.cancel()
      await reconnecting
      // Messages being read from the puppet finish first: stopping the puppet under them would lose them.
      while (inFlight.size > 0) await Promise.allSettled([...inFlight])
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
    isLoggedIn: () => bot.isLoggedIn && status.state === 'online',
    status: () => status,
    onStatus(listener) {
      statusEvents.on('status', listener)
      return () => statusEvents.off('status', listener)
    },
    accountName: () => (bot.isLoggedIn ? bot.currentUser.name() : undefined),
  }
}
