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

/** The columns, as listed in hints: `member_id（会员ID/成员ID）、...`. */
export const KNOWN_COLUMNS_HINT = MEMBER_FIELDS.map((f) => `${f}（${ALIASES[f].slice(1).map((a) => a.replace(/id$/, 'ID')).join('/')}）`).join('、')

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
 * formatMemberFileProblem({ file: 'crm.csv', line: 7, message: 'orders "2.5" 不是整数', hint: '写整数，如 3' })
 * // 'crm.csv:7: orders "2.5" 不是整数 — 写整数，如 3'
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

const SAVE_AS_UTF8 = '把文件另存为 UTF-8 编码（Excel：另存为 → "CSV UTF-8（逗号分隔）"；WPS：另存为 CSV 并选择 UTF-8 编码）'

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
  if (!format) return fail(0, '不支持的文件类型', '请用 .csv 或 .json 文件')

  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    const bad = firstInvalidUtf8(bytes)
    return fail(bad.line, `文件不是有效的 UTF-8 编码（字节 0x${bad.byte.toString(16).toUpperCase().padStart(2, '0')}；GBK/ANSI 编码导出的文件会这样）`, SAVE_AS_UTF8)
  }
  // TextDecoder drops one leading BOM; a second one (a BOM written twice) is dropped here too.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  if (text.trim() === '') return fail(0, '文件是空的', format === 'csv' ? '第一行写列名（如 member_id,monthly_spend,total_spend,orders,returns,last_purchase），下面每位成员一行' : '写一个对象数组，如 [{"member_id": "wxid_a", "orders": 3}]')
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
    result.problems.push({ file: result.file, line: header.line, message: '文件只有列名，没有数据行', hint: '在列名下面每位成员写一行' })
    return result
  }
  for (const row of rows) {
    if (row.fields.length !== columns.length) {
      result.problems.push({
        file: result.file,
        line: row.line,
        message: `这一行有 ${row.fields.length} 格，列名行有 ${columns.length} 格`,
        hint: '含逗号的格子要用引号括起来（"a,b"），数字不要写千分位逗号（写 1234.50，不写 1,234.50）',
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
      result.problems.push({ file: result.file, line, message: `列 "${result.labels[field]}" 和 "${name}" 都是 ${field}`, hint: '只保留其中一列' })
      return undefined
    }
    result.labels[field] = name
    result.fields.push(field)
    return field
  })
  if (unknown.length > 0) result.warnings.push({ file: result.file, line, message: `已忽略不认识的列：${unknown.join('、')}`, hint: `可用的列：${KNOWN_COLUMNS_HINT}` })
  if (!result.fields.some((f) => f === 'member_id' || f === 'external_userid' || f === 'phone')) {
    result.problems.push({ file: result.file, line, message: '没有 member_id、external_userid 或 phone 列', hint: `第一行必须是列名；可用的列：${KNOWN_COLUMNS_HINT}` })
    return undefined
  }
  return usable ? columns : undefined
}

