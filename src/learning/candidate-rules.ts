import type { SuggestionDecision, SuggestionKind, SuggestionStatus } from '../core/vocabulary.js'
import { normalizeText } from '../nlu/normalize-text.js'

export type CandidateSource = 'sent' | 'fix'

/** A question longer than this is a message, not an example; it is not proposed. */
export const MAX_CANDIDATE_CHARS = 200
/** Pending candidates are capped: past this, new ones are dropped until admins review (the table stays small and the dedupe read bounded). */
export const MAX_PENDING_CANDIDATES = 500

/**
 * Whether a decided suggestion confirms its question as an example of its intent: an agent sent the bot's draft
 * unchanged. Edited replies say the draft was not quite right; auto-sent ones were never looked at by a person;
 * rejected ones say nothing about the intent; welcome messages and reminders have no question.
 *
 * @example
 * confirmsIntent({ status: 'sent', decision: 'sent', kind: 'answer', intentId: 'invoice.request', question: '能开发票吗' }) // true
 */
export function confirmsIntent(s: { status: SuggestionStatus; decision: SuggestionDecision | null; kind: SuggestionKind; intentId: string | null; question: string }): boolean {
  return s.status === 'sent' && s.decision === 'sent' && s.kind === 'answer' && !!s.intentId && s.question.trim() !== ''
}

export type CandidateDecision =
  | { add: true; text: string; replaces: number[] }
  | { add: false; reason: 'empty' | 'too_long' | 'known_example' | 'pending' | 'queue_full' }

/**
 * Whether a question becomes a candidate for `intentId`. Duplicates are compared by the matcher's normalised form
 * (see normalizeText: width, case, digits, punctuation and courtesy words do not count):
 * - already an example of any intent (knowledge files, learned.yaml, or a fix in training) → not a candidate;
 * - already a pending candidate for the same intent → not again;
 * - a pending candidate for another intent: an agent's fix names the right intent, so it replaces candidates that
 *   only came from a sent draft; otherwise the first one stays for the admin to judge.
 *
 * @example
 * decideCandidate({ intentId: 'a', text: '能开发票吗？', source: 'sent', knownExamples: new Set(['能开发票吗']), pending: [] })
 * // { add: false, reason: 'known_example' }
 */
export function decideCandidate(input: {
  intentId: string
  text: string
  source: CandidateSource
  /** Normalised texts of every example the matcher trains on. */
  knownExamples: ReadonlySet<string>
  pending: ReadonlyArray<{ id: number; intentId: string; text: string; source: CandidateSource }>
  maxPending?: number
}): CandidateDecision {
  const text = input.text.trim()
  if (text === '') return { add: false, reason: 'empty' }
  if ([...text].length > MAX_CANDIDATE_CHARS) return { add: false, reason: 'too_long' }
  const norm = normalizeText(text)
  if (norm === '') return { add: false, reason: 'empty' }
  if (input.knownExamples.has(norm)) return { add: false, reason: 'known_example' }
  const same = input.pending.filter((p) => normalizeText(p.text) === norm)
  if (same.some((p) => p.intentId === input.intentId)) return { add: false, reason: 'pending' }
  const replaces = input.source === 'fix' ? same.filter((p) => p.source === 'sent').map((p) => p.id) : []
  if (same.length > replaces.length) return { add: false, reason: 'pending' }
  if (input.pending.length - replaces.length >= (input.maxPending ?? MAX_PENDING_CANDIDATES)) return { add: false, reason: 'queue_full' }
  return { add: true, text, replaces }
}
