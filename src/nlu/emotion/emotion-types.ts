import type { Severity } from '../../core/vocabulary.js'


export type EmotionSignalKind = 'lexicon' | 'negation' | 'intensifier' | 'emoji' | 'punctuation' | 'threat' | 'profanity' | 'sarcasm' | 'repetition'

/**
 * One piece of evidence. `text` is the matched span in normalised form (NFKC, lower case), `weight` is what it added to
 * the raw sum after intensifiers and repeat damping, so the signals of a result add up to the sum the score came from.
 */
export interface EmotionSignal {
  kind: EmotionSignalKind
  text: string
  weight: number
}

export interface EmotionResult {
  severity: Severity
  /** 0..1; `1 - e^(-sum of signal weights)`, raised to the floor of any threat. */
  score: number
  signals: EmotionSignal[]
}
