import type { ViewWeights } from './lexical-index.js'

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
