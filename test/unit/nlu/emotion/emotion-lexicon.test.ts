import { describe, expect, it } from 'vitest'
import { buildEmotionIndex, normalizeForEmotion } from '../../../../src/nlu/emotion/build-emotion-index.js'
import * as lexicon from '../../../../src/nlu/emotion/emotion-lexicon.js'
import { minimumScoreFor, scoreToSeverity, sumToScore } from '../../../../src/nlu/emotion/score-to-severity.js'

describe('emotion-lexicon', () => {
  it('建索引时没有重复条目', () => {
    expect(() => buildEmotionIndex()).not.toThrow()
  })

  it('每张表的权重都在 (0, 1] 之间', () => {
    const weights = [
      ...Object.values(lexicon.NEGATIVE_WORDS),
      ...Object.values(lexicon.URGENCY_WORDS),
      ...Object.values(lexicon.NEGATED_PHRASES),
      ...Object.values(lexicon.EMOJI),
      ...Object.values(lexicon.THREAT_WORDS).map((t) => t.weight),
      ...Object.values(lexicon.PROFANITY).map((p) => p.weight),
      ...Object.values(lexicon.POSITIVE_WORDS).map((p) => p.weight),
    ]
    for (const weight of weights) {
      expect(weight).toBeGreaterThan(0)
      expect(weight).toBeLessThanOrEqual(1)
    }
  })

  it('催促词单独出现不会超过 mild', () => {
    for (const weight of Object.values(lexicon.URGENCY_WORDS)) expect(scoreToSeverity(sumToScore(weight))).not.toBe('moderate')
  })

  it('条目已经是归一化后的写法（半角、小写），否则永远匹配不上', () => {
    const entries = [...Object.keys(lexicon.NEGATIVE_WORDS), ...Object.keys(lexicon.PROFANITY), ...Object.keys(lexicon.THREAT_WORDS), ...lexicon.NEUTRAL_PHRASES]
    for (const entry of entries) expect(normalizeForEmotion(entry)).toBe(entry)
  })
})

describe('score-to-severity', () => {
  it.each([
    [0, 'none'],
    [0.11, 'none'],
    [0.12, 'mild'],
    [0.44, 'mild'],
    [0.45, 'moderate'],
    [0.84, 'moderate'],
    [0.85, 'severe'],
    [1, 'severe'],
  ])('分数 %d → %s', (score, severity) => {
    expect(scoreToSeverity(score)).toBe(severity)
  })

  it('每个等级的最低分正好落在该等级', () => {
    for (const severity of ['none', 'mild', 'moderate', 'severe'] as const) expect(scoreToSeverity(minimumScoreFor(severity))).toBe(severity)
  })

  it('总和越大分数越高，但不超过 1', () => {
    expect(sumToScore(0)).toBe(0)
    expect(sumToScore(0.5)).toBeLessThan(sumToScore(1))
    expect(sumToScore(100)).toBeLessThanOrEqual(1)
  })
})
