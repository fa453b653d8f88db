import {
  EMOJI,
  INTENSIFIERS,
  NEGATED_PHRASES,
  NEGATIVE_WORDS,
  NEGATORS,
  NEUTRAL_PHRASES,
  POSITIVE_WORDS,
  PROFANITY,
  SARCASM_MARKERS,
  SARCASTIC_PHRASES,
  THREAT_WORDS,
  URGENCY_WORDS,
} from './emotion-lexicon.js'
import type { Severity } from '../../core/vocabulary.js'
import { toSimplified } from '../to-simplified.js'

/** What a pattern does when it is the longest match at a position. */
export type PatternRole = 'lexicon' | 'negation' | 'threat' | 'profanity' | 'sarcasm' | 'marker' | 'emoji' | 'intensifier' | 'neutral'

export interface HeadPattern {
  text: string
  role: PatternRole
  weight: number
  /** Threats and abuse aimed at a person. */
  floor?: Severity
  /** Intensifiers only. */
  multiplier?: number
  /** Intensifiers only: weight when nothing negative follows. */
  standaloneWeight?: number
  /** No Han character may touch it (靠 but not 靠谱). */
  standalone?: boolean
  /** A negator right before it cancels it (不生气, 不会投诉) instead of flipping it. */
  negatable: boolean
}

export interface NegatorPattern {
  text: string
  strength: number
}

export interface PositivePattern {
  text: string
  weight: number
  notFollowedBy: readonly string[]
}

/** Patterns bucketed by their first UTF-16 unit, longest first, so a scan tries only what can start at a position. */
export interface EmotionIndex {
  heads: Map<string, HeadPattern[]>
  negators: Map<string, NegatorPattern[]>
  positives: Map<string, PositivePattern[]>
}

/**
 * The same normalisation detectEmotion applies to messages, so table entries and text compare equal: NFKC, lower case,
 * traditional characters as simplified (我要投訴 reads as 我要投诉). Every step keeps the text's length in UTF-16
 * units or shortens it, never more than NFKC itself does.
 */
export function normalizeForEmotion(text: string): string {
  return toSimplified(text.normalize('NFKC').toLowerCase())
}

/**
 * Builds the lookup tables from emotion-lexicon.ts. Throws on an entry listed twice across tables, because which one
 * wins would then depend on insertion order.
 *
 * @example
 * buildEmotionIndex().heads.get('垃')?.[0]?.text // '垃圾'
 */
export function buildEmotionIndex(): EmotionIndex {
  const all: HeadPattern[] = [
    ...Object.entries(NEGATIVE_WORDS).map(([text, weight]): HeadPattern => ({ text, role: 'lexicon', weight, negatable: true })),
    ...Object.entries(URGENCY_WORDS).map(([text, weight]): HeadPattern => ({ text, role: 'lexicon', weight, negatable: true })),
    ...Object.entries(NEGATED_PHRASES).map(([text, weight]): HeadPattern => ({ text, role: 'negation', weight, negatable: false })),
    ...Object.entries(THREAT_WORDS).map(([text, { weight, floor }]): HeadPattern => ({ text, role: 'threat', weight, floor, negatable: true })),
    ...Object.entries(PROFANITY).map(
      ([text, { weight, standalone, floor }]): HeadPattern => ({
        text, role: 'profanity', weight, negatable: false, ...(standalone ? { standalone } : {}), ...(floor ? { floor } : {}),
      }),
    ),
    ...Object.entries(SARCASTIC_PHRASES).map(([text, weight]): HeadPattern => ({ text, role: 'sarcasm', weight, negatable: false })),
    ...Object.entries(SARCASM_MARKERS).map(([text, weight]): HeadPattern => ({ text, role: 'marker', weight, negatable: false })),
    ...Object.entries(EMOJI).map(([text, weight]): HeadPattern => ({ text, role: 'emoji', weight, negatable: false })),
    ...Object.entries(INTENSIFIERS).map(
      ([text, { multiplier, standalone }]): HeadPattern => ({
        text,
        role: 'intensifier',
        weight: 0,
        multiplier,
        negatable: false,
        ...(standalone === undefined ? {} : { standaloneWeight: standalone }),
      }),
    ),
    ...NEUTRAL_PHRASES.map((text): HeadPattern => ({ text, role: 'neutral', weight: 0, negatable: false })),
  ]
  const seen = new Map<string, PatternRole>()
  for (const pattern of all) {
    pattern.text = normalizeForEmotion(pattern.text)
    const earlier = seen.get(pattern.text)
    if (earlier) throw new Error(`emotion-lexicon.ts: "${pattern.text}" is listed as both ${earlier} and ${pattern.role} — keep one`)
    seen.set(pattern.text, pattern.role)
  }
  return {
    heads: bucket(all),
    negators: bucket(Object.entries(NEGATORS).map(([text, strength]) => ({ text: normalizeForEmotion(text), strength }))),
    positives: bucket(
      Object.entries(POSITIVE_WORDS).map(([text, { weight, notFollowedBy }]) => ({ text: normalizeForEmotion(text), weight, notFollowedBy: notFollowedBy ?? [] })),
    ),
  }
}

function bucket<T extends { text: string }>(patterns: T[]): Map<string, T[]> {
  const map = new Map<string, T[]>()
  for (const pattern of patterns) {
    const key = pattern.text[0]
    if (key === undefined) continue
    const list = map.get(key) ?? []
    list.push(pattern)
    map.set(key, list)
  }
  for (const list of map.values()) list.sort((a, b) => b.text.length - a.text.length)
  return map
}
