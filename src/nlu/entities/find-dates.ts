import { parseChineseNumber } from './chinese-numerals.js'
import { PRIORITY } from './entity-types.js'
import type { EntityCandidate } from './entity-types.js'
import { addDays, daysBetween, formatLocalDate, isoWeekday, isValidDate } from './local-calendar.js'
import type { LocalDate } from './local-calendar.js'

const CN_SMALL = '一二三四五六七八九十两'
const DAY_NUMBER = `\\d{1,2}|[${CN_SMALL}]{1,3}`

const RELATIVE_DAYS: Readonly<Record<string, number>> = {
  大前天: -3, 前天: -2, 昨天: -1, 昨日: -1, 昨晚: -1, 昨儿: -1, 今天: 0, 今日: 0, 今晚: 0, 今早: 0, 今儿: 0,
  明天: 1, 明日: 1, 明晚: 1, 明早: 1, 明儿: 1, 后天: 2, 大后天: 3,
}
const RELATIVE = new RegExp(Object.keys(RELATIVE_DAYS).sort((a, b) => b.length - a.length).join('|'), 'g')

/** 2026-11-23, 2026/11/23, 2026.11.23, 2026年11月23日. */
const FULL = /(?<!\d)((?:19|20)\d{2})\s*(?:年|-|\/|\.)\s*(\d{1,2})\s*(?:月|-|\/|\.)\s*(\d{1,2})\s*(?:日|号)?(?!\d)/g
/** 11月23日, 十一月二十三号, 下个月3号, 上个月3号 (a day; 上个月 alone is a period and is left alone). */
const MONTH_DAY = new RegExp(`(?<![\\d.])(?:(上个?月|下个?月|这个?月|本月)|(\\d{1,2}|[${CN_SMALL}]{1,2})\\s*月)\\s*(${DAY_NUMBER})\\s*(?:日|号)`, 'g')
/** 11-23; not 3-5天 (a range of days), 9-18点 (hours), or part of 138-1234-5678. */
const DASHED = /(?<![\d\-/.:])(\d{1,2})-(\d{1,2})(?![\d\-/.:])(?!\s*(?:天|个|周|小时|分|件|元|块|折|斤|年|月|人|次|点|%))/g
/** 23号, 3日, 二十三号: a day of a nearby month. Never right after 月: 2月30日 is invalid, not the 30th. */
const BARE_DAY = new RegExp(`(?<![\\da-z.\\-/第月])(\\d{1,2}|[${CN_SMALL}]{1,3})(号|日)(?![\\d])`, 'gi')
/** What follows a bare N号 when it is a line, a building or a size, not a day: 3号线, 5号楼, 7号电池. */
const NOT_A_DAY_AFTER = /^(?:线|楼|门|床|房|柜|窗|码|位|机|箱|厅|店|仓|口|键|色|台|桌|车|站|包|球|电池|字|人|选手|院|馆|路|街|巷|弄|单元|室|铺|档|员|件|期|种|款|样|的货)/
/** 周五, 星期三, 礼拜天, 下周一, 这周五, 上周五. */
const WEEKDAY = /(上上|下下|上|下|这|本)?个?(?:周|星期|礼拜)([一二三四五六日天1-7])(?!\d|次|末)/g
const WEEKDAY_NUMBERS: Readonly<Record<string, number>> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 }
const WEEK_SHIFT: Readonly<Record<string, number>> = { 上上: -2, 上: -1, 这: 0, 本: 0, 下: 1, 下下: 2 }

/**
 * Calendar days mentioned in `text` (already half-width), resolved against `today` in the customers' time zone.
 * Dates without a year take the nearest year, days without a month the nearest month (23号 on the 25th is two days
 * ago, 3号 on the 25th is next month): customers say both "23号下的单" and "3号能到吗". A bare weekday (周五) is
 * the next one from today, today included; 下周五 is the Friday of next week (weeks start on Monday).
 *
 * @example
 * findDates('下周一能到吗', original, { year: 2026, month: 11, day: 25 })[0]?.entity.value // '2026-11-30'
 */
