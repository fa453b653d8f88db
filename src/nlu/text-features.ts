import type { ChineseDictionary } from './zh-dictionary.js'

/** The views a text is seen through; each becomes its own block of features. */
export type FeatureView = 'char' | 'bigram' | 'pinyin' | 'pinyinBigram' | 'word'
export const FEATURE_VIEWS: readonly FeatureView[] = ['char', 'bigram', 'pinyin', 'pinyinBigram', 'word']
export const FEATURE_PREFIX: Record<FeatureView, string> = { char: 'c:', bigram: 'b:', pinyin: 'p:', pinyinBigram: 'q:', word: 'w:' }

/** Feature counts per view, keys already prefixed by view so they can share one index. */
export type TextFeatures = Record<FeatureView, Map<string, number>>

/**
 * Splits an already normalised question (see `normalizeText`) into counted features over several views. Characters catch shared wording, bigrams catch
 * phrases, pinyin forgives homophone typos (帐/账), words keep dictionary terms together.
 *
 * @example
 * extractFeatures('帐户怎么改', dict).pinyin // Map { 'p:zhang' => 1, 'p:hu' => 1, 'p:zen' => 1, ... }
 */
export function extractFeatures(normalized: string, dictionary: ChineseDictionary): TextFeatures {
  const units = toUnits(normalized)
  const features: TextFeatures = { char: new Map(), bigram: new Map(), pinyin: new Map(), pinyinBigram: new Map(), word: new Map() }
  const pinyins = units.map((unit) => (isHan(unit) ? dictionary.pinyin(unit) ?? unit : unit))
  for (let i = 0; i < units.length; i++) {
    add(features.char, FEATURE_PREFIX.char + units[i])
    add(features.pinyin, FEATURE_PREFIX.pinyin + pinyins[i])
    if (i + 1 < units.length) {
      add(features.bigram, FEATURE_PREFIX.bigram + units[i] + units[i + 1])
      add(features.pinyinBigram, FEATURE_PREFIX.pinyinBigram + pinyins[i] + ' ' + pinyins[i + 1])
    }
  }
  for (const word of dictionary.segment(normalized)) add(features.word, FEATURE_PREFIX.word + word)
  return features
}

/** Han characters one by one; runs of Latin letters or digits stay whole ("vip", "0"). */
function toUnits(text: string): string[] {
  return text.match(/\p{Script=Han}|[^\p{Script=Han}]+/gu) ?? []
}

function isHan(unit: string): boolean {
  return /^\p{Script=Han}$/u.test(unit)
}

function add(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1)
}
