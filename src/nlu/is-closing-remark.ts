import { toSimplified } from './to-simplified.js'

/**
 * What customers say to close a conversation: thanks, acknowledgement, agreement, a thumbs-up. Written simplified and
 * lower case; a message counts as closing when it is nothing but these (in any order, repeated) and punctuation.
 * Longest first so 好的 is read whole, not as 好 + 的.
 */
const CLOSING_WORDS: readonly string[] = [
  '好的', '好滴', '好嘞', '好哒', '好吧', '好', '行的', '行吧', '行', '可以了', '可以', '收到', '收到了', '了解', '了解了',
  '知道了', '知道啦', '明白了', '明白', '懂了', 'get', '嗯嗯', '嗯', '恩恩', '恩', '哦哦', '哦', '噢', '喔', '对的', '对',
  '是的', '谢谢', '谢谢你', '谢谢你们', '谢谢啦', '谢啦', '谢了', '多谢', '感谢', '非常感谢', '辛苦了', '辛苦啦', '辛苦', '麻烦了', '麻烦你了',
  '没事了', '没问题', '不用了', 'ok', 'okay', 'okk', 'okok', 'thanks', 'thank you', 'thankyou', 'thx', 'ty', '3q', 'roger', '拜拜', '再见',
  '亲', '哈哈', '哈', '啦', '了', '啊', '呀', '哒', '的', '滴', '么么哒', '比心',
  '👍', '👌', '🙏', '🤝', '😊', '🙂', '😄', '😁', '🌹', '❤', '💕', '✌', '✅',
  '[ok]', '[强]', '[抱拳]', '[握手]', '[玫瑰]', '[爱心]', '[愉快]', '[微笑]', '[耶]', '[好的]', '[胜利]', '[庆祝]', '[合十]', '[嘿哈]', '[奸笑]',
].sort((a, b) => b.length - a.length)

/** Dropped before the check: spaces, punctuation, emoji variation selectors and skin tones, the @ of a mention. */
const FILLER = /[\p{Z}\p{P}\s~～^＾\u200b-\u200f\u2060\ufe0f\u{1f3fb}-\u{1f3ff}]+/gu

/** A message this long is not "好的谢谢". */
const MAX_CLOSING_CHARS = 40

/**
 * True when a message says nothing but thanks / OK / got it (好的, 收到, 谢谢, 👍, ok, 嗯嗯, 知道了, 謝謝 …): a
 * closing remark, not a question, so it should not become an unanswered item or count as a miss. Pure.
 *
 * @example
 * isClosingRemark('好的谢谢👍')      // true
 * isClosingRemark('收到，那什么时候发货') // false
 */
export function isClosingRemark(text: string): boolean {
  if (typeof text !== 'string' || text.length > MAX_CLOSING_CHARS * 4) return false
  const compact = toSimplified(text.normalize('NFKC').toLowerCase()).replace(/[[\]【】]/g, (b) => (b === '【' ? '[' : b === '】' ? ']' : b))
  // Bracket faces keep their brackets; everything else that is punctuation goes.
  const parts = compact.split(/(\[[^\][]{1,6}\])/u)
  let rest = ''
  for (const part of parts) rest += part.startsWith('[') && part.endsWith(']') ? part : part.replace(FILLER, '')
  if (rest.length === 0 || rest.length > MAX_CLOSING_CHARS) return false
  return coversWithClosingWords(rest)
}

/** Whether `text` is a sequence of CLOSING_WORDS (a small DP over positions). */
function coversWithClosingWords(text: string): boolean {
  const reachable = new Array<boolean>(text.length + 1).fill(false)
  reachable[0] = true
  for (let i = 0; i < text.length; i++) {
    if (!reachable[i]) continue
    for (const word of CLOSING_WORDS) if (text.startsWith(word, i)) reachable[i + word.length] = true
  }
  return reachable[text.length]!
}
