import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { detectEmotion } from '../../../src/nlu/emotion/detect-emotion.js'
import { normalizeForEmotion } from '../../../src/nlu/emotion/build-emotion-index.js'
import { extractEntities } from '../../../src/nlu/entities/extract-entities.js'
import { isClosingRemark } from '../../../src/nlu/is-closing-remark.js'
import { normalizeText } from '../../../src/nlu/normalize-text.js'
import { createPinyinReader } from '../../../src/nlu/read-pinyin.js'
import { toSimplified } from '../../../src/nlu/to-simplified.js'
import { pinyinReadings } from '../../../src/nlu/zh-dictionary.js'

/** Pieces real and hostile messages are made of: traditional and simplified Han, pinyin, bidi and zero-width marks, emoji sequences. */
const pieces = fc.constantFrom(
  '請問', '发票', '麼', '乾淨', '我要投訴', 'kuaidi', 'dao', 'na', 'le', 'order', 'ORDER', ' ', '！', '？？', '…', '[微笑]', '呵呵',
  '\u200b', '\u200d', '\u200e', '\u200f', '\u202e', '\u2066', '\ufeff', '\ud800', '\udfff', '👨‍👩‍👧‍👦', '🏳️‍🌈', '👍🏽', '🇨🇳',
  'é', 'e\u0301', 'ﬁ', 'Ⅻ', '１２３', '㈱', 'İ', 'ß', '請請問問', '你你好好', '0', '12月3號',
)
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(pieces, { maxLength: 60 }).map((parts) => parts.join('')),
  fc.tuple(fc.string({ unit: 'binary', maxLength: 20 }), fc.integer({ min: 1, max: 400 })).map(([s, n]) => s.repeat(n).slice(0, 4000)),
)

describe('text handling on hostile Unicode', () => {
  it('normalizeText is idempotent and never throws', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const once = normalizeText(text)
        expect(normalizeText(once)).toBe(once)
      }),
      // Cheap, and the counterexamples so far (请请问问, 0請問１２３) needed a few hundred runs to turn up.
      { numRuns: 2000 },
    )
  })

  it('toSimplified and normalizeForEmotion are idempotent', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        expect(toSimplified(toSimplified(text))).toBe(toSimplified(text))
        expect(normalizeForEmotion(normalizeForEmotion(text))).toBe(normalizeForEmotion(text))
      }),
    )
  })

  it('emotion, entities, closing remarks and the pinyin reader never throw', () => {
    const reader = createPinyinReader(['我的快递到哪了', '怎么退款', '发票怎么开'], pinyinReadings)
    fc.assert(
      fc.property(hostile, (text) => {
        expect(['none', 'mild', 'moderate', 'severe']).toContain(detectEmotion(text).severity)
        for (const entity of extractEntities(text)) expect(text.slice(entity.start, entity.end)).toBe(entity.text)
        expect(typeof isClosingRemark(text)).toBe('boolean')
        expect(typeof reader.read(normalizeText(text))).toBe('string')
      }),
    )
  })

  it('a 4,000-character message is handled quickly', () => {
    const long = '請問我的快递到哪了kuaididaonale👨‍👩‍👧‍👦\u200f'.repeat(200).slice(0, 4000)
    const started = performance.now()
    normalizeText(long)
    detectEmotion(long)
    isClosingRemark(long)
    expect(performance.now() - started).toBeLessThan(2000)
  })
})
