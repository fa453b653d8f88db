import type { Clock } from '../../core/clock.js'
import type { InboundMessage } from '../../core/inbound-message.js'
import { MEDIA_LABEL, type InboundMedia } from '../../core/media.js'
import { limitConcurrency } from '../../core/limit-concurrency.js'
import type { Logger } from '../../core/logger.js'
import { STORED_TEXT_MAX_CHARS, truncateText } from '../../core/text-limits.js'
import type { GroupRoster, MembershipEvent } from '../../core/membership.js'
import type { Db } from '../../storage/create-db.js'
import { findMembership, listGroupMembers } from '../../storage/group-member.repository.js'
import { saveResponseUrl } from '../../storage/wecom-response-url.repository.js'
import { parseAibotMessage, type AibotMediaMessage } from './aibot-message.js'
import { parseAppCallback, type ChangeExternalChatEvent } from './app-callback-event.js'
import { fetchAibotMedia } from './fetch-aibot-media.js'
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
 * - AI-bot messages in groups: the same pipeline as Wechaty messages; the one-shot response_url is kept for the
 *   reply (valid for an hour). Pictures and files are downloaded and decrypted here, after WeCom was answered (their
 *   URLs last about five minutes); one that cannot be fetched is stored as unavailable, the message never lost.
 *   A voice note arrives as WeCom's transcript only.
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
  /** The AI bot's EncodingAESKey: its pictures and files are encrypted with it (unless a message carries its own). */
  aibotEncodingAesKey?: string | undefined
  /** The most of one picture or file kept (config mediaMaxBytes); larger ones are recorded by size only. */
  mediaMaxBytes: number
  /** Per download; 10 s unless a test says otherwise. */
  mediaTimeoutMs?: number
}): WecomCallbackProcessor {
  const { db, inbox } = deps
  const log = deps.logger.child({ component: 'wecom-processor' })
  const downloads = limitConcurrency(4)

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
    if (message.kind === 'unsupported') return `ignored ${message.msgtype}`
    if (message.chatType !== 'group' || !message.chatId) return 'ignored a single chat (QunDesk answers in customer groups)'
    const receivedAt = new Date(entry.receivedAt)
    const id = `${AIBOT_CHANNEL}:${message.msgId}`
    if (message.responseUrl) {
      await saveResponseUrl(db, { messageId: id, groupId: message.chatId, responseUrl: message.responseUrl, expiresAt: new Date(receivedAt.getTime() + RESPONSE_URL_TTL_MS).toISOString() })
    }
    const { received, media } = message.kind === 'text' ? { received: message.text, media: undefined } : await mediaOf(message, log.child({ messageId: id }))
    const member = await findMembership(db, message.chatId, message.userId)
    // Stored cut like every channel's text; the whole text stays in the inbox entry's payload.
    const text = truncateText(received, STORED_TEXT_MAX_CHARS)
    // The AI bot is only told about messages that @-mention it; the text may still carry the @name.
    const question = text.replace(/^\s*[@＠]\S+[\s\u2005\u00a0]*/u, '').trim() || text
    await deps.handleMessage({
      id, channel: AIBOT_CHANNEL, groupId: message.chatId, groupName: member?.group_name ?? (await groupName(message.chatId)),
      senderId: message.userId, senderName: member?.member_name ?? message.userId, text, question,
      mentionsBot: true, fromSelf: false, sentAt: receivedAt,
      ...(text.length < received.length ? { textOriginalLength: received.length } : {}),
      ...(media && media.length > 0 ? { media } : {}),
    })
    return `message ${message.msgId}${message.kind === 'media' ? ` (${message.msgtype})` : ''}`
  }

  /**
   * A media message's text and files: the text parts of a mixed message (else the Chinese label, a voice note's
   * transcript after [语音]), and each picture or file downloaded (a few at a time: a mixed message may carry many).
   */
  async function mediaOf(message: AibotMediaMessage, messageLog: Logger): Promise<{ received: string; media: InboundMedia[] }> {
    const media = await Promise.all(message.parts.map(async (part): Promise<InboundMedia | undefined> => {
      if (part.type === 'text') return undefined
      if (part.type === 'voice') return { kind: 'voice', fileName: 'voice', mimeType: 'application/octet-stream', data: null, size: null, missing: 'transcript_only', transcript: part.transcript }
      const fetched = await downloads(() => fetchAibotMedia({
        kind: part.type, url: part.url, aesKey: part.aesKey, encodingAesKey: deps.aibotEncodingAesKey, maxBytes: deps.mediaMaxBytes,
        ...(deps.mediaTimeoutMs !== undefined ? { timeoutMs: deps.mediaTimeoutMs } : {}),
      }))
      // The URL's query is a credential: only where it pointed is logged.
      if (fetched.problem) messageLog.warn({ kind: part.type, from: urlWithoutQuery(part.url), problem: fetched.problem }, 'an AI-bot file could not be fetched; the message is kept with it marked unavailable')
      return fetched.media
    }))
    const files = media.filter((m): m is InboundMedia => m !== undefined)
    const words = message.parts.flatMap((p) => p.type === 'text' ? [p.text] : []).join('\n').trim()
    const labels = files.map((m) => m.kind === 'voice' ? `${MEDIA_LABEL.voice} ${m.transcript ?? ''}`.trim() : m.kind === 'file' ? `${MEDIA_LABEL.file} ${m.fileName}` : MEDIA_LABEL[m.kind]).join(' ')
    return { received: words || labels, media: files }
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

/** `https://host/path`: a download URL's query carries its credential and never goes to the log. */
function urlWithoutQuery(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.origin}${parsed.pathname}`
  } catch {
    return '(not a URL)'
  }
}
