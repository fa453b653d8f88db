import type { SuggestionRow } from '../storage/schema.js'
import { needsHuman, type EscalationReason, type SuggestionDecision, type SuggestionKind, type SuggestionStatus } from '../core/vocabulary.js'

/** A drafted reply waiting for (or past) an agent's decision (the console API shows it as contract.ts' SuggestionItem). */
export interface Suggestion {
  id: number
  messageId: string
  groupId: string
  groupName: string
  memberId: string
  memberName: string
  question: string
  kind: SuggestionKind
  /** See needsHuman() in core/vocabulary.ts. */
  needsHuman: boolean
  intentId: string | null
  score: number | null
  text: string | null
  status: SuggestionStatus
  createdAt: string
  askedAt: string
  decision: SuggestionDecision | null
  decidedBy: string | null
  decidedAt: string | null
  finalText: string | null
  rejectReason: string | null
  repliedAt: string | null
  responseMs: number | null
  lastError: string | null
  /** Set when an agent corrected the intent: what the matcher had chosen ('' when it had chosen none). */
  matchedIntentId: string | null
  /** Negative emotion of the question: none | mild | moderate | severe. */
  emotionSeverity: string | null
  /** Why a human must look at it (keyword, emotion, intent, misses, sla), or null. */
  escalationReason: EscalationReason | null
  escalationDetail: string | null
}

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
