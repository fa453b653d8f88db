import type { ViewWeights } from './lexical-index.js'

/**
 * Accept when an intent's score reaches this. Chosen by leave-one-out over knowledge examples, never by fitting
 * test questions: hold out each example, retrain, and score it; 0.25 is about the 10th percentile of the scores
 * of held-out examples that still rank first (0.26 on a 54-intent, 4-example FAQ set), so ~90% of answerable
 * paraphrases pass while off-topic text, which shares few characters with any intent, stays below.
 */
export const DEFAULT_ACCEPT_THRESHOLD = 0.25
/**
 * `auto_send` intents go out without an agent only at or above this score: about the median score of
 * held-out examples that rank first in the same leave-one-out run, i.e. "as close as a typical paraphrase".
 */
export const DEFAULT_AUTO_SEND_THRESHOLD = 0.5
/** For auto-send the runner-up intent must also trail by this much, so near-ties go to an agent. */
export const AUTO_SEND_MARGIN = 0.05

/** Views of the lexical score; characters and bigrams carry most, pinyin forgives typos. Sum is 1. */
export const VIEW_WEIGHTS: ViewWeights = { char: 0.25, bigram: 0.25, pinyin: 0.2, pinyinBigram: 0.1, word: 0.2 }

/** Ranking evidence = lexical share * (centroid + nearest example) / 2 + neural share * node-nlp activation. */
export const LEXICAL_SHARE = 0.7
/**
 * Score = min(ranking evidence, CENTROID_CAP * centroid cosine). The nearest example and node-nlp can be
 * fooled by one shared phrase; the centroid asks whether the question fits the intent as a whole, so it
 * caps the score. That cap is what keeps off-topic questions out.
 */
export const CENTROID_CAP = 1.2
