import type { InboundMessage } from './inbound-message.js'

/**
 * The most of a customer message QunDesk stores (text and question), in UTF-16 units as JavaScript counts them: a
 * Chinese character is 1, most emoji 2. WeCom refuses text messages over 2,048 bytes (about 680 Chinese characters)
 * and a customer's question is a sentence or two, so 4,000 keeps every real message whole, a pasted page included,
 * while a row stays under 12 KB of UTF-8. Past it is a paste or an attack: a 1 MB message once held the API for 15 s.
 * The cut is recorded (`messages.text_original_length`) and logged with the original length, never the content.
 */
export const STORED_TEXT_MAX_CHARS = 4000

/**
 * The most of a message the analysis reads (intent matching, emotion, order ids and other facts): questions are
 * short and say what they want first. Bounds the matcher's word segmentation, which costs ~2 ms per 1,000 characters.
 */
export const ANALYZED_TEXT_MAX_CHARS = 500

/** A cut moves back to the start of the user-perceived character it would split, unless that one is absurdly long. */
const MAX_GRAPHEME_UNITS = 64

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/**
 * The text cut to at most `max` UTF-16 units, on a character boundary: never inside a surrogate pair (an emoji), and
 * not between a letter and its combining marks, nor inside an emoji sequence (👨‍👩‍👧, flags). A "character" longer
 * than 64 units (stacked combining marks) is cut between code points instead, so the result never loses more
 * than 64 units to the rule. Costs O(max), whatever the text's length. Pure.
 *
 * @example
 * truncateText('你好世界', 2)   // '你好'
 * truncateText('ab😀', 3)      // 'ab' (not 'ab\ud83d')
 * truncateText('cafe\u0301', 4) // 'caf' (the é stays whole)
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text
  if (max <= 0) return ''
  // A boundary depends on what precedes it and the one code point after it: the window holds all of that, so a
  // 1 MB text costs no more than a 4,000-unit one.
  const window = text.slice(0, max + 2)
  const start = graphemes.segment(window).containing(max)?.index ?? max
  if (max - start <= MAX_GRAPHEME_UNITS) return text.slice(0, start)
  // Between code points: back off one unit when the limit falls between the halves of a pair.
  return text.slice(0, isLowSurrogate(text.charCodeAt(max)) && isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max)
}

/**
 * The part of a message the analysis reads: its first {@link ANALYZED_TEXT_MAX_CHARS}. The matcher, emotion and fact
 * finders call it themselves, so no caller can hand them a megabyte.
 *
 * @example
 * matcher.match(analyzedText(question))
 */
export function analyzedText(text: string): string {
  return truncateText(text, ANALYZED_TEXT_MAX_CHARS)
}

/**
 * The message as QunDesk stores it: text and question cut to {@link STORED_TEXT_MAX_CHARS}, with the text's length as
 * received in `textOriginalLength` when it was cut (a channel that already cut it says so itself, and that length
 * is kept). The same object back when nothing was over. The channels apply it where they translate a payload; the
 * pipeline applies it again before storing, for any channel that did not.
 *
 * @example
 * capInboundMessage({ ...message, text: 'x'.repeat(1_000_000) }).textOriginalLength // 1000000
 */
export function capInboundMessage(message: InboundMessage): InboundMessage {
  if (message.text.length <= STORED_TEXT_MAX_CHARS && message.question.length <= STORED_TEXT_MAX_CHARS) return message
  const text = truncateText(message.text, STORED_TEXT_MAX_CHARS)
  const cut = text.length < message.text.length
  return {
    ...message,
    text,
    question: truncateText(message.question, STORED_TEXT_MAX_CHARS),
    ...(cut && message.textOriginalLength === undefined ? { textOriginalLength: message.text.length } : {}),
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}