function describeUnknown(name: string, index: number): string {
  if (name === '') return index < 0 ? '（空的键名）' : `（第 ${index + 1} 列没有列名）`
  const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name)
  const guess = didYouMean(name, KNOWN_NAMES)
  return guess ? `${shown}（是不是 ${guess}？）` : shown
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
    result.problems.push({ file: result.file, line, message: `JSON 格式错误：${describeJsonError(message)}`, hint: '检查这一行附近的逗号、引号和括号（用 JSON 校验工具可以看到具体位置）' })
    return result
  }
  const list = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.members) ? data.members : undefined
  if (!list) {
    result.problems.push({ file: result.file, line: 0, message: 'JSON 不是成员列表', hint: '写一个对象数组，或 {"members": [...]}' })
    return result
  }
  if (list.length === 0) {
    result.problems.push({ file: result.file, line: 0, message: '成员列表是空的', hint: '每位成员写一个对象，如 {"member_id": "wxid_a", "orders": 3}' })
    return result
  }
  const unknown = new Map<string, string>()
  const ambiguous = new Set<string>()
  list.forEach((item, i) => {
    const index = i + 1
    if (!isObject(item)) {
      result.problems.push({ file: result.file, line: 0, index, message: `这一项是${describeValue(item)}，不是对象`, hint: '每位成员写成一个对象：{"member_id": "...", ...}' })
      return
    }
    const values: RawMemberRecord['values'] = {}
    for (const [key, value] of Object.entries(item)) {
      const field = FIELD_BY_NAME.get(key.trim().toLowerCase())
      if (!field) {
        if (!unknown.has(key)) unknown.set(key, describeUnknown(key.trim(), -1))
        continue
      }
      if (field in values) {
        if (!ambiguous.has(field)) result.problems.push({ file: result.file, line: 0, index, message: `两个键都是 ${field}（"${result.labels[field] ?? field}" 和 "${key}"）`, hint: '只保留其中一个' })
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
  if (unknown.size > 0) result.warnings.push({ file: result.file, line: 0, message: `已忽略不认识的键：${[...unknown.values()].join('、')}`, hint: `可用的键：${KNOWN_COLUMNS_HINT}` })
  return result
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A JSON value's kind, for messages: `字符串`, `数组`, `空值 null`. */
export function describeValue(value: unknown): string {
  if (value === null) return '空值 null'
  if (Array.isArray(value)) return '数组'
  const kinds: Record<string, string> = { string: '字符串', number: '数字', boolean: '布尔值', object: '对象' }
  return kinds[typeof value] ?? typeof value
}

/** V8's JSON.parse errors (Node 20 and 22) in Chinese; the position is already in the problem's line. */
const JSON_ERRORS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Unexpected end of JSON input/, () => '内容不完整，文件在列表结束前就结束了'],
  [/^Expected double-quoted property name/, () => '这里应是用双引号括起的键名（多了一个逗号？）'],
  [/^Expected ':' after property name/, () => '键名后面缺少冒号 :'],
  [/^Expected ',' or '\]' after array element/, () => '列表的两项之间缺少逗号，或少了 ]'],
  [/^Expected ',' or '\}' after property value/, () => '两个键值之间缺少逗号，或少了 }'],
  [/^Unexpected non-whitespace character after JSON/, () => 'JSON 结束后还有多余的内容'],
  [/^Unterminated string/, () => '字符串的引号没有闭合'],
  [/^Bad control character in string literal/, () => '字符串里有控制字符（换行、制表符要写成 \\n、\\t）'],
  [/^Bad (?:Unicode )?escape/i, () => '字符串里的反斜杠转义写法不对'],
  [/^(?:No number after minus sign|Exponent part is missing a number|Unterminated fractional number)/, () => '数字的写法不对'],
  [/^Unexpected token '?(.)'?/, (m) => `此处不应出现 ${JSON.stringify(m[1])}`],
  [/^Unexpected (number|string)/, (m) => `此处不应出现${m[1] === 'number' ? '数字' : '字符串'}`],
]

function describeJsonError(message: string): string {
  for (const [pattern, say] of JSON_ERRORS) {
    const m = pattern.exec(message)
    if (m) return say(m)
  }
  return `无法解析（${message}）`
}

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
          problems.push({ line: start, message: `第 ${fields.length + 1} 格开头的引号没有闭合`, hint: '用 " 结束带引号的格子，格子里的引号写成 ""；这之后的内容都没能读取' })
          return { records, problems }
        }
        value = parts.join('')
        line += countLineBreaks(value)
        i = j
        if (i < n && !isDelimiter(text.charCodeAt(i))) {
          unquoted.lastIndex = i
          unquoted.exec(text)
          problems.push({ line: start, message: `第 ${fields.length + 1} 格的结束引号后面还有文字`, hint: '带引号的格子里的引号要写成 ""（如 "5"" 屏幕"），或把整个格子用引号括起来' })
          value += text.slice(i, unquoted.lastIndex)
          i = unquoted.lastIndex
        }
      } else {
        unquoted.lastIndex = i
        unquoted.exec(text)
        value = text.slice(i, unquoted.lastIndex)
        i = unquoted.lastIndex
        if (value !== '') blank = false
        if (value.includes('"')) problems.push({ line: start, message: `第 ${fields.length + 1} 格没有用引号括起来，里面却有引号`, hint: '把整个格子用引号括起来，里面的引号写成两个，如 "5"" 屏幕"' })
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
