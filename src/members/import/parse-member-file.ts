import { didYouMean } from '../../core/did-you-mean.js'
import { formatProblem, type FileProblem } from '../../core/file-problem.js'

/** The columns a CRM file may have: keys first, then attributes. */
export const MEMBER_FIELDS = ['member_id', 'external_userid', 'phone', 'monthly_spend', 'total_spend', 'orders', 'returns', 'last_purchase'] as const
export type MemberField = (typeof MEMBER_FIELDS)[number]

/** Header names, compared lower-cased and trimmed. The Chinese names are what CRM exports and Excel sheets use. */
const ALIASES: Record<MemberField, readonly string[]> = {
  member_id: ['member_id', '会员id', '成员id'],
  external_userid: ['external_userid', '企业微信外部联系人id'],
  phone: ['phone', '手机号'],
  monthly_spend: ['monthly_spend', '月消费'],
  total_spend: ['total_spend', '累计消费'],
  orders: ['orders', '订单数'],
  returns: ['returns', '退货数'],
  last_purchase: ['last_purchase', '最近购买'],
}
const FIELD_BY_NAME = new Map<string, MemberField>(MEMBER_FIELDS.flatMap((field) => ALIASES[field].map((name) => [name, field] as const)))
const KNOWN_NAMES = [...FIELD_BY_NAME.keys()]

/** The columns, as listed in hints: `member_id (会员ID/成员ID), ...`. */
export const KNOWN_COLUMNS_HINT = MEMBER_FIELDS.map((f) => `${f} (${ALIASES[f].slice(1).map((a) => a.replace(/id$/, 'ID')).join('/')})`).join(', ')

/**
 * A problem in a member file. CSV problems carry the physical line of the record's start; JSON problems carry
 * the 1-based index of the object in the array (`line` is then 0), printed as `FILE:#index`.
 */
export interface MemberFileProblem extends FileProblem {
  index?: number
}

/**
 * `FILE:LINE: message — hint`, or `FILE:#index: message — hint` for JSON records (the shared `formatProblem` style).
 *
 * @example
 * formatMemberFileProblem({ file: 'crm.csv', line: 7, message: 'orders "2.5" is not a whole number', hint: 'write 2' })
 * // 'crm.csv:7: orders "2.5" is not a whole number — write 2'
 */
export function formatMemberFileProblem(p: MemberFileProblem): string {
  return formatProblem(p.index !== undefined ? { ...p, file: `${p.file}:#${p.index}`, line: 0 } : p)
}

/** One record of the file, before validation: CSV cells are strings, JSON values are whatever the file holds. */
export interface RawMemberRecord {
  /** CSV: physical line where the record starts. JSON: 0. */
  line: number
  /** JSON: 1-based position in the array. */
  index?: number
  values: Partial<Record<MemberField, unknown>>
}

export interface ParsedMemberFile {
  file: string
  format: MemberFileFormat
  /** Known columns present in the file: only these are written on re-import (an absent column keeps its values). */
  fields: MemberField[]
  /** How each present column is named in the file (`月消费`), for messages. */
  labels: Partial<Record<MemberField, string>>
  records: RawMemberRecord[]
  /** Any problem means nothing is imported. */
  problems: MemberFileProblem[]
  /** Unknown columns and the like: reported, not fatal. */
  warnings: MemberFileProblem[]
}

export type MemberFileFormat = 'csv' | 'json'

/** `.csv` or `.json` by extension (case-insensitive); undefined for anything else. */
export function memberFileFormat(file: string): MemberFileFormat | undefined {
  const match = /\.(csv|json)$/i.exec(file)
  return match ? (match[1]!.toLowerCase() as MemberFileFormat) : undefined
}

const SAVE_AS_UTF8 = 're-save the file as UTF-8 (Excel: 另存为 → "CSV UTF-8（逗号分隔）"; WPS: 另存为 CSV 并选择 UTF-8 编码)'

/**
 * Bytes of a CRM export -> raw records with `file:line` positions, plus every problem found. Pure: no I/O.
 * UTF-8 only (a BOM is fine); CSV is RFC 4180 (header row, commas, `"` quoting with `""` escapes and quoted line
 * breaks; CRLF, LF or CR line ends); JSON is an array of objects or `{"members": [...]}`.
 *
 * @example
 * const parsed = parseMemberFile('crm.csv', fs.readFileSync('crm.csv'))
 * parsed.records[0] // { line: 2, values: { member_id: 'wxid_a', monthly_spend: '120.5' } }
 */
