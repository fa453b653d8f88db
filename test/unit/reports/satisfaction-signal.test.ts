import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { NEGATIVE_PHRASES, POSITIVE_PHRASES, judgeSatisfaction, readFollowUp } from '../../../src/reports/satisfaction-signal.js'

const calm = (text: string) => ({ text, emotionSeverity: 'none' })

describe('readFollowUp: what one message after a reply says', () => {
  it.each([
    { text: '谢谢', out: 'positive' },
    { text: '好的，谢谢', out: 'positive' },
    { text: '好的', out: 'positive' },
    { text: '解决了，感谢', out: 'positive' },
    { text: '收到', out: 'positive' },
    { text: 'Thanks!', out: 'positive' },
    { text: '明白了👍', out: 'positive' },
    { text: '还是不行', out: 'negative' },
    { text: '没用', out: 'negative' },
    { text: '不对啊', out: 'negative' },
    { text: '问题没解决', out: 'negative' },
    { text: '谢谢，但还是不行', out: 'negative' },
    // Counter-examples: a positive word inside a negation is not a thanks.
    { text: '不好的体验', out: 'unknown' },
    { text: '我还没收到', out: 'unknown' },
    { text: '不谢', out: 'unknown' },
    { text: '在吗', out: 'unknown' },
    { text: '那运费多少', out: 'unknown' },
  ])('$text → $out (calm)', ({ text, out }) => {
    expect(readFollowUp(calm(text))).toBe(out)
  })

  it('counts 不好 as negative by its emotion, never as a 好的', () => {
    expect(readFollowUp({ text: '不好', emotionSeverity: 'mild' })).toBe('negative')
    expect(readFollowUp(calm('不好'))).toBe('unknown')
  })

  it('lets negative emotion win over a thanks in the same message (谢谢你们的垃圾服务)', () => {
    expect(readFollowUp({ text: '谢谢你们的垃圾服务', emotionSeverity: 'moderate' })).toBe('negative')
    expect(readFollowUp({ text: '谢谢', emotionSeverity: 'severe' })).toBe('negative')
  })

  it('reads no emotion into a message without one stored', () => {
    expect(readFollowUp({ text: '谢谢', emotionSeverity: null })).toBe('positive')
  })

  it('finds every listed phrase anywhere in a message, negative ones whatever surrounds them', () => {
    fc.assert(fc.property(fc.constantFrom(...NEGATIVE_PHRASES), fc.string(), fc.string(), (phrase, before, after) => {
      expect(readFollowUp(calm(`${before}${phrase}${after}`))).toBe('negative')
    }))
  })

  it('takes a positive phrase after a negation as no thanks, and after anything else as thanks', () => {
    const notNegation = fc.string({ maxLength: 8 }).filter((s) => !/[不没未别无]$/.test(s) && !NEGATIVE_PHRASES.some((n) => s.includes(n)))
    fc.assert(fc.property(fc.constantFrom(...POSITIVE_PHRASES), notNegation, (phrase, before) => {
      expect(readFollowUp(calm(`${before}${phrase}`))).toBe('positive')
    }))
    fc.assert(fc.property(fc.constantFrom(...POSITIVE_PHRASES), fc.constantFrom('不', '没', '未'), (phrase, negation) => {
      const text = `${negation}${phrase}`
      fc.pre(!NEGATIVE_PHRASES.some((n) => text.includes(n)))
      expect(readFollowUp(calm(text))).toBe('unknown')
    }))
  })
})

describe('judgeSatisfaction: all the member wrote within the window', () => {
  it('is unknown when the customer said nothing, or nothing telling', () => {
    expect(judgeSatisfaction([])).toBe('unknown')
    expect(judgeSatisfaction([calm('那运费多少'), calm('在吗')])).toBe('unknown')
  })

  it('is positive for a thanks among other talk', () => {
    expect(judgeSatisfaction([calm('我试试'), calm('好的，谢谢')])).toBe('positive')
  })

  it('is negative when any message complains, even after a thanks (the fix did not hold)', () => {
    expect(judgeSatisfaction([calm('谢谢'), { text: '还是不行', emotionSeverity: 'mild' }])).toBe('negative')
  })

  it('never depends on the order of the messages', () => {
    const message = fc.record({ text: fc.constantFrom('谢谢', '还是不行', '在吗', '好的', '不好'), emotionSeverity: fc.constantFrom('none', 'mild', null) })
    fc.assert(fc.property(fc.array(message, { maxLength: 6 }), (messages) => {
      expect(judgeSatisfaction([...messages].reverse())).toBe(judgeSatisfaction(messages))
    }))
  })
})
