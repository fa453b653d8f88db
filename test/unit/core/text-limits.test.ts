import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { InboundMessage } from '../../../src/core/inbound-message.js'
import { analyzedText, ANALYZED_TEXT_MAX_CHARS, capInboundMessage, STORED_TEXT_MAX_CHARS, truncateText } from '../../../src/core/text-limits.js'

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
/** Every grapheme boundary of the whole text (0 and its length included): the reference the cut is checked against. */
const boundaries = (text: string) => new Set([...[...graphemes.segment(text)].map((s) => s.index), text.length])
/** No lone surrogate (String.prototype.isWellFormed is ES2024, past this project's lib). */
const isWellFormed = (text: string) => !/\p{Surrogate}/u.test(text)
const codePointBoundary = (text: string, i: number) => !(/[\ud800-\udbff]/.test(text[i - 1] ?? '') && /[\udc00-\udfff]/.test(text[i] ?? ''))

// Pieces that make cuts interesting: pairs, combining marks, ZWJ sequences, flags, skin tones, lone surrogates.
const piece = fc.oneof(
  fc.constantFrom('a', '字', '😀', 'e\u0301', '\u0301', '👨‍👩‍👧', '🇨🇳', '👍🏽', '\u200d', '\ud800', '\udc00', '\r\n', '한', '\u1100\u1161\u11a8', ' '),
  fc.string({ maxLength: 3, unit: 'grapheme' }),
  fc.string({ maxLength: 3, unit: 'binary' }),
)
const text = fc.array(piece, { maxLength: 60 }).map((parts) => parts.join(''))

describe('truncateText', () => {
  it('returns a prefix within the limit, the same text when it fits, on a grapheme boundary of the whole text', () => {
    fc.assert(fc.property(text, fc.integer({ min: 0, max: 120 }), (input, max) => {
      const out = truncateText(input, max)
      expect(input.startsWith(out)).toBe(true)
      expect(out.length).toBeLessThanOrEqual(max)
      if (input.length <= max) expect(out).toBe(input)
      else {
        // The window the cut looks at gives the same boundaries as the whole text.
        expect(boundaries(input).has(out.length) || max - out.length <= 1).toBe(true)
        expect(codePointBoundary(input, out.length)).toBe(true)
        // It backs off to the start of the character crossing the limit, not further.
        const crossing = Math.max(...[...boundaries(input)].filter((b) => b <= max))
        expect(out.length).toBe(max - crossing <= 64 ? crossing : out.length)
      }
    }), { numRuns: 2000 })
  })

  it('never leaves half a surrogate pair, so well-formed text stays well-formed', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80, unit: 'grapheme' }), fc.integer({ min: 0, max: 100 }), (input, max) => {
      expect(isWellFormed(truncateText(input, max))).toBe(true)
    }), { numRuns: 2000 })
  })

  it('keeps text exactly at the limit whole and cuts one unit over', () => {
    expect(truncateText('字'.repeat(10), 10)).toBe('字'.repeat(10))
    expect(truncateText('字'.repeat(11), 10)).toBe('字'.repeat(10))
    expect(truncateText('😀'.repeat(5), 10)).toBe('😀'.repeat(5))
    expect(truncateText('😀'.repeat(6), 10)).toBe('😀'.repeat(5))
    expect(truncateText('', 0)).toBe('')
    expect(truncateText('ab', 0)).toBe('')
  })

  it('does not split a surrogate pair, a letter from its accent, an emoji sequence or a flag', () => {
    expect(truncateText('ab😀', 3)).toBe('ab')
    expect(truncateText('cafe\u0301!', 4)).toBe('caf')
    expect(truncateText('cafe\u0301!', 5)).toBe('cafe\u0301')
    expect(truncateText('x👨‍👩‍👧y', 6)).toBe('x')
    expect(truncateText('x🇨🇳🇺🇸', 4)).toBe('x')
    expect(truncateText('x🇨🇳🇺🇸', 6)).toBe('x🇨🇳')
    expect(truncateText('x👍🏽', 4)).toBe('x')
  })

  it('cuts between code points inside an absurdly long character (stacked combining marks)', () => {
    const zalgo = `a${'\u0301'.repeat(5000)}`
    expect(truncateText(zalgo, 100)).toBe(zalgo.slice(0, 100))
    const pairs = `a${'\u{1F3FB}'.repeat(200)}` // skin-tone modifiers extend: one long cluster of surrogate pairs
    expect(truncateText(pairs, 101)).toHaveLength(101)
    const cut = truncateText(pairs, 102) // the limit falls between the halves of a pair
    expect(cut).toHaveLength(101)
    expect(isWellFormed(cut)).toBe(true)
  })

  it('costs the same for a megabyte as for the limit', () => {
    const big = '我的快递到哪了😀'.repeat(200_000)
    const start = performance.now()
    for (let i = 0; i < 100; i++) truncateText(big, STORED_TEXT_MAX_CHARS)
    // 100 cuts of a 1.8 M-unit text: a copy or a scan of the whole text each time would take far longer.
    expect(performance.now() - start).toBeLessThan(500)
    expect(truncateText(big, STORED_TEXT_MAX_CHARS)).toBe(big.slice(0, STORED_TEXT_MAX_CHARS))
  })
})

describe('analyzedText', () => {
  it(`is the first ${ANALYZED_TEXT_MAX_CHARS} characters`, () => {
    expect(analyzedText('问'.repeat(ANALYZED_TEXT_MAX_CHARS + 1))).toBe('问'.repeat(ANALYZED_TEXT_MAX_CHARS))
    expect(analyzedText('我的快递到哪了')).toBe('我的快递到哪了')
  })
})

describe('capInboundMessage', () => {
  const message: InboundMessage = {
    id: 'wechaty:m1', channel: 'wechaty', groupId: 'g1', groupName: '群', senderId: 'c1', senderName: '张三',
    text: '@客服助手 我的快递到哪了', question: '我的快递到哪了', mentionsBot: true, fromSelf: false, sentAt: new Date(0),
  }

  it('returns the same message when it fits', () => {
    expect(capInboundMessage(message)).toBe(message)
    const exactly = { ...message, text: 'x'.repeat(STORED_TEXT_MAX_CHARS), question: 'x'.repeat(STORED_TEXT_MAX_CHARS) }
    expect(capInboundMessage(exactly)).toBe(exactly)
  })

  it('cuts text and question and records the length as received', () => {
    const long = { ...message, text: `@客服助手 ${'问'.repeat(10_000)}`, question: '问'.repeat(10_000) }
    const capped = capInboundMessage(long)
    expect(capped).toMatchObject({ text: long.text.slice(0, STORED_TEXT_MAX_CHARS), question: '问'.repeat(STORED_TEXT_MAX_CHARS), textOriginalLength: long.text.length })
  })

  it('keeps the length a channel recorded when it cut the text itself', () => {
    const cutByChannel = { ...message, text: 'x'.repeat(STORED_TEXT_MAX_CHARS), question: 'y'.repeat(STORED_TEXT_MAX_CHARS + 5), textOriginalLength: 1_000_000 }
    expect(capInboundMessage(cutByChannel)).toMatchObject({ textOriginalLength: 1_000_000, question: 'y'.repeat(STORED_TEXT_MAX_CHARS) })
  })

  it('records no length when only the question was over (the text was whole)', () => {
    const odd = { ...message, text: 'short', question: 'q'.repeat(STORED_TEXT_MAX_CHARS + 1) }
    expect(capInboundMessage(odd).textOriginalLength).toBeUndefined()
  })
})
