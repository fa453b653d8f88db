import type { Db } from '../storage/create-db.js'
import { listMemberships } from '../storage/group-member.repository.js'
import { listGroupMessagesAround } from '../storage/message.repository.js'
import { listMemberSuggestions } from '../storage/suggestion.repository.js'
import type { ContextMessage } from '../core/suggestion.js'
import { toSuggestion, type Suggestion } from './suggestion.js'


export interface SuggestionContext {
  suggestion: Suggestion
  /** Recent messages in the group around the question, oldest first. */
  conversation: ContextMessage[]
  /** The customer's other questions to the bot, newest first. */
  history: Suggestion[]
  /** Since when the customer is in this group (estimated when they were there before QunDesk saw the group). */
  membership: { joinedAt: string; joinedAtEstimated: boolean } | null
}

/**
 * What an agent reads beside a suggestion: the group's messages around the question, the customer's other
 * questions to the bot, and since when they are in the group.
 *
 * @example
 * const { conversation, history } = await loadConversationContext(db, await suggestions.get(12), clock())
 */
export async function loadConversationContext(db: Db, suggestion: Suggestion, now: Date): Promise<SuggestionContext> {
  const [messages, history, memberships] = await Promise.all([
    listGroupMessagesAround(db, suggestion.groupId, suggestion.askedAt),
    listMemberSuggestions(db, suggestion.memberId),
    listMemberships(db, suggestion.memberId),
  ])
  const membership = memberships.find((m) => m.group_id === suggestion.groupId)
  return {
    suggestion,
    conversation: messages.map((m) => ({ id: m.id, senderName: m.sender_name, text: m.text, sentAt: m.sent_at, fromSelf: m.from_self === 1, mentionsBot: m.mentions_bot === 1 })),
    history: history.filter((h) => h.id !== suggestion.id).map((h) => toSuggestion(h, now)),
    membership: membership ? { joinedAt: membership.joined_at, joinedAtEstimated: membership.joined_at_estimated === 1 } : null,
  }
}