export function findDates(text: string, original: string, today: LocalDate): EntityCandidate[] {
  const found: EntityCandidate[] = []
  const add = (start: number, end: number, date: LocalDate | null): void => {
    if (date === null) return
    found.push({ entity: { type: 'date', value: formatLocalDate(date), text: original.slice(start, end), start, end }, priority: PRIORITY.date })
  }

  for (const match of text.matchAll(RELATIVE)) add(match.index, match.index + match[0].length, addDays(today, RELATIVE_DAYS[match[0]] ?? 0))
  for (const match of text.matchAll(FULL)) {
    const [whole, year = '', month = '', day = ''] = match
    add(match.index, match.index + whole.length, exact(Number(year), Number(month), Number(day)))
  }
  for (const match of text.matchAll(MONTH_DAY)) {
    const [whole, relativeMonth, monthText, dayText = ''] = match
    const day = readNumber(dayText)
    const date = relativeMonth !== undefined ? inRelativeMonth(today, relativeMonth, day) : nearestMonthDay(today, readNumber(monthText ?? ''), day)
    add(match.index, match.index + whole.length, date)
  }
  for (const match of text.matchAll(DASHED)) {
    add(match.index, match.index + match[0].length, nearestMonthDay(today, Number(match[1]), Number(match[2])))
  }
  for (const match of text.matchAll(BARE_DAY)) {
    const [whole, dayText = '', marker] = match
    const end = match.index + whole.length
    if (NOT_A_DAY_AFTER.test(text.slice(end, end + 3))) continue
    // 一日三餐, 一日游: a Chinese numeral before 日 counts days; only 号 is safe there.
    if (marker === '日' && !/^\d/.test(dayText)) continue
    if (/(?:周|星期|礼拜|每月|每个月)$/.test(text.slice(Math.max(0, match.index - 3), match.index))) continue
    add(match.index, end, nearestDay(today, readNumber(dayText)))
  }
  for (const match of text.matchAll(WEEKDAY)) {
    const [whole, shift, dayText = ''] = match
    // 每周一 is a schedule and 一周一次 a frequency, not a date.
    if (shift === undefined && /[每\d一二两三四五六七八九十几]$/.test(text.slice(Math.max(0, match.index - 1), match.index))) continue
    const weekday = WEEKDAY_NUMBERS[dayText] ?? Number(dayText)
    add(match.index, match.index + whole.length, weekdayDate(today, weekday, shift))
  }
  return found
}

function readNumber(text: string): number {
  return /^\d+$/.test(text) ? Number(text) : parseChineseNumber(text) ?? Number.NaN
}

function exact(year: number, month: number, day: number): LocalDate | null {
  return isValidDate(year, month, day) ? { year, month, day } : null
}

/** Of last year, this year and next year, the one closest to today; a tie goes to the future. */
function nearestMonthDay(today: LocalDate, month: number, day: number): LocalDate | null {
  return closest(today, [today.year - 1, today.year, today.year + 1].map((year) => exact(year, month, day)))
}

function nearestDay(today: LocalDate, day: number): LocalDate | null {
  return closest(today, [-1, 0, 1].map((shift) => exact(...monthAt(today, shift), day)))
}

function inRelativeMonth(today: LocalDate, relative: string, day: number): LocalDate | null {
  const shift = relative.startsWith('上') ? -1 : relative.startsWith('下') ? 1 : 0
  return exact(...monthAt(today, shift), day)
}

function monthAt(today: LocalDate, shift: number): [number, number] {
  const index = today.year * 12 + (today.month - 1) + shift
  return [Math.floor(index / 12), (index % 12) + 1]
}

function closest(today: LocalDate, dates: (LocalDate | null)[]): LocalDate | null {
  let best: LocalDate | null = null
  let bestDistance = Number.POSITIVE_INFINITY
  for (const date of dates) {
    if (date === null) continue
    const offset = daysBetween(today, date)
    const distance = Math.abs(offset) - (offset >= 0 ? 0.5 : 0)
    if (distance < bestDistance) {
      best = date
      bestDistance = distance
    }
  }
  return best
}

function weekdayDate(today: LocalDate, weekday: number, shift: string | undefined): LocalDate | null {
  if (!(weekday >= 1 && weekday <= 7)) return null
  const current = isoWeekday(today)
  if (shift === undefined) return addDays(today, (weekday - current + 7) % 7)
  const monday = addDays(today, 1 - current)
  return addDays(monday, (WEEK_SHIFT[shift] ?? 0) * 7 + weekday - 1)
}
