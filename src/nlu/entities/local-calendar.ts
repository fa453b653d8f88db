/** A calendar day in the customers' time zone; month is 1..12. */
export interface LocalDate {
  year: number
  month: number
  day: number
}

/**
 * The calendar day `now` falls on at `utcOffsetMinutes` east of UTC. Works on UTC fields of a shifted instant, so
 * the server's own time zone never leaks in.
 *
 * @example
 * localDateAt(new Date('2026-11-23T17:00:00Z'), 480) // { year: 2026, month: 11, day: 24 }
 */
export function localDateAt(now: Date, utcOffsetMinutes: number): LocalDate {
  const shifted = new Date(now.getTime() + utcOffsetMinutes * 60_000)
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() }
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days))
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() }
}

/** Monday 1 … Sunday 7, the way 周一…周日 count. */
export function isoWeekday(date: LocalDate): number {
  const day = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay()
  return day === 0 ? 7 : day
}

export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000)
}

/** False for 2月30日 and other days a month does not have. */
export function isValidDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || month < 1 || month > 12 || day < 1) return false
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}

export function formatLocalDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`
}