export function parseMemberFile(file: string, bytes: Uint8Array, format: MemberFileFormat | undefined = memberFileFormat(file)): ParsedMemberFile {
  const result: ParsedMemberFile = { file, format: format ?? 'csv', fields: [], labels: {}, records: [], problems: [], warnings: [] }
  const fail = (line: number, message: string, hint: string) => {
    result.problems.push({ file, line, message, hint })
    return result
  }
  if (!format) return fail(0, 'unsupported file type', 'use a .csv or .json file')

  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    const bad = firstInvalidUtf8(bytes)
    return fail(bad.line, `the file is not valid UTF-8 (byte 0x${bad.byte.toString(16).toUpperCase().padStart(2, '0')}; GBK/ANSI exports look like this)`, SAVE_AS_UTF8)
  }
  // TextDecoder drops one leading BOM; a second one (a BOM written twice) is dropped here too.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  if (text.trim() === '') return fail(0, 'the file is empty', format === 'csv' ? `add a header row (e.g. member_id,monthly_spend,total_spend,orders,returns,last_purchase) and one row per member` : 'write an array of objects, e.g. [{"member_id": "wxid_a", "orders": 3}]')
  return format === 'csv' ? readCsv(text, result) : readJson(text, result)
}

function readCsv(text: string, result: ParsedMemberFile): ParsedMemberFile {
  const { records, problems } = parseCsv(text)
  for (const p of problems) result.problems.push({ file: result.file, ...p })
  const [header, ...rows] = records
  if (!header) return result
  const columns = readHeader(header.fields, header.line, result)
  if (!columns) return result
  if (rows.length === 0 && result.problems.length === 0) {
    result.problems.push({ file: result.file, line: header.line, message: 'the file has a header but no rows', hint: 'add one row per member below the header' })
    return result
  }
  for (const row of rows) {
    if (row.fields.length !== columns.length) {
      result.problems.push({
        file: result.file,
        line: row.line,
        message: `the row has ${row.fields.length} cells, the header has ${columns.length}`,
        hint: 'quote cells that contain commas ("a,b"), and write numbers without thousands separators (1234.50, not 1,234.50)',
      })
      continue
    }
    const values: RawMemberRecord['values'] = {}
    columns.forEach((field, i) => {
      if (field) values[field] = row.fields[i]
    })
    result.records.push({ line: row.line, values })
  }
  return result
}

/** Maps header cells to fields; undefined when the header is unusable (then no row can be read). */
function readHeader(names: string[], line: number, result: ParsedMemberFile): (MemberField | undefined)[] | undefined {
  const unknown: string[] = []
  let usable = true
  const columns = names.map((raw, i) => {
    const name = raw.trim()
    const field = FIELD_BY_NAME.get(name.toLowerCase())
    if (!field) {
      unknown.push(describeUnknown(name, i))
      return undefined
    }
    if (result.labels[field] !== undefined) {
      usable = false
      result.problems.push({ file: result.file, line, message: `columns "${result.labels[field]}" and "${name}" are both ${field}`, hint: 'keep one of them' })
      return undefined
    }
    result.labels[field] = name
    result.fields.push(field)
    return field
  })
  if (unknown.length > 0) result.warnings.push({ file: result.file, line, message: `unknown columns ignored: ${unknown.join(', ')}`, hint: `known columns: ${KNOWN_COLUMNS_HINT}` })
  if (!result.fields.some((f) => f === 'member_id' || f === 'external_userid' || f === 'phone')) {
    result.problems.push({ file: result.file, line, message: 'no member_id, external_userid or phone column', hint: `the first row must name the columns; known columns: ${KNOWN_COLUMNS_HINT}` })
    return undefined
  }
  return usable ? columns : undefined
}

function describeUnknown(name: string, index: number): string {
  if (name === '') return `(column ${index + 1} has no name)`
  const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name)
  const guess = didYouMean(name, KNOWN_NAMES)
  return guess ? `${shown} (did you mean ${guess}?)` : shown
}

