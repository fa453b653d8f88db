import type { SuggestionRow } from '../storage/schema.js'
import type { Suggestion } from '../core/suggestion.js'
import { needsHuman } from '../core/vocabulary.js'

export type { Suggestion } from '../core/suggestion.js'

/**
 * How long a claim lasts without activity from its holder (opening the item, typing in its draft, a decision):
 * past it the item is free again for anyone, with no job needed: expiry is read from claimed_at.
 */
export const CLAIM_IDLE_MS = 5 * 60_000

/** The oldest claimed_at still in force at `now`: claims older than this are expired. */
export const claimCutoff = (now: Date): string => new Date(now.getTime() - CLAIM_IDLE_MS).toISOString()

/** Maps a stored row to the domain's Suggestion (core/suggestion.ts); a claim idle past CLAIM_IDLE_MS at `now` reads as none. */
export function toSuggestion(row: SuggestionRow, now: Date): Suggestion {
  const claimed = row.claimed_by !== null && row.claimed_at !== null && row.claimed_at >= claimCutoff(now)
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
    version: row.version,
    claimedBy: claimed ? row.claimed_by : null,
    claimedAt: claimed ? row.claimed_at : null,
    aiDraft: row.ai_draft_intents === null ? null : { intentIds: parseIntentIds(row.ai_draft_intents) },
  }
}

/** The stored JSON array of intent ids; anything else reads as none (the label still shows). */
function parseIntentIds(text: string): string[] {
  try {
    const value = JSON.parse(text) as unknown
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
  } catch {
    return []
  }
}
