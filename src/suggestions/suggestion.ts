import type { SuggestionRow } from '../storage/schema.js'
import type { Suggestion } from '../core/suggestion.js'
import { needsHuman } from '../core/vocabulary.js'

export type { Suggestion } from '../core/suggestion.js'

/** Maps a stored row to the domain's Suggestion (core/suggestion.ts). */
export function toSuggestion(row: SuggestionRow): Suggestion {
  return {
    id: row.id,
    messageId: row.message_id,
    groupId: row.group_id,
    groupName: row.group_name,
    memberId: row.member_id,
    memberName: row.member_name,
    question: row.question,
    kind: row.kind,
    needsHuman: needsHuman({ kind: row.kind, escalationReason: row.escalation_reason }),
    intentId: row.intent_id,
    score: row.score,
    text: row.text,
    status: row.status,
    createdAt: row.created_at,
    askedAt: row.asked_at,
    decision: row.decision,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    finalText: row.final_text,
    rejectReason: row.reject_reason,
    repliedAt: row.replied_at,
    responseMs: row.response_ms,
    lastError: row.last_error,
    matchedIntentId: row.matched_intent_id,
    emotionSeverity: row.emotion_severity,
    escalationReason: row.escalation_reason,
    escalationDetail: row.escalation_detail,
  }
}
