import type { SuggestionItem } from '../contract.js'

/** What the queue shows first: a customer asking for a person or severely upset, before the rest. */
type Urgency = 0 | 1 | 2

/** Items a customer waits on (the SLA applies): questions, and upset lines without @. */
export const waitsOnAgent = (item: Pick<SuggestionItem, 'kind'>): boolean => item.kind === 'answer' || item.kind === 'needs_human' || item.kind === 'attention'

function urgency(item: Pick<SuggestionItem, 'kind' | 'emotionSeverity' | 'escalationReason'>): Urgency {
  if (item.emotionSeverity === 'severe' || item.escalationReason === 'keyword') return 0
  return waitsOnAgent(item) ? 1 : 2
}

/**
 * The pending queue's order (issue 17): severe emotion and an explicit 转人工 first, then what customers wait on by
 * the SLA time left (the oldest first, as every item has the same SLA), then welcome/care messages and reminders by
 * age. Pure, so the browser and the tests share it.
 *
 * @example
 * byUrgency([routine, angry]) // [angry, routine]
 */
export function byUrgency<T extends Pick<SuggestionItem, 'id' | 'kind' | 'emotionSeverity' | 'escalationReason' | 'askedAt'>>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => urgency(a) - urgency(b) || a.askedAt.localeCompare(b.askedAt) || a.id - b.id)
}

/** Milliseconds left before the SLA runs out (negative: over by that much); undefined where no SLA applies. */
export function slaLeftMs(item: Pick<SuggestionItem, 'kind' | 'askedAt' | 'status'>, slaMs: number, now: number): number | undefined {
  if (item.status !== 'pending' || !waitsOnAgent(item)) return undefined
  return Date.parse(item.askedAt) + slaMs - now
}

export interface QueueFilter {
  groupId: string
  /** An escalation reason, `attention`, `unmatched` (needs a human, no reason), or '' for all. */
  reason: string
  claim: 'all' | 'mine' | 'unclaimed'
}

/** Whether an item passes the queue's filters; `me` is the signed-in agent's name. */
export function passesFilter(item: Pick<SuggestionItem, 'groupId' | 'kind' | 'escalationReason' | 'needsHuman' | 'claimedBy'>, filter: QueueFilter, me: string): boolean {
  if (filter.groupId && item.groupId !== filter.groupId) return false
  if (filter.reason === 'attention' && item.kind !== 'attention') return false
  if (filter.reason === 'unmatched' && !(item.kind === 'needs_human' && item.escalationReason === null)) return false
  if (filter.reason && filter.reason !== 'attention' && filter.reason !== 'unmatched' && (item.kind === 'attention' || item.escalationReason !== filter.reason)) return false
  if (filter.claim === 'mine' && item.claimedBy !== me) return false
  if (filter.claim === 'unclaimed' && item.claimedBy !== null) return false
  return true
}
