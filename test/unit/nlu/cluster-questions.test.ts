import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { clusterQuestions } from '../../../src/nlu/cluster-questions.js'
import { normalizeText } from '../../../src/nlu/normalize-text.js'
import { getChineseDictionary } from '../../../src/nlu/zh-dictionary.js'

const dictionary = getChineseDictionary()

describe('clusterQuestions', () => {
  it('groups questions worded alike, not only identical ones, most asked first', () => {
    const clusters = clusterQuestions([
      '能开增值税专票吗', '可以开增值税专票吗？', '增值税专票能开吗', '能开增值税专票吗',
      '你们周末发货吗', '周末发不发货', '周末发货吗亲',
      '积分怎么兑换礼品',
    ], { dictionary })
    expect(clusters.map((c) => c.count)).toEqual([4, 3, 1])
    expect(clusters[0]!.questions).toEqual(['能开增值税专票吗', '可以开增值税专票吗？', '增值税专票能开吗'])
    expect(clusters[1]!.questions).toContain('周末发不发货')
    expect(clusters[2]!.questions).toEqual(['积分怎么兑换礼品'])
  })

  it("treats texts equal after the matcher's normalisation as one question", () => {
    const clusters = clusterQuestions(['请问 12月3号 能发货吗？', '5月1号能发货吗', '您好！12月3号能发货吗'], { dictionary })
    expect(clusters).toHaveLength(1)
    expect(clusters[0]!.count).toBe(3)
  })

  it('honours the caps and the minimum size', () => {
    const many = Array.from({ length: 50 }, (_, i) => `问题${'甲乙丙丁戊己庚辛壬癸'[i % 10]}${'子丑寅卯辰巳午未申酉'[Math.floor(i / 10)]}`)
    expect(clusterQuestions(many, { dictionary, maxQuestions: 5 }).reduce((n, c) => n + c.count, 0)).toBe(5)
    expect(clusterQuestions(many, { dictionary, maxClusters: 2 }).length).toBeLessThanOrEqual(2)
    expect(clusterQuestions(['几点关门', '几点关门', '怎么退货'], { dictionary, minCount: 2 })).toEqual([{ questions: ['几点关门'], count: 2 }])
  })

  it('ignores empty and punctuation-only questions', () => {
    expect(clusterQuestions(['', '   ', '？？', '😀'], { dictionary })).toEqual([])
  })

  it('accounts for every non-empty question exactly once, whatever the text', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 12, unit: fc.constantFrom('发', '货', '票', '开', '吗', '?', ' ', 'a', '1', '\u202e', '\ud800', '#', ':') }), { maxLength: 40 }), (questions) => {
      const clusters = clusterQuestions(questions, { dictionary })
      const counted = clusters.reduce((n, c) => n + c.count, 0)
      const clusteredTexts = clusters.flatMap((c) => c.questions)
      expect(new Set(clusteredTexts).size).toBe(clusteredTexts.length)
      for (const text of clusteredTexts) expect(questions.map((q) => q.trim())).toContain(text)
      expect(counted).toBe(questions.filter((q) => normalizeText(q.trim()) !== '').length)
      expect(clusterQuestions(questions, { dictionary })).toEqual(clusters)
    }), { numRuns: 200 })
  })
})
