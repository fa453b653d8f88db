const DIGITS: Readonly<Record<string, number>> = {
  零: 0, 〇: 0, 一: 1, 壹: 1, 二: 2, 贰: 2, 两: 2, 三: 3, 叁: 3, 四: 4, 肆: 4, 五: 5, 伍: 5, 六: 6, 陆: 6, 七: 7, 柒: 7, 八: 8, 捌: 8, 九: 9, 玖: 9,
}
const SMALL_UNITS: Readonly<Record<string, number>> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000 }
const BIG_UNITS: Readonly<Record<string, number>> = { 万: 1e4, 萬: 1e4, 亿: 1e8 }

/** Every character parseChineseNumber understands, for building regular expressions around it. */
export const CHINESE_NUMERAL_CHARS = `${Object.keys(DIGITS).join('')}${Object.keys(SMALL_UNITS).join('')}${Object.keys(BIG_UNITS).join('')}点`

/**
 * Reads a Chinese numeral the way people write prices and dates: 一百 100, 两千五 2500 (a trailing digit takes the next
 * unit down), 一万五 15000, 三百零五 305, 十五 15, 三点五万 35000, 一五零 150 (digit by digit), financial 壹佰 100.
 * Returns null for anything that is not a well-formed number (二三十 is a range, not a number).
 *
 * @example
 * parseChineseNumber('两千五') // 2500
 */
export function parseChineseNumber(text: string): number | null {
  if (text.length === 0) return null
  const parts = text.split('点')
  if (parts.length > 2) return null
  const [integerText = '', fractionText] = parts
  if (fractionText === undefined) return parseInteger(integerText)

  // 三点五万: the big unit after the fraction scales the whole number.
  const scaleChar = fractionText.at(-1) ?? ''
  const scale = BIG_UNITS[scaleChar] ?? 1
  const digits = scale === 1 ? fractionText : fractionText.slice(0, -1)
  if (digits.length === 0 || [...digits].some((c) => DIGITS[c] === undefined)) return null
  const whole = integerText.length === 0 ? 0 : parseInteger(integerText)
  if (whole === null) return null
  const fraction = Number(`0.${[...digits].map((c) => DIGITS[c]).join('')}`)
  return (whole + fraction) * scale
}

function parseInteger(text: string): number | null {
  const chars = [...text]
  if (chars.length > 1 && chars.every((c) => DIGITS[c] !== undefined)) return Number(chars.map((c) => DIGITS[c]).join(''))
  let total = 0
  let section = 0
  let pending: number | null = null
  let lastUnit = 0
  let zeroSinceUnit = false
  for (const c of chars) {
    const digit = DIGITS[c]
    const small = SMALL_UNITS[c]
    const big = BIG_UNITS[c]
    if (digit !== undefined) {
      if (pending !== null) return null
      if (digit === 0) zeroSinceUnit = true
      else pending = digit
    } else if (small !== undefined) {
      section += (pending ?? 1) * small
      pending = null
      lastUnit = small
      zeroSinceUnit = false
    } else if (big !== undefined) {
      section += pending ?? 0
      if (section === 0 && total === 0) section = 1 // 万元 on its own is ten thousand
      total = big === 1e8 ? (total + section) * big : total + section * big
      section = 0
      pending = null
      lastUnit = big
      zeroSinceUnit = false
    } else {
      return null
    }
  }
  if (pending !== null) section += lastUnit >= 10 && !zeroSinceUnit ? (pending * lastUnit) / 10 : pending
  return total + section
}