function readJson(text: string, result: ParsedMemberFile): ParsedMemberFile {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    const message = (error as Error).message
    // V8 says "at position N" (Node 20) or "(line L column C)" (Node 22+).
    const lineColumn = /\(line (\d+) column \d+\)/.exec(message)
    const position = /at position (\d+)/.exec(message)
    const line = lineColumn ? Number(lineColumn[1]) : position ? lineAt(text, Number(position[1])) : 0
    result.problems.push({ file: result.file, line, message: `invalid JSON: ${message}`, hint: 'check commas, quotes and brackets near that line (a JSON validator shows the exact spot)' })
    return result
  }
  const list = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.members) ? data.members : undefined
  if (!list) {
    result.problems.push({ file: result.file, line: 0, message: 'the JSON is not a list of members', hint: 'write an array of objects, or {"members": [...]}' })
    return result
  }
  if (list.length === 0) {
    result.problems.push({ file: result.file, line: 0, message: 'the member list is empty', hint: 'add one object per member, e.g. {"member_id": "wxid_a", "orders": 3}' })
    return result
  }
  const unknown = new Map<string, string>()
  const ambiguous = new Set<string>()
  list.forEach((item, i) => {
    const index = i + 1
    if (!isObject(item)) {
      result.problems.push({ file: result.file, line: 0, index, message: `item is ${item === null ? 'null' : Array.isArray(item) ? 'an array' : `a ${typeof item}`}, not an object`, hint: 'write each member as {"member_id": "...", ...}' })
      return
    }
    const values: RawMemberRecord['values'] = {}
    for (const [key, value] of Object.entries(item)) {
      const field = FIELD_BY_NAME.get(key.trim().toLowerCase())
      if (!field) {
        if (!unknown.has(key)) unknown.set(key, describeUnknown(key.trim(), 0))
        continue
      }
      if (field in values) {
        if (!ambiguous.has(field)) result.problems.push({ file: result.file, line: 0, index, message: `two keys mean ${field} ("${result.labels[field] ?? field}" and "${key}")`, hint: 'keep one of them' })
        ambiguous.add(field)
        continue
      }
      if (result.labels[field] === undefined) {
        result.labels[field] = key
        result.fields.push(field)
      }
      values[field] = value
    }
    result.records.push({ line: 0, index, values })
  })
  result.fields.sort((a, b) => MEMBER_FIELDS.indexOf(a) - MEMBER_FIELDS.indexOf(b))
  if (unknown.size > 0) result.warnings.push({ file: result.file, line: 0, message: `unknown keys ignored: ${[...unknown.values()].join(', ')}`, hint: `known keys: ${KNOWN_COLUMNS_HINT}` })
  return result
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export interface CsvRecord {
  /** Physical line (1-based) where the record starts. */
  line: number
  fields: string[]
}

/**
 * RFC 4180 CSV -> records with their starting line. Blank lines are skipped. Strict about quotes, because a
 * misread quote shifts every following cell: an unclosed quote, text after a closing quote, or a quote inside
 * an unquoted cell is a problem (the cell is still read as best it can, so later problems are found too).
 *
 * @example
 * parseCsv('a,b\r\n"x, y","say ""hi"""\n').records // [{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['x, y', 'say "hi"'] }]
 */
