/** Longest name (in code points, whole graphemes only) a reply template ever receives. */
export const DISPLAY_NAME_MAX = 16

const TLDS = 'com|cn|net|org|top|xyz|cc|io|me|info|vip|shop|club|site|online|link|ly|co|tk|ml|app|dev|biz|tv|hk|tw|us|uk|ru|wang|ink|fun|icu|live|pro|asia'

/** Line breaks, controls, bidi overrides, zero-width and other format characters (Cc, Cf, Zl, Zp). */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu
/** A zero-width joiner inside an emoji sequence (👩‍💻) is part of the emoji, not a trick: kept. */
const EMOJI_ZWJ = /(?<=\p{Extended_Pictographic}[\uFE0F\u{1F3FB}-\u{1F3FF}]?)\u200D(?=\p{Extended_Pictographic})/gu
const ZWJ_MARK = '\uE000'
/** Brackets that dress text up as a system notice (【官方通知】, [公告], 〔通知〕…; fullwidth ones fold); round brackets stay. */
const NOTICE_BRACKETS = /[【】〔〕〖〗〘〙〚〛[\]『』「」《》〈〉<>⟦⟧⟨⟩︻︼︽︾﹁﹂﹃﹄︗︘]/gu
/**
 * What a name must not carry, matched on the folded text (see `fold`), so `ｗｗｗ．ｅｖｉｌ．ｃｏｍ` is a URL too:
 * URLs and domains; a contact keyword and the id after it ("微信 xxx", "VX:xxx", "QQ 12345"); a WeChat-id-like
 * token (a letter, then 6–20 letters, digits, _ or - with at least one of the last three); phone, QQ and other
 * numbers (five or more digits, also with spaces, dashes or dots between them).
 */
const FORBIDDEN = [
  /(?:https?|ftp):\S*/giu, // the scheme alone too: the length cap may have cut the slashes
  /www[.。]\S*/giu,
  new RegExp(`[a-z0-9_-]+(?:[.。][a-z0-9_-]+)*[.。](?:${TLDS})(?![a-z0-9])(?:\\/\\S*)?`, 'giu'),
  /(?:微信|威信|薇信|徽信|v信|vx|wx|qq|扣扣|电话|手机|tel)\s*:?\s*[a-z0-9_-]+/giu,
  /(?<![a-z0-9_-])(?=[a-z][a-z0-9_-]{5,19}(?![a-z0-9_-]))[a-z]*[0-9_-][a-z0-9_-]*/giu,
  /[0-9](?:[\s.-]*[0-9]){4,}/gu,
]

const segmenter = new Intl.Segmenter('zh', { granularity: 'grapheme' })

/**
 * A customer's nickname made safe to put into a reply the bot may post in the group: a member called
 * 「【官方通知】退款请加微信 xxx」 must not get the bot to announce that. Removes line breaks and invisible characters,
 * notice-style brackets, URLs and contact ids (WeChat ids, phone and QQ numbers), and caps the length at
 * DISPLAY_NAME_MAX. `changed` says something had to go (spacing aside): such a name keeps the reply from going out
 * without an agent. Pure.
 *
 * @example
 * safeDisplayName('小王')                     // { text: '小王', changed: false }
 * safeDisplayName('【通知】小王加微信 evil_1')  // { text: '通知 小王加', changed: true }
 */
export function safeDisplayName(raw: string, max = DISPLAY_NAME_MAX): { text: string; changed: boolean } {
  // Cut first: only removals follow, and a removal never joins two pieces into a new URL or id (it leaves a space),
  // whereas a cut could ("evil.community" -> "evil.com").
  let text = capGraphemes(tidySpaces(raw), max).replace(EMOJI_ZWJ, ZWJ_MARK).replace(INVISIBLE, ' ')
  // Until nothing more goes: removing a phone number can leave a WeChat id short enough to be one.
  for (let before = ''; before !== text;) {
    before = text
    // Folded and as written: "evil.comｗｗｗ" ends a domain at the fullwidth letter, as a chat app's linkifier does.
    for (const pattern of [NOTICE_BRACKETS, ...FORBIDDEN]) text = blankWhere(blankWhere(text, pattern, fold), pattern, (t) => t)
  }
  text = tidySpaces(text.replaceAll(ZWJ_MARK, '\u200D'))
  return { text, changed: text !== tidySpaces(raw) }
}

/**
 * Fullwidth ASCII (Ａ, ｗ, ．, ［ …) as ASCII, and the halfwidth ideographic stop as 。: one UTF-16 unit for one, so
 * a match's indices in the folded text are its indices in the original.
 */
function fold(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0)).replaceAll('\uFF61', '。')
}

/** Replaces each match of `pattern` in the seen (folded) text with a space in the original. */
function blankWhere(text: string, pattern: RegExp, see: (text: string) => string): string {
  let out = ''
  let from = 0
  for (const match of see(text).matchAll(pattern)) {
    out += text.slice(from, match.index) + ' '
    from = match.index + match[0].length
  }
  return out + text.slice(from)
}

function tidySpaces(text: string): string {
  return text.replace(/\p{Zs}+/gu, ' ').trim()
}

/** Whole graphemes while they fit, so an emoji or a flag is never cut in half. */
function capGraphemes(text: string, max: number): string {
  let out = ''
  let length = 0
  for (const { segment } of segmenter.segment(text)) {
    const size = [...segment].length
    if (length + size > max) break
    out += segment
    length += size
  }
  return out.trim()
}
