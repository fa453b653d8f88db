import { QunDeskError } from '../core/errors.js'

/** Longer ranges are refused: a quarter is what the page charts usefully, and it bounds the rows fetched. */
export const MAX_RANGE_DAYS = 92

const DAY_MS = 86_400_000
const MINUTE_MS = 60_000
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/

/**
 * The calendar day (`YYYY-MM-DD`) an instant falls on at a UTC offset in minutes east of UTC.
 *
 * @example
 * dayOf('2026-11-23T15:59:59.999Z', 480)   // '2026-11-23'
 * dayOf('2026-11-23T16:00:00.000Z', 480)   // '2026-11-24' (midnight in China)
 */
export function dayOf(instant: string | Date, utcOffsetMinutes: number): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime()
  return new Date(ms + utcOffsetMinutes * MINUTE_MS).toISOString().slice(0, 10)
}

/** The UTC instant (ISO-8601, as stored) at which `day` begins at the offset. */
export function dayStartIso(day: string, utcOffsetMinutes: number): string {
  return new Date(parseDay(day) - utcOffsetMinutes * MINUTE_MS).toISOString()
}

/** `day` plus `n` calendar days (n may be negative). */
export function addDays(day: string, n: number): string {
  return new Date(parseDay(day) + n * DAY_MS).toISOString().slice(0, 10)
}

/** Every day from `from` to `to` inclusive, oldest first. */
export function listDays(from: string, to: string): string[] {
  const days: string[] = []
  for (let ms = parseDay(from), end = parseDay(to); ms <= end; ms += DAY_MS) days.push(new Date(ms).toISOString().slice(0, 10))
  return days
}

/**
 * Checks a range and turns it into the half-open UTC interval `[fromIso, toIso)` to query. Throws
 * `bad_request` with a message the page can show as is.
 *
 * @example
 * toUtcInterval({ from: '2026-11-23', to: '2026-11-23' }, 480)
 * // { fromIso: '2026-11-22T16:00:00.000Z', toIso: '2026-11-23T16:00:00.000Z', days: ['2026-11-23'] }
 */
export function toUtcInterval(range: { from: string; to: string }, utcOffsetMinutes: number): { fromIso: string; toIso: string; days: string[] } {
  for (const [name, value] of [['from', range.from], ['to', range.to]] as const) {
    if (!isDay(value)) throw new QunDeskError('bad_request', `日期 ${name}="${value}" 无效，请使用 YYYY-MM-DD 格式的真实日期`, { [name]: value })
  }
  if (range.from > range.to) {
    throw new QunDeskError('bad_request', `开始日期 ${range.from} 晚于结束日期 ${range.to}，请交换两个日期`, { from: range.from, to: range.to })
  }
  const count = (parseDay(range.to) - parseDay(range.from)) / DAY_MS + 1
  if (count > MAX_RANGE_DAYS) {
    throw new QunDeskError('bad_request', `报表范围最多 ${MAX_RANGE_DAYS} 天，当前为 ${count} 天（${range.from} 至 ${range.to}），请缩小范围`, { from: range.from, to: range.to, days: count })
  }
  return {
    fromIso: dayStartIso(range.from, utcOffsetMinutes),
    toIso: dayStartIso(addDays(range.to, 1), utcOffsetMinutes),
    days: listDays(range.from, range.to),
  }
}

/** True for a real calendar date: '2026-02-30' matches the pattern but is not one. */
export function isDay(value: string): boolean {
  const match = DAY_PATTERN.exec(value)
  if (!match) return false
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
  return new Date(ms).toISOString().slice(0, 10) === value
}

/** Midnight UTC of a `YYYY-MM-DD` day, in ms. Only called on checked days. */
function parseDay(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`)
}
