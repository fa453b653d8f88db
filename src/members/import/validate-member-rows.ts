import { MEMBER_FIELDS, type MemberField, type MemberFileProblem, type ParsedMemberFile, type RawMemberRecord } from './parse-member-file.js'

/** One member's CRM facts, checked and converted, with where they came from in the file. */
export interface MemberAttributeInput {
  /** CSV: the line where the record starts; JSON: 0 (see index). */
  line: number
  /** JSON: 1-based position in the list. */
  index?: number
  /** The id matched against group_members.member_id: member_id, else external_userid; null for phone-only rows. */
  memberId: string | null
  /** Which column gave the key (what the reports show). */
  keyField: 'member_id' | 'external_userid' | 'phone'
  externalId: string | null
  /** Digits only (a leading + kept). Never written anywhere: it only says why the row cannot be matched yet. */
  phone: string | null
  monthlySpend: number | null
  totalSpend: number | null
  orders: number | null
  returns: number | null
  /** ISO-8601 UTC. */
  lastPurchaseAt: string | null
}

export interface ValidatedMemberRows {
  rows: MemberAttributeInput[]
  /** One per mistake, in file order; any problem means nothing is imported. */
  problems: MemberFileProblem[]
}

export const MAX_ID_LENGTH = 256

/**
 * Checks every record and converts it: amounts finite and >= 0 (no thousands separators), orders/returns whole,
 * returns <= orders, dates valid and not in the future, a key on every row and no key twice. Every problem of
 * every row is reported, with the line and a fix. Pure: `now` and the UTC offset are passed in.
 * Dates: `2026-11-01` (also `2026/11/1`) is 00:00 at `utcOffsetMinutes` (480 = UTC+8), so is a timestamp
 * without a zone (`2026-11-01 14:30`); `2026-11-01T14:30:00Z` / `+08:00` are taken as written.
 *
 * @example
 * const { rows, problems } = validateMemberRows(parseMemberFile('crm.csv', bytes), { now: new Date() })
 * rows[0] // { line: 2, memberId: 'wxid_a', keyField: 'member_id', monthlySpend: 120.5, lastPurchaseAt: '2026-10-31T16:00:00.000Z', ... }
 */
export function validateMemberRows(
  parsed: Pick<ParsedMemberFile, 'file' | 'records' | 'labels'>,
  options: { now: Date; utcOffsetMinutes?: number },
): ValidatedMemberRows {
  const offset = options.utcOffsetMinutes ?? 480
  const rows: MemberAttributeInput[] = []
  const problems: MemberFileProblem[] = []
  const seen = new Map<string, RawMemberRecord>()
  // Valid date text -> ISO: a CRM export repeats the same few hundred days across many rows.
  const dates = new Map<string, string>()
  // Columns as the file names them (`订单数 (orders)`), for messages.
  const labels = Object.fromEntries(MEMBER_FIELDS.map((field) => {
    const name = parsed.labels[field] ?? field
    return [field, name.toLowerCase() === field ? field : `${name} (${field})`]
  })) as Record<MemberField, string>

  for (const record of parsed.records) {
    const before = problems.length
    const problem = (message: string, hint: string) =>
      problems.push({ file: parsed.file, line: record.line, ...(record.index !== undefined ? { index: record.index } : {}), message, hint })
    const v = record.values

    const id = readId(v.member_id, labels.member_id, problem)
    const externalId = readId(v.external_userid, labels.external_userid, problem)
    const phone = readPhone(v.phone, labels.phone, problem)
    const monthlySpend = readNumber(v.monthly_spend, labels.monthly_spend, false, problem)
    const totalSpend = readNumber(v.total_spend, labels.total_spend, false, problem)
    const orders = readNumber(v.orders, labels.orders, true, problem)
    const returns = readNumber(v.returns, labels.returns, true, problem)
    const lastPurchaseAt = readDate(v.last_purchase, labels.last_purchase, offset, options.now, problem, dates)
    if (orders !== null && returns !== null && returns > orders) {
      problem(`returns (${returns}) is more than orders (${orders})`, 'returns counts returned orders, so it cannot exceed orders; check the two columns')
    }

    const memberId = id ?? externalId
    const keyField = id !== null ? 'member_id' : externalId !== null ? 'external_userid' : 'phone'
    if (memberId === null && phone === null && problems.length === before) {
      problem('no member_id, external_userid or phone', 'every row needs one of them to know who it is about')
    }
    const key = memberId !== null ? `id:${memberId}` : phone !== null ? `phone:${phone}` : undefined
    if (key !== undefined) {
      const first = seen.get(key)
      if (first) {
        const shown = memberId !== null ? `${keyField} ${quote(memberId)}` : `phone ${maskPhone(phone!)}`
        problem(`${shown} is already on ${first.index !== undefined ? `#${first.index}` : `line ${first.line}`}`, 'keep one row per member')
      } else {
        seen.set(key, record)
      }
    }
    if (problems.length > before) continue
    rows.push({
      line: record.line,
      ...(record.index !== undefined ? { index: record.index } : {}),
      memberId, keyField, externalId, phone, monthlySpend, totalSpend, orders, returns, lastPurchaseAt,
    })
  }
  return { rows, problems }
}

type Report = (message: string, hint: string) => void

/** Values shown in messages: quoted (control characters visible) and cut short (a huge cell stays one line). */
export function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
}

