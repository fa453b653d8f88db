/**
 * The domain's words, shared by every layer: what a message, a suggestion, an outbox row or a WeCom delivery can
 * be, why a question goes to a human, who may do what, how upset a customer sounds, and whether the account is
 * online. Storage maps rows to these; nothing here imports anything of ours.
 */

export type MessageStatus = 'received' | 'handled' | 'ignored' | 'failed'

/** `sending`: approved and in the outbox; `failed`: the outbox gave up (an agent may retry or reject). */
export type SuggestionStatus = 'pending' | 'sending' | 'sent' | 'rejected' | 'failed'

/**
 * answer/needs_human reply to a question; outreach (text to send) and reminder (for agents) come from tag actions;
 * attention: a customer upset in the group without @-mentioning the bot (no question, no draft), for an agent to see.
 */
export type SuggestionKind = 'answer' | 'needs_human' | 'outreach' | 'reminder' | 'attention'

export type SuggestionDecision = 'auto_sent' | 'sent' | 'edited' | 'rejected'

export type EscalationReason = 'keyword' | 'emotion' | 'intent' | 'misses' | 'sla'

/**
 * The reasons that mean the customer asked for, or plainly needed, a person: an explicit request (转人工), a
 * complaint intent, strong emotion, repeated misses. Not an SLA overrun (the agents were slow) and not an
 * unanswered question (the knowledge was thin): counting those tagged ordinary customers 投诉风险.
 */
export const CUSTOMER_ESCALATION_REASONS = ['keyword', 'emotion', 'intent', 'misses'] as const satisfies readonly EscalationReason[]

/**
 * Whether a suggestion needs a person (the console's 需人工): no intent matched, or an escalation rule sent it to a
 * human. Reminders are for agents too, but they are counted and marked on their own (提醒).
 */
export function needsHuman(s: { kind: SuggestionKind; escalationReason: EscalationReason | null }): boolean {
  return s.kind === 'needs_human' || s.escalationReason !== null
}

export type Role = 'agent' | 'admin'

export type TagSource = 'rule' | 'manual'

export type TagActionStatus = 'queued' | 'done' | 'skipped'

export type WecomCallbackKind = 'app' | 'aibot'

export type WecomCallbackStatus = 'received' | 'processed' | 'failed'

/** queued: waiting for its turn (pacing, backoff, a dropped puppet); sending: handed to the channel; then sent or failed. */
export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed'

/** How upset a customer sounds, in the order an agent should care: `severe` means escalate now. */
export type Severity = 'none' | 'mild' | 'moderate' | 'severe'

/** Severities from calm to angry; the index is the rank, so `SEVERITY_ORDER.indexOf(a) > SEVERITY_ORDER.indexOf(b)` compares them. */
export const SEVERITY_ORDER: readonly Severity[] = ['none', 'mild', 'moderate', 'severe']

/** Where the account's connection stands, for /api/health, the console and the offline notice. */
export type ConnectionState = 'starting' | 'online' | 'offline'

export interface ConnectionStatus {
  state: ConnectionState
  /** When the current state began (ISO). */
  since: string
  /** Why it is offline, when it is. */
  lastError: string | null
  /** Reconnects attempted since the last time it was online. */
  reconnectAttempts: number
}