export function parseCsv(text: string): { records: CsvRecord[]; problems: Omit<MemberFileProblem, 'file'>[] } {
  const records: CsvRecord[] = []
  const problems: Omit<MemberFileProblem, 'file'>[] = []
  const unquoted = /[^,\r\n]*/y
  const n = text.length
  let i = 0
  let line = 1
  // The next quote and CR at or after i (-1: none left), kept so the fast path does not rescan the text.
  let quote = text.indexOf('"')
  let cr = text.indexOf('\r')
  while (i < n) {
    const start = line
    // Fast path: most records are one line without quotes (or lone CRs), so a split does.
    const lf = text.indexOf('\n', i)
    const end = lf === -1 ? n : lf
    if (quote !== -1 && quote < i) quote = text.indexOf('"', i)
    if (cr !== -1 && cr < i) cr = text.indexOf('\r', i)
    if ((quote === -1 || quote > end) && (cr === -1 || cr >= end - 1)) {
      const plain = text.slice(i, cr !== -1 && cr === end - 1 ? cr : end)
      if (plain !== '') records.push({ line: start, fields: plain.split(',') })
      if (lf !== -1) line += 1
      i = lf === -1 ? n : lf + 1
      continue
    }
    const fields: string[] = []
    let blank = true
    for (;;) {
      let value: string
      if (text.charCodeAt(i) === 0x22 /* " */) {
        blank = false
        const parts: string[] = []
        let j = i + 1
        let closed = false
        for (;;) {
          const q = text.indexOf('"', j)
          if (q === -1) break
          parts.push(text.slice(j, q))
          if (text.charCodeAt(q + 1) === 0x22) {
            parts.push('"')
            j = q + 2
            continue
          }
          closed = true
          j = q + 1
          break
        }
        if (!closed) {
          // Everything after the quote would be one cell: the record is dropped, the rest of the file is unreadable.
          problems.push({ line: start, message: `the quote opening cell ${fields.length + 1} is never closed`, hint: 'close the quoted cell with " and write a quote inside a cell as "" — the rest of the file could not be read' })
          return { records, problems }
        }
        value = parts.join('')
        line += countLineBreaks(value)
        i = j
        if (i < n && !isDelimiter(text.charCodeAt(i))) {
          unquoted.lastIndex = i
          unquoted.exec(text)
          problems.push({ line: start, message: `text after the closing quote in cell ${fields.length + 1}`, hint: 'write a quote inside a quoted cell as "" (e.g. "5"" screen"), or quote the whole cell' })
          value += text.slice(i, unquoted.lastIndex)
          i = unquoted.lastIndex
        }
      } else {
        unquoted.lastIndex = i
        unquoted.exec(text)
        value = text.slice(i, unquoted.lastIndex)
        i = unquoted.lastIndex
        if (value !== '') blank = false
        if (value.includes('"')) problems.push({ line: start, message: `a quote inside unquoted cell ${fields.length + 1}`, hint: 'quote the whole cell and double the inner quote: "5"" screen"' })
      }
      fields.push(value)
      const c = text.charCodeAt(i)
      if (c === 0x2c /* , */) {
        i += 1
        blank = false
        continue
      }
      if (c === 0x0d /* \r */) i += text.charCodeAt(i + 1) === 0x0a ? 2 : 1
      else if (c === 0x0a /* \n */) i += 1
      if (!Number.isNaN(c)) line += 1 // not at the end of the text
      break
    }
    if (!blank) records.push({ line: start, fields })
  }
  return { records, problems }
}

const isDelimiter = (c: number) => c === 0x2c || c === 0x0d || c === 0x0a

/** CRLF, LF and a lone CR each end one physical line. */
function countLineBreaks(s: string): number {
  let count = 0
  for (let k = s.indexOf('\n'); k !== -1; k = s.indexOf('\n', k + 1)) count += 1
  for (let k = s.indexOf('\r'); k !== -1; k = s.indexOf('\r', k + 1)) if (s.charCodeAt(k + 1) !== 0x0a) count += 1
  return count
}

function lineAt(text: string, offset: number): number {
  return countLineBreaks(text.slice(0, offset)) + 1
}

/** Where the first invalid UTF-8 sequence is: the line (counting LF bytes before it) and its first byte. */
function firstInvalidUtf8(bytes: Uint8Array): { line: number; byte: number } {
  let line = 1
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]!
    if (b < 0x80) {
      if (b === 0x0a) line += 1
      i += 1
      continue
    }
    // Lead byte -> continuation bytes and the smallest code point that needs them (shorter forms are invalid).
    const [extra, min] = b >= 0xc2 && b <= 0xdf ? [1, 0x80] : b >= 0xe0 && b <= 0xef ? [2, 0x800] : b >= 0xf0 && b <= 0xf4 ? [3, 0x10000] : [0, 0]
    if (extra === 0) return { line, byte: b }
    let code = b & (0x3f >> extra)
    for (let k = 1; k <= extra; k++) {
      const next = bytes[i + k]
      if (next === undefined || (next & 0xc0) !== 0x80) return { line, byte: b }
      code = (code << 6) | (next & 0x3f)
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return { line, byte: b }
    i += extra + 1
  }
  return { line, byte: 0 }
}
