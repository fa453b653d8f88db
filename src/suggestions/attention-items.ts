import type { Clock } from '../core/clock.js'
import { serializeByKey } from '../core/serialize-by-key.js'
import type { InboundMessage } from '../core/inbound-message.js'
import type { Severity } from '../core/vocabulary.js'
import type { Db } from '../storage/create-db.js'
import { findPendingAttention, findSuggestion, insertSuggestion, transitionSuggestion } from '../storage/suggestion.repository.js'
import { toSuggestion, type Suggestion } from './suggestion.js'

const SEVERITY_RANK: Record<Severity, number> = { none: 0, mild: 1, moderate: 2, severe: 3 }
const SEVERITY_TEXT: Record<Severity, string> = { none: '无', mild: '轻度', moderate: '中度', severe: '严重' }

export interface AttentionItems {
  /**
   * A customer sounds upset in the group without @-mentioning the bot: opens an attention item, or folds the
   * message into the one of theirs still waiting. Returns the item.
   */
  note(message: InboundMessage, severity: Severity): Promise<Suggestion>
}

/**
 * "需关注" items. Angry lines without @ ("质量太差了，气死我了！！！") were stored and never reached an agent. One item
 * per member while it waits, so five angry lines are one thing to look at, with the count and the latest line; the
 * queue's conversation view shows what was said around it.
 *
 * @example
 * const attention = createAttentionItems({ db, clock, notify: suggestions.notify })
 * await attention.note(message, 'moderate')
 */
export function createAttentionItems(deps: { db: Db; clock: Clock; notify: (suggestion: Suggestion) => void }): AttentionItems {
  const { db } = deps
  // One decision at a time per member and group: two upset lines handled together must not open two items.
  const serial = serializeByKey()

  async function note(message: InboundMessage, severity: Severity): Promise<Suggestion> {
    const open = await findPendingAttention(db, message.groupId, message.senderId)
    if (!open) {
      const row = await insertSuggestion(db, {
        message_id: message.id, group_id: message.groupId, group_name: message.groupName, member_id: message.senderId, member_name: message.senderName,
        question: message.question, kind: 'attention', intent_id: null, score: null, text: null, status: 'pending',
        created_at: deps.clock().toISOString(), asked_at: message.sentAt.toISOString(), emotion_severity: severity,
        escalation_reason: 'emotion', escalation_detail: `情绪${SEVERITY_TEXT[severity]}，未 @ 机器人`,
      })
      const created = toSuggestion(row, deps.clock())
      deps.notify(created)
      return created
    }
    // The count lives in the detail this module writes (no column of its own); notes for one member are serialised.
    const count = Number(/共 (\d+) 条/u.exec(open.escalation_detail ?? '')?.[1] ?? 1) + 1
    const worst = SEVERITY_RANK[severity] > SEVERITY_RANK[(open.emotion_severity ?? 'none') as Severity] ? severity : (open.emotion_severity ?? severity) as Severity
    // The first line stays the item's question; the detail carries how many and the latest.
    await transitionSuggestion(db, open.id, 'pending', {
      status: 'pending', emotion_severity: worst, escalation_detail: `情绪${SEVERITY_TEXT[worst]}，未 @ 机器人，共 ${count} 条，最新：${message.question.slice(0, 120)}`,
    })
    const updated = toSuggestion((await findSuggestion(db, open.id)) ?? open, deps.clock())
    deps.notify(updated)
    return updated
  }

  return {
    note: (message, severity) => serial(`${message.groupId}\u0000${message.senderId}`, () => note(message, severity)),
  }
}
