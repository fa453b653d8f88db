import type { Db } from '../storage/create-db.js'
import { findMemberAttributes } from '../storage/member-attribute.repository.js'
import { listTagsOf } from '../storage/member-directory.repository.js'
import { listMemberships } from '../storage/group-member.repository.js'
import { listGroupMessagesAround } from '../storage/message.repository.js'
import { listMemberSuggestions } from '../storage/suggestion.repository.js'
import type { ContextMessage, MediaView } from '../core/suggestion.js'
import { listMediaOf, type MediaSummary } from '../storage/message-media.repository.js'
import { toSuggestion, type Suggestion } from './suggestion.js'


export interface SuggestionContext {
  suggestion: Suggestion
  /** Recent messages in the group around the question, oldest first. */
  conversation: ContextMessage[]
  /** The customer's other questions to the bot, newest first. */
  history: Suggestion[]
  /** Since when the customer is in this group (estimated when they were there before QunDesk saw the group). */
  membership: { joinedAt: string; joinedAtEstimated: boolean } | null
  /** Who the customer is to the team: lifecycle stage and tags in this group, and imported CRM value. */
  profile: MemberProfile
}

export interface MemberProfile {
  lifecycle: string | null
  tags: Array<{ tag: string; source: 'rule' | 'manual' }>
  /** Imported CRM attributes; null when nothing was imported for the person. */
  crm: { totalSpend: number | null; monthlySpend: number | null; orders: number | null; rfm: { r: number | null; f: number | null; m: number | null } } | null
}

/**
 * What an agent reads beside a suggestion: the group's messages around the question, the customer's other
 * questions to the bot, since when they are in the group, and their tags, lifecycle stage and CRM value.
 *
 * @example
 * const { conversation, history } = await loadConversationContext(db, await suggestions.get(12), clock())
 */
export async function loadConversationContext(db: Db, suggestion: Suggestion, now: Date): Promise<SuggestionContext> {
  const [messages, history, memberships, tags, attributes] = await Promise.all([
    listGroupMessagesAround(db, suggestion.groupId, suggestion.askedAt),
    listMemberSuggestions(db, suggestion.memberId),
    listMemberships(db, suggestion.memberId),
    listTagsOf(db, [{ group_id: suggestion.groupId, member_id: suggestion.memberId }]),
    findMemberAttributes(db, suggestion.memberId),
  ])
  const membership = memberships.find((m) => m.group_id === suggestion.groupId)
  const profile: MemberProfile = {
    lifecycle: membership?.lifecycle ?? null,
    tags: (tags.get(`${suggestion.groupId}\u0000${suggestion.memberId}`) ?? []).map((t) => ({ tag: t.tag, source: t.source })),
    crm: attributes ? {
      totalSpend: attributes.total_spend, monthlySpend: attributes.monthly_spend, orders: attributes.orders,
      rfm: { r: attributes.rfm_r, f: attributes.rfm_f, m: attributes.rfm_m },
    } : null,
  }
  const media = await listMediaOf(db, messages.map((m) => m.id))
  return {
    suggestion,
    conversation: messages.map((m) => {
      const files = media.get(m.id)
      return {
        id: m.id, senderName: m.sender_name, text: m.text, sentAt: m.sent_at, fromSelf: m.from_self === 1, mentionsBot: m.mentions_bot === 1,
        ...(files ? { media: files.map(toMediaView) } : {}),
      }
    }),
    history: history.filter((h) => h.id !== suggestion.id).map((h) => toSuggestion(h, now)),
    membership: membership ? { joinedAt: membership.joined_at, joinedAtEstimated: membership.joined_at_estimated === 1 } : null,
    profile,
  }
}

/** A stored file as the conversation view links it. */
export function toMediaView(m: MediaSummary): MediaView {
  return {
    kind: m.kind, fileName: m.fileName, sizeBytes: m.sizeBytes, status: m.status, transcript: m.transcript,
    url: `/api/messages/${encodeURIComponent(m.messageId)}/media/${m.position}`,
  }
}
