import { CHINESE_NUMERAL_CHARS, parseChineseNumber } from './chinese-numerals.js'
import { PRIORITY } from './entity-types.js'
import type { EntityCandidate } from './entity-types.js'

const MULTIPLIERS: Readonly<Record<string, number>> = { 万: 1e4, w: 1e4, 千: 1e3, k: 1e3, 百: 100 }
const JIAO_DIGITS = '一二三四五六七八九'

/** ¥99.5, ￥ 1.2万, rmb 300 — the currency comes first. */
const PREFIXED = /(?:¥|rmb|人民币)\s?(\d+(?:\.\d+)?)(?:\s?(万|千|k|w)(?![a-z]))?/gi
/** 99元, 99.5块, 3千块钱, 3块5, 3块5毛 — the currency word is what makes a number an amount ("退了 200" is not one). */
const DIGITS_WITH_UNIT = new RegExp(
  `(?<![\\d.])(\\d+(?:\\.\\d+)?)\\s?(万|千|百|k|w)?\\s?(块钱|元钱|元|块|圆)(?:([\\d${JIAO_DIGITS}])(毛|角)?(?![\\d]))?`,
  'gi',
)
/** 3万, 1.2k, 5w: shorthand that only ever means money in a shop chat, unless a measure word follows (3万件, 4k屏). */
const DIGITS_SHORTHAND = /(?<![\d.a-z])(\d+(?:\.\d+)?)\s?(万|k|w)(?![a-z])/gi
const NOT_MONEY_AFTER_SHORTHAND = /^(?:个|件|人|次|条|份|步|台|辆|单|粉|张|斤|克|吨|米|公里|平|字|屏|电视|视频|分辨率|高清|显示|像素|小时|分钟|公斤)/
/** 一百块, 两千元, 五十块钱, 三块五. */
const CHINESE_WITH_UNIT = new RegExp(`([${CHINESE_NUMERAL_CHARS}]+)(块钱|元钱|元|块|圆)(?:([${JIAO_DIGITS}])(毛|角)?)?`, 'g')

/** Han characters that may follow 块 when it means yuan (五十块了, 一百块的); any other Han noun makes it a piece (两块蛋糕). */
const PARTICLES_AFTER_KUAI = new Set([...'钱了啊吧呢吗嘛的啦呀哦哈多左就都还也而以给到退呗'])
/** 元旦, 元宵, 元器件: 元 that is not money. */
const NOT_MONEY_AFTER_YUAN = new Set([...'旦宵素器件老气帅'])

/**
 * Sums of money, in yuan, in `text` (already half-width). A bare number is never an amount: it needs ¥/元/块, or the
 * 万/k/w shorthand.
 *
 * @example
 * findAmounts('退我五十块钱，不是 1.2k', original).map((c) => c.entity.value) // [50, 1200]
 */
export function findAmounts(text: string, original: string): EntityCandidate[] {
  const found: EntityCandidate[] = []
  const add = (start: number, end: number, value: number | null): void => {
    if (value === null || !Number.isFinite(value) || value <= 0 || value > 1e10) return
    found.push({ entity: { type: 'amount', value: Math.round(value * 100) / 100, text: original.slice(start, end), start, end }, priority: PRIORITY.amount })
  }

  for (const match of text.matchAll(PREFIXED)) {
    add(match.index, match.index + match[0].length, Number(match[1]) * multiplier(match[2]))
  }
  for (const match of text.matchAll(DIGITS_WITH_UNIT)) {
    const [whole, number = '', unit, currency = '', jiao, jiaoUnit] = match
    const { end, jiaoDigit } = trimJiao(text, match.index + whole.length, currency, jiao, jiaoUnit)
    if (!isMoneyWord(currency, text, end, jiaoDigit !== undefined, false)) continue
    add(match.index, end, Number(number) * multiplier(unit) + jiaoValue(jiaoDigit))
  }
  for (const match of text.matchAll(DIGITS_SHORTHAND)) {
    const end = match.index + match[0].length
    if (NOT_MONEY_AFTER_SHORTHAND.test(text.slice(end, end + 3))) continue
    add(match.index, end, Number(match[1]) * multiplier(match[2]))
  }
  for (const match of text.matchAll(CHINESE_WITH_UNIT)) {
    const [whole, numeral = '', currency = '', jiao, jiaoUnit] = match
    const { end, jiaoDigit } = trimJiao(text, match.index + whole.length, currency, jiao, jiaoUnit)
    if (!isMoneyWord(currency, text, end, jiaoDigit !== undefined, true)) continue
    const value = parseChineseNumber(numeral)
    add(match.index, end, value === null ? null : value + jiaoValue(jiaoDigit))
  }
  return found
}

function multiplier(unit: string | undefined): number {
  return unit === undefined ? 1 : MULTIPLIERS[unit.toLowerCase()] ?? 1
}

/**
 * 三块五 / 3块5 is 3.5 yuan, but 99元2件 is "2 for 99" and 10块3个 is "3 for 10": a digit after the currency is only
 * tenths after 块, and only when 毛/角, punctuation, a particle or the end follows it.
 */
function trimJiao(text: string, end: number, currency: string, jiao: string | undefined, jiaoUnit: string | undefined): { end: number; jiaoDigit?: string } {
  if (jiao === undefined) return { end }
  const withoutJiao = end - jiao.length - (jiaoUnit?.length ?? 0)
  if (currency !== '块') return { end: withoutJiao }
  if (jiaoUnit !== undefined) return { end, jiaoDigit: jiao }
  const next = text[end] ?? ''
  return next === '' || !/\p{Script=Han}/u.test(next) || PARTICLES_AFTER_KUAI.has(next) ? { end, jiaoDigit: jiao } : { end: withoutJiao }
}

function jiaoValue(jiao: string | undefined): number {
  if (jiao === undefined) return 0
  const digit = /\d/.test(jiao) ? Number(jiao) : JIAO_DIGITS.indexOf(jiao) + 1
  return digit / 10
}

/**
 * 块 after a Chinese numeral is also the measure word for pieces (两块蛋糕, 一块儿), so it only counts as yuan when
 * followed by a particle, punctuation or the end. After Arabic digits (99块包邮) it is money unless 儿 follows.
 */
function isMoneyWord(currency: string, text: string, end: number, hasJiao: boolean, chineseNumeral: boolean): boolean {
  const next = text[end] ?? ''
  if (currency === '元' || currency === '圆') return !NOT_MONEY_AFTER_YUAN.has(next)
  if (currency !== '块' || hasJiao) return true
  if (next === '儿') return false
  if (!chineseNumeral) return true
  return next === '' || !/\p{Script=Han}/u.test(next) || PARTICLES_AFTER_KUAI.has(next)
}