/** `13800138000` -> `138****8000`: phone numbers are personal data, reports show only enough to find the row. */
export function maskPhone(phone: string): string {
  return phone.length > 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : `****${phone.slice(-2)}`
}

const blank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '')

function readId(value: unknown, label: string, problem: Report): string | null {
  if (blank(value)) return null
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value)
  if (typeof value !== 'string') {
    problem(`${label} must be text, not ${describe(value)}`, 'write the id as it appears in QunDesk, e.g. "wxid_abc123"')
    return null
  }
  const id = value.trim()
  if (id.length > MAX_ID_LENGTH) {
    problem(`${label} is ${id.length} characters long`, `ids are at most ${MAX_ID_LENGTH} characters; check that the column holds ids`)
    return null
  }
  if (/[\u0000-\u001f\u007f]/.test(id)) {
    problem(`${label} ${quote(id)} contains control characters`, 'remove line breaks, tabs and NUL bytes from the id')
    return null
  }
  return id
}

function readPhone(value: unknown, label: string, problem: Report): string | null {
  if (blank(value)) return null
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' ? value.trim() : undefined
  const phone = text?.replace(/[\s-]/g, '')
  if (phone === undefined || !/^\+?\d{5,20}$/.test(phone)) {
    problem(`${label} is not a phone number`, 'write digits only, e.g. 13800138000 (+ and country code allowed)')
    return null
  }
  return phone
}

function readNumber(value: unknown, label: string, whole: boolean, problem: Report): number | null {
  if (blank(value)) return null
  let n: number
  if (typeof value === 'number') {
    n = value
  } else if (typeof value === 'string') {
    const text = value.trim()
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
      if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) problem(`${label} ${quote(text)} has a thousands separator`, `write ${text.replace(/,/g, '')} (in CSV a comma starts a new column)`)
      else problem(`${label} ${quote(text)} is not a number`, whole ? 'write a whole number, e.g. 3' : 'write digits only, e.g. 1234.50 (no ¥, 元, spaces or thousands separators)')
      return null
    }
    n = Number(text)
  } else {
    problem(`${label} must be a number, not ${describe(value)}`, whole ? 'write a whole number, e.g. 3' : 'write a number, e.g. 1234.5')
    return null
  }
  if (!Number.isFinite(n) || (whole && !Number.isSafeInteger(Math.trunc(n)))) {
    problem(`${label} ${quote(String(value))} is too large`, 'check the value')
    return null
  }
  if (n < 0) {
    problem(`${label} ${quote(String(value))} is negative`, whole ? 'counts are 0 or more' : 'amounts are 0 or more; leave the cell empty when unknown')
    return null
  }
  if (whole && !Number.isInteger(n)) {
    problem(`${label} ${quote(String(value))} is not a whole number`, `write a whole number, e.g. ${Math.round(n)}`)
    return null
  }
  return n === 0 ? 0 : n // no -0
}

const DATE = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i
const DATE_HINT = 'write a date like 2026-11-01 or a timestamp like 2026-11-01T14:30:00+08:00 (Excel: set the column format to yyyy-mm-dd before saving)'

function readDate(value: unknown, label: string, utcOffsetMinutes: number, now: Date, problem: Report, cache: Map<string, string>): string | null {
  if (blank(value)) return null
  if (typeof value !== 'string') {
    problem(`${label} must be a date written as text, not ${describe(value)}`, DATE_HINT)
    return null
  }
  const text = value.trim()
  const known = cache.get(text)
  if (known !== undefined) return known
  const m = DATE.exec(text)
  if (!m) {
    problem(`${label} ${quote(text)} is not a date`, DATE_HINT)
    return null
  }
  const [year, month, day, hour, minute, second] = [m[1], m[3], m[4], m[5], m[6], m[7]].map((s) => Number(s ?? 0)) as [number, number, number, number, number, number]
  const millis = Math.floor(Number(`0.${m[8] ?? '0'}`) * 1000)
  const zone = m[9]
  const offset = zone === undefined ? utcOffsetMinutes : zone.toUpperCase() === 'Z' ? 0 : zoneMinutes(zone)
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis)
  const check = new Date(local)
  if (
    year < 1900 || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59 ||
    Math.abs(offset) > 14 * 60
  ) {
    problem(`${label} ${quote(text)} is not a valid date`, 'check the month, day and time')
    return null
  }
  const at = local - offset * 60_000
  if (at > now.getTime()) {
    problem(`${label} ${quote(text)} is in the future`, 'the last purchase cannot be later than now; check the year and the column')
    return null
  }
  const iso = new Date(at).toISOString()
  cache.set(text, iso)
  return iso
}

function zoneMinutes(zone: string): number {
  const digits = zone.replace(':', '')
  const sign = digits.startsWith('-') ? -1 : 1
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)))
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (value === null) return 'null'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}
