import { describeValue, MEMBER_FIELDS, type MemberField, type MemberFileProblem, type ParsedMemberFile, type RawMemberRecord } from './parse-member-file.js'

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
  // Columns as the file names them (`订单数（orders）`), for messages.
  const labels = Object.fromEntries(MEMBER_FIELDS.map((field) => {
    const name = parsed.labels[field] ?? field
    return [field, name.toLowerCase() === field ? field : `${name}（${field}）`]
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
      problem(`returns（${returns}）大于 orders（${orders}）`, 'returns 是退货的订单数，不能超过 orders；请核对这两列')
    }

    const memberId = id ?? externalId
    const keyField = id !== null ? 'member_id' : externalId !== null ? 'external_userid' : 'phone'
    if (memberId === null && phone === null && problems.length === before) {
      problem('没有 member_id、external_userid 或 phone', '每行至少要填其中一项，才知道这行是哪位成员')
    }
    const key = memberId !== null ? `id:${memberId}` : phone !== null ? `phone:${phone}` : undefined
    if (key !== undefined) {
      const first = seen.get(key)
      if (first) {
        const shown = memberId !== null ? `${keyField} ${quote(memberId)}` : `phone ${maskPhone(phone!)}`
        problem(`${shown} 已出现在${first.index !== undefined ? ` #${first.index}` : `第 ${first.line} 行`}`, '每位成员只保留一行')
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
    problem(`${label} 必须是文本，不能是${describeValue(value)}`, '按 QunDesk 里显示的 ID 填写，如 "wxid_abc123"')
    return null
  }
  const id = value.trim()
  if (id.length > MAX_ID_LENGTH) {
    problem(`${label} 长达 ${id.length} 个字符`, `ID 最多 ${MAX_ID_LENGTH} 个字符；请确认这一列填的是 ID`)
    return null
  }
  if (/[\u0000-\u001f\u007f]/.test(id)) {
    problem(`${label} ${quote(id)} 含有控制字符`, '删掉 ID 里的换行、制表符和 NUL 字节')
    return null
  }
  return id
}

function readPhone(value: unknown, label: string, problem: Report): string | null {
  if (blank(value)) return null
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' ? value.trim() : undefined
  const phone = text?.replace(/[\s-]/g, '')
  if (phone === undefined || !/^\+?\d{5,20}$/.test(phone)) {
    problem(`${label} 不是手机号`, '只写数字，如 13800138000（可以带 + 和国家代码）')
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
      if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) problem(`${label} ${quote(text)} 带千分位逗号`, `写成 ${text.replace(/,/g, '')}（CSV 里逗号会分出新的一列）`)
      else problem(`${label} ${quote(text)} 不是数字`, whole ? '写整数，如 3' : '只写数字，如 1234.50（不要 ¥、元、空格或千分位逗号）')
      return null
    }
    n = Number(text)
  } else {
    problem(`${label} 必须是数字，不能是${describeValue(value)}`, whole ? '写整数，如 3' : '写数字，如 1234.5')
    return null
  }
  if (!Number.isFinite(n) || (whole && !Number.isSafeInteger(Math.trunc(n)))) {
    problem(`${label} ${quote(String(value))} 太大`, '请核对这个值')
    return null
  }
  if (n < 0) {
    problem(`${label} ${quote(String(value))} 是负数`, whole ? '数量不能小于 0' : '金额不能小于 0；不知道时留空')
    return null
  }
  if (whole && !Number.isInteger(n)) {
    problem(`${label} ${quote(String(value))} 不是整数`, `写整数，如 ${Math.round(n)}`)
    return null
  }
  return n === 0 ? 0 : n // no -0
}

const DATE = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i
const DATE_HINT = '日期写成 2026-11-01，或带时间写成 2026-11-01T14:30:00+08:00（Excel：保存前把这一列的格式设为 yyyy-mm-dd）'

function readDate(value: unknown, label: string, utcOffsetMinutes: number, now: Date, problem: Report, cache: Map<string, string>): string | null {
  if (blank(value)) return null
  if (typeof value !== 'string') {
    problem(`${label} 必须是文本形式的日期，不能是${describeValue(value)}`, DATE_HINT)
    return null
  }
  const text = value.trim()
  const known = cache.get(text)
  if (known !== undefined) return known
  const m = DATE.exec(text)
  if (!m) {
    problem(`${label} ${quote(text)} 不是日期`, DATE_HINT)
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
    problem(`${label} ${quote(text)} 不是有效的日期`, '请核对月、日和时间')
    return null
  }
  const at = local - offset * 60_000
  if (at > now.getTime()) {
    problem(`${label} ${quote(text)} 晚于现在`, '最近购买时间不能晚于现在；请核对年份和这一列')
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
