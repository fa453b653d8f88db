import type { Logger } from '../core/logger.js'
import { serializeByKey } from '../core/serialize-by-key.js'
import type { Outbox } from '../outbox/outbox.js'
import type { Db } from '../storage/create-db.js'
import { hasSendToMemberSince } from '../storage/outbox.repository.js'
import { oldestOpenQuestionAt } from '../storage/suggestion.repository.js'
import type { SuggestionEvent } from '../suggestions/suggestion-service.js'
import { handoffAckText, type HandoffAckSettings } from './handoff-ack.js'

const SOURCE = 'handoff:'

/**
 * Tells a customer in the group that a person will answer, when their question goes to a human (any reason: the
 * pipeline's rules as the item is created, the SLA check later). Through the outbox, so pacing and retries apply.
 * At most once per member per open question: a source per question (`handoff:<message id>`, queued once), and no
 * second one while an earlier acknowledged question of theirs still waits (five angry lines, one reply).
 *
 * @example
 * const stop = acknowledgeHandoffs({ db, outbox, settings: () => settings.get(), subscribe: suggestions.subscribe, logger })
 */
export function acknowledgeHandoffs(deps: {
  db: Db; outbox: Pick<Outbox, 'enqueue' | 'deliver'>; settings: () => Promise<HandoffAckSettings>
  subscribe: (listener: (event: SuggestionEvent) => void) => () => void; logger: Logger
}): () => void {
  const log = deps.logger.child({ component: 'handoff-ack' })
  // One decision at a time per member and group: two escalations processed together must not both find "none yet".
  const serial = serializeByKey()

  async function acknowledge(event: SuggestionEvent): Promise<void> {
    const s = event.suggestion
    const reason = s.escalationReason
    // An attention item is someone venting without asking the bot: an agent decides whether to speak up.
    if (!reason || s.status !== 'pending' || s.kind === 'attention') return
    if (event.type !== 'created' && reason !== 'sla') return
    const text = handoffAckText(await deps.settings(), reason, s.groupId)
    if (!text) return
    const since = (await oldestOpenQuestionAt(deps.db, s.groupId, s.memberId)) ?? s.askedAt
    if (await hasSendToMemberSince(deps.db, SOURCE, s.groupId, s.memberId, since)) return
    const row = await deps.outbox.enqueue({
      source: `${SOURCE}${s.messageId}`, groupId: s.groupId, text, actor: 'bot', once: true,
      mention: { memberId: s.memberId, memberName: s.memberName, messageId: s.messageId },
    })
    log.info({ suggestionId: s.id, reason, outboxId: row.id }, 'told the customer a person will answer')
    const outcome = await deps.outbox.deliver(row.id)
    if (outcome.status === 'failed') log.warn({ suggestionId: s.id, outboxId: row.id }, 'the handoff acknowledgement could not be sent')
  }

  return deps.subscribe((event) => {
    // Remote events are another instance's to act on.
    if (event.remote || !event.suggestion.escalationReason) return
    void serial(`${event.suggestion.groupId}\u0000${event.suggestion.memberId}`, () => acknowledge(event)).catch((error: unknown) => {
      log.error({ err: error, suggestionId: event.suggestion.id }, 'acknowledging a handoff failed')
    })
  })
}
