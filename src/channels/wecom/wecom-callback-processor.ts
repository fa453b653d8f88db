import type { Clock } from '../../core/clock.js'
import type { InboundMessage } from '../../core/inbound-message.js'
import type { Logger } from '../../core/logger.js'
import { STORED_TEXT_MAX_CHARS, truncateText } from '../../core/text-limits.js'
import type { GroupRoster, MembershipEvent } from '../../core/membership.js'
import type { Db } from '../../storage/create-db.js'
import { findMembership, listGroupMembers } from '../../storage/group-member.repository.js'
import { saveResponseUrl } from '../../storage/wecom-response-url.repository.js'
import { parseAibotMessage } from './aibot-message.js'
import { parseAppCallback, type ChangeExternalChatEvent } from './app-callback-event.js'
import type { WecomApiClient } from './wecom-api-client.js'
import type { WecomCallbackEntry, WecomCallbackInbox } from './wecom-callback-inbox.js'

/** The AI bot's response_url is valid for one hour after the message. */
export const RESPONSE_URL_TTL_MS = 60 * 60 * 1000
export const WECOM_CHANNEL = 'wecom'
export const AIBOT_CHANNEL = 'wecom-aibot'

export interface WecomCallbackProcessor {
  /** Processes one stored delivery (idempotent: a processed entry is skipped). */
  process(id: number): Promise<void>
  /** Everything stored but not processed yet (after a crash or restart), oldest first. */
  replay(): Promise<number>
}

/** Where the processor records group membership: the two calls it makes on the member service. */
export interface MembershipRecorder {
  /** A join or leave at the event's time. */
  record(event: MembershipEvent): Promise<void>
  /** The group's full member list as WeCom reports it now; answers how many came and went. */
  syncRoster(roster: GroupRoster): Promise<{ added: number; left: number }>
}

/**
 * Turns stored WeCom deliveries into QunDesk facts, after they were acknowledged:
 * - `change_external_chat`: group membership. Callbacks can be lost or arrive out of order, so when the server API
 *   is configured the group is re-fetched with groupchat/get and reconciled (WeCom's join_time is exact); without
 *   it, the event's MemChangeList is applied at the event time.
 * - AI-bot text messages in groups: the same pipeline as Wechaty messages; the one-shot response_url is kept for
 *   the reply (valid for an hour).
 * A failure is recorded on the entry (visible, not retried in a loop); nothing is acted on twice.
 *
 * @example
 * const processor = createWecomCallbackProcessor({ db, clock, logger, inbox, members, api, handleMessage, membersChanged })
 * inbox.subscribe(({ id }) => processor.process(id))
 */
