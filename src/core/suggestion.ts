/**
 * The approval queue's nouns, shared by the server and the console's browser code (through console/contract.ts):
 * a suggestion, and a message of the conversation around it. Types only.
 */
import type { EscalationReason, SuggestionDecision, SuggestionKind, SuggestionStatus } from './vocabulary.js'

/**
 * A drafted reply waiting for (or past) an agent's decision: the approval queue's item. The console API sends it as
 * contract.ts' SuggestionItem (this shape without the reject reason and reply time).
 */
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
  /** Bumped by every change; a decision sends the version the agent saw and is refused (`stale`) if it moved on. */
  version: number
  /** The agent working on it (「小王 处理中」), or null: never claimed, decided, or idle past the claim's limit. */
  claimedBy: string | null
  /** The claimer's last activity (opening, typing, a decision); null when unclaimed. */
  claimedAt: string | null
  /**
   * Set when `text` was drafted by the optional AI drafter (「AI 草稿」) from these intents' answers: never sent
   * without an agent. Null for every other draft.
   */
  aiDraft: { intentIds: string[] } | null
}

/** A message of the group conversation around a question, as an agent reads it. */
export interface ContextMessage {
  id: string
  senderName: string
  text: string
  sentAt: string
  fromSelf: boolean
  mentionsBot: boolean
  /** Pictures, voice notes and files that came with it (absent for plain text). */
  media?: MediaView[]
}

/** A file in the conversation view: `url` serves it (the picture, playable audio); `status` says why there is none. */
export interface MediaView {
  kind: 'image' | 'voice' | 'video' | 'file'
  fileName: string
  sizeBytes: number | null
  status: 'stored' | 'too_large' | 'unavailable' | 'transcript_only' | 'purged'
  /** What the platform transcribed of a voice note, when it did. */
  transcript: string | null
  url: string
}