export function createWecomCallbackProcessor(deps: {
  db: Db
  clock: Clock
  logger: Logger
  inbox: WecomCallbackInbox
  members: MembershipRecorder
  api?: WecomApiClient | undefined
  /** The message pipeline (persist first, then the steps). */
  handleMessage: (message: InboundMessage) => Promise<unknown>
  /** Members whose membership changed (for re-tagging). */
  membersChanged: (groupId: string, memberIds: string[]) => void
}): WecomCallbackProcessor {
  const { db, inbox } = deps
  const log = deps.logger.child({ component: 'wecom-processor' })

  async function groupName(chatId: string): Promise<string> {
    const known = await listGroupMembers(db, chatId)
    return known[0]?.group_name ?? chatId
  }

  async function reconcile(chatId: string, event: ChangeExternalChatEvent): Promise<void> {
    const at = new Date(event.createTime * 1000)
    if (event.changeType === 'dismiss') {
      const present = (await listGroupMembers(db, chatId)).filter((m) => m.left_at === null)
      if (present.length > 0) {
        await deps.members.record({ kind: 'leave', channel: WECOM_CHANNEL, groupId: chatId, groupName: present[0]!.group_name, members: present.map((m) => ({ id: m.member_id, name: m.member_name })), at })
        deps.membersChanged(chatId, present.map((m) => m.member_id))
      }
      return
    }
    if (deps.api) {
      const chat = await deps.api.getGroupChat(chatId)
      // Customers only: staff are the team, not members to tag or welcome.
      const customers = chat.members.filter((m) => m.type === 'external')
      const roster = {
        channel: WECOM_CHANNEL, groupId: chatId, groupName: chat.name || chatId,
        members: customers.map((m) => ({ id: m.userId, name: m.groupNickname || m.name || m.userId, joinedAt: m.joinTime, joinScene: m.joinScene, ...(m.invitor ? { invitedBy: m.invitor } : {}) })),
      }
      const before = (await listGroupMembers(db, chatId)).filter((m) => m.left_at === null).map((m) => m.member_id)
      const { added, left } = await deps.members.syncRoster(roster)
      log.info({ chatId, added, left, members: customers.length }, 'customer group reconciled with groupchat/get')
      deps.membersChanged(chatId, [...new Set([...before, ...roster.members.map((m) => m.id)])])
      return
    }
    if (event.updateDetail !== 'add_member' && event.updateDetail !== 'del_member') return
    const name = await groupName(chatId)
    const people = await Promise.all(event.memChangeList.map(async (id) => ({ id, name: (await findMembership(db, chatId, id))?.member_name ?? id })))
    if (people.length === 0) return
    await deps.members.record({ kind: event.updateDetail === 'add_member' ? 'join' : 'leave', channel: WECOM_CHANNEL, groupId: chatId, groupName: name, members: people, at })
    deps.membersChanged(chatId, people.map((p) => p.id))
  }

  async function processApp(entry: WecomCallbackEntry): Promise<string> {
    const parsed = parseAppCallback(entry.payload)
    if (!parsed.ok) throw new Error(`stored app callback no longer parses: ${parsed.error}`)
    const { event } = parsed
    if (event.type !== 'change_external_chat') return `ignored ${event.msgType}${event.event ? `/${event.event}` : ''}`
    await reconcile(event.chatId, event)
    return `${event.changeType}${event.updateDetail ? `/${event.updateDetail}` : ''} ${event.chatId}`
  }

  async function processAibot(entry: WecomCallbackEntry): Promise<string> {
    const parsed = parseAibotMessage(entry.payload)
    if (!parsed.ok) throw new Error(`stored AI-bot message no longer parses: ${parsed.error}`)
    const message = parsed.message
    if (message.kind !== 'text') return `ignored ${message.msgtype}`
    if (message.chatType !== 'group' || !message.chatId) return 'ignored a single chat (QunDesk answers in customer groups)'
    const receivedAt = new Date(entry.receivedAt)
    const id = `${AIBOT_CHANNEL}:${message.msgId}`
    if (message.responseUrl) {
      await saveResponseUrl(db, { messageId: id, groupId: message.chatId, responseUrl: message.responseUrl, expiresAt: new Date(receivedAt.getTime() + RESPONSE_URL_TTL_MS).toISOString() })
    }
    const member = await findMembership(db, message.chatId, message.userId)
    // Stored cut like every channel's text; the whole text stays in the inbox entry's payload.
    const text = truncateText(message.text, STORED_TEXT_MAX_CHARS)
    // The AI bot is only told about messages that @-mention it; the text may still carry the @name.
    const question = text.replace(/^\s*[@＠]\S+[\s\u2005\u00a0]*/u, '').trim() || text
    await deps.handleMessage({
      id, channel: AIBOT_CHANNEL, groupId: message.chatId, groupName: member?.group_name ?? (await groupName(message.chatId)),
      senderId: message.userId, senderName: member?.member_name ?? message.userId, text, question,
      mentionsBot: true, fromSelf: false, sentAt: receivedAt,
      ...(text.length < message.text.length ? { textOriginalLength: message.text.length } : {}),
    })
    return `message ${message.msgId}`
  }

  async function process(id: number): Promise<void> {
    const entry = await inbox.get(id)
    if (!entry || entry.status !== 'received') return
    try {
      const what = entry.kind === 'app' ? await processApp(entry) : await processAibot(entry)
      await inbox.markProcessed(id)
      log.info({ id, kind: entry.kind, what }, 'WeCom callback processed')
    } catch (error) {
      const message = (error as Error).message
      await inbox.markFailed(id, message)
      log.error({ id, kind: entry.kind, err: error }, 'processing a WeCom callback failed; it is kept with the error')
    }
  }

  return {
    process,
    async replay() {
      let done = 0
      for (;;) {
        const batch = await inbox.listUnprocessed(100)
        if (batch.length === 0) return done
        for (const entry of batch) await process(entry.id)
        done += batch.length
      }
    },
  }
}
