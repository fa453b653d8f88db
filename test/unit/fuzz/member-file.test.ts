import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { MEMBER_FIELDS, parseCsv, parseMemberFile, type MemberFileProblem, type ParsedMemberFile } from '../../../src/members/import/parse-member-file.js'
import { validateMemberRows, type MemberAttributeInput } from '../../../src/members/import/validate-member-rows.js'
import { applyMutation, csvCell, CSV_TOKENS, fuzzParams, mutatedText, nastyBytes, textMutation, writeCsv, FUZZ_TEST_TIMEOUT } from '../../support/fuzz-generators.js'

vi.setConfig({ testTimeout: FUZZ_TEST_TIMEOUT })

/**
 * CRM exports arrive from Excel, WPS and home-made scripts. Properties: parsing and validating any bytes never
 * throws, and every problem carries the file and a line (or the JSON item's index) inside the file; a file that is
 * not UTF-8 is refused at the line of the first bad byte; what a correct CSV writer writes reads back cell for cell
 * with each record's starting line; and valid member rows survive CSV and JSON unchanged.
 */

const CRM = path.resolve(import.meta.dirname, '../../fixtures/crm')
const CSV_SEEDS = fs.readdirSync(CRM).filter((f) => f.endsWith('.csv') && f !== 'gbk.csv').map((f) => fs.readFileSync(path.join(CRM, f), 'utf8'))
const JSON_SEEDS = fs.readdirSync(CRM).filter((f) => f.endsWith('.json')).map((f) => fs.readFileSync(path.join(CRM, f), 'utf8'))
const JSON_TOKENS = ['{', '}', '[', ']', ',', ':', '"', '\\', '\\u0000', '\\ud800', 'null', 'true', '1e999', '-0', '12345678901234567890', '"__proto__"', '"member_id"', '"orders"', '"会员ID"', '\n', '\uFEFF']
const NOW = new Date('2026-12-01T00:00:00Z')

const lineBreaks = (text: string) => text.match(/\r\n|\r|\n/g)?.length ?? 0

/** The line of the first byte TextDecoder refuses (1 + LF bytes before it), or undefined for valid UTF-8. */
function firstBadUtf8Line(bytes: Uint8Array): number | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let lf = 0
  for (let i = 0; i < bytes.length; i++) {
    try {
      decoder.decode(bytes.subarray(i, i + 1), { stream: true })
    } catch {
      return lf + 1
    }
    if (bytes[i] === 0x0a) lf++
  }
  try {
    decoder.decode()
  } catch {
    return lf + 1
  }
  return undefined
}

/** What must hold for any file: the first violation, or undefined. */
function violation(file: string, bytes: Uint8Array, parsed: ParsedMemberFile, validated: ReturnType<typeof validateMemberRows>): string | undefined {
  const text = Buffer.from(bytes).toString('utf8')
  const maxLine = lineBreaks(text) + 1
  for (const p of [...parsed.problems, ...parsed.warnings, ...validated.problems] as MemberFileProblem[]) {
    if (p.file !== file) return `problem without the file: ${JSON.stringify(p)}`
    if (!Number.isInteger(p.line) || p.line < 0 || p.line > maxLine) return `line ${p.line} outside 0..${maxLine}: ${p.message}`
    if (p.index !== undefined && !(parsed.format === 'json' && Number.isInteger(p.index) && p.index >= 1)) return `bad index ${p.index}`
    if (!p.message || !p.hint) return `problem without a message or hint: ${JSON.stringify(p)}`
  }
  let last = 0
  for (const r of parsed.records) {
    if (parsed.format === 'csv' && !(r.line > last && r.line <= maxLine)) return `record lines not increasing inside the file: ${r.line} after ${last}`
    last = r.line
  }
  for (const row of validated.rows) {
    if (row.memberId === null && row.phone === null) return 'a row without a key'
    for (const n of [row.monthlySpend, row.totalSpend, row.orders, row.returns]) if (n !== null && !(Number.isFinite(n) && n >= 0)) return `bad number ${n}`
    for (const n of [row.orders, row.returns]) if (n !== null && !Number.isSafeInteger(n)) return `count ${n} is not whole`
    if (row.lastPurchaseAt !== null && !(new Date(row.lastPurchaseAt).toISOString() === row.lastPurchaseAt && Date.parse(row.lastPurchaseAt) <= NOW.getTime())) return `bad date ${row.lastPurchaseAt}`
    if (row.memberId !== null && (row.memberId === '' || /[\u0000-\u001f\u007f]/.test(row.memberId))) return `bad id ${JSON.stringify(row.memberId)}`
  }
  return undefined
}

function check(file: string, bytes: Uint8Array): { parsed: ParsedMemberFile; validated: ReturnType<typeof validateMemberRows> } {
  let parsed: ParsedMemberFile
  let validated: ReturnType<typeof validateMemberRows>
  try {
    parsed = parseMemberFile(file, bytes)
    validated = validateMemberRows(parsed, { now: NOW, utcOffsetMinutes: 480 })
  } catch (error) {
    throw new Error(`threw ${String(error)} for ${JSON.stringify(Buffer.from(bytes).toString('latin1').slice(0, 300))}`)
  }
  const bad = violation(file, bytes, parsed, validated)
  if (bad) throw new Error(bad)
  return { parsed, validated }
}

describe('member files under fuzzing', () => {
  it('2,000 mutated CRM CSV files (quotes, line ends, BOM, ragged rows, huge cells): never throws, problems at a line of the file', () => {
    fc.assert(fc.property(mutatedText(CSV_SEEDS, CSV_TOKENS), (text) => void check('crm.csv', Buffer.from(text, 'utf8'))), fuzzParams(0x63737601, 2000))
  })

  it('2,000 mutated and random JSON files: never throws, problems at a line or an item', () => {
    const json = fc.oneof(
      mutatedText(JSON_SEEDS, JSON_TOKENS),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.tuple(fc.array(fc.dictionary(fc.constantFrom(...MEMBER_FIELDS, '会员ID', 'Orders', ' phone ', '__proto__', 'x'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }), { maxLength: 5 }), fc.boolean())
        .map(([list, wrapped]) => JSON.stringify(wrapped ? { members: list } : list)),
    )
    fc.assert(fc.property(json, (text) => void check('crm.json', Buffer.from(text, 'utf8'))), fuzzParams(0x63737602, 2000))
  })

  it('3,000 byte strings with invalid UTF-8, BOMs and NULs: refused at the line of the first bad byte, or read', () => {
    fc.assert(fc.property(nastyBytes, fc.constantFrom('crm.csv', 'crm.json'), (bytes, file) => {
      const { parsed } = check(file, bytes)
      const badLine = firstBadUtf8Line(bytes)
      if (badLine === undefined) expect(parsed.problems.some((p) => p.message.startsWith('文件不是有效的 UTF-8 编码'))).toBe(false)
      else {
        expect(parsed.problems).toHaveLength(1)
        expect(parsed.problems[0]).toMatchObject({ line: badLine, message: expect.stringMatching(/^文件不是有效的 UTF-8 编码（字节 0x[0-9A-F]{2}；/) })
      }
    }), fuzzParams(0x63737603, 3000))
  })

  it('reads a 1 MB cell full of escaped quotes followed by 50,000 CRLF rows', () => {
    const big = `member_id,notes\nwxid_a,"${'字"",'.repeat(200_000)}"\n${'wxid_b,x\r\n'.repeat(50_000)}`
    const { records, problems } = parseCsv(big)
    expect(problems).toEqual([])
    expect(records).toHaveLength(50_002)
    expect(records[2]!.line).toBe(3)
  })
})

describe('CSV written by a correct writer reads back', () => {
  const table = fc.integer({ min: 1, max: 5 }).chain((width) => fc.array(fc.array(csvCell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 8 }))

  it('2,000 random tables: every cell back, each record at the line where it starts', () => {
    fc.assert(fc.property(table, fc.constantFrom('\r\n', '\n', '\r'), fc.boolean(), fc.boolean(), (rows, lineEnding, quoteAll, trailingNewline) => {
      const text = writeCsv(rows, lineEnding, { quoteAll, trailingNewline })
      const { records, problems } = parseCsv(text)
      expect(problems).toEqual([])
      expect(records.map((r) => r.fields)).toEqual(rows)
      // A record starts one line after all the line breaks written before it (inside quoted cells too).
      const starts = rows.map((_, k) => lineBreaks(writeCsv(rows.slice(0, k), lineEnding, { quoteAll })) + (k > 0 ? lineBreaks(lineEnding) : 0) + 1)
      expect(records.map((r) => r.line)).toEqual(starts)
    }), fuzzParams(0x63737604, 2000))
  })

  it('1,000 mutated CSVs written by the writer: mutation never makes the parser throw or lose its line count', () => {
    fc.assert(fc.property(table, fc.array(textMutation(CSV_TOKENS), { minLength: 1, maxLength: 4 }), (rows, edits) => {
      const text = edits.reduce(applyMutation, writeCsv(rows, '\r\n'))
      const { records } = parseCsv(text)
      for (const r of records) expect(r.line).toBeLessThanOrEqual(lineBreaks(text) + 1)
    }), fuzzParams(0x63737605, 1000))
  })
})

describe('valid member rows survive CSV and JSON', () => {
  const HEADERS: Record<string, readonly string[]> = {
    member_id: ['member_id', '会员ID', 'MEMBER_ID', ' 成员id '], external_userid: ['external_userid', '企业微信外部联系人ID'], phone: ['phone', '手机号'],
    monthly_spend: ['monthly_spend', '月消费'], total_spend: ['total_spend', '累计消费'], orders: ['orders', '订单数'], returns: ['returns', '退货数'], last_purchase: ['last_purchase', '最近购买'],
  }
  const pad = (n: number, w = 2) => String(n).padStart(w, '0')

  /** A date in the past with its text in one of the accepted formats and the UTC instant it means (offset UTC+8). */
  const purchase = fc.tuple(fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2026-11-30T00:00:00Z'), noInvalidDate: true }), fc.constantFrom('iso', 'offset', 'date', 'local')).map(([d, format]) => {
    const at = new Date(Math.floor(d.getTime() / 1000) * 1000)
    const local = new Date(at.getTime() + 480 * 60_000) // wall clock at UTC+8
    const [y, mo, da, h, mi, s] = [local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds()]
    if (format === 'iso') return { text: at.toISOString(), iso: at.toISOString() }
    if (format === 'offset') return { text: `${y}-${pad(mo)}-${pad(da)}T${pad(h)}:${pad(mi)}:${pad(s)}+08:00`, iso: at.toISOString() }
    if (format === 'local') return { text: `${y}-${pad(mo)}-${pad(da)} ${pad(h)}:${pad(mi)}:${pad(s)}`, iso: at.toISOString() }
    return { text: `${y}/${mo}/${da}`, iso: new Date(Date.UTC(y, mo - 1, da) - 480 * 60_000).toISOString() }
  })
  const amount = fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.double({ min: 0, max: 1e12, noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)))
  const member = fc.record({
    member_id: fc.string({ minLength: 1, maxLength: 40, unit: fc.oneof(fc.constantFrom('w', 'x', 'i', 'd', '_', '-', '1', '字', ',', '"', ' ', "'", '=', '😀'), fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' })) })
      .map((s) => s.trim()).filter((s) => s !== '' && !/[\u0000-\u001f\u007f]/.test(s)),
    external_userid: fc.option(fc.stringMatching(/^wm[A-Za-z0-9_-]{1,30}$/), { nil: null }),
    monthly_spend: fc.option(amount, { nil: null }),
    total_spend: fc.option(amount, { nil: null }),
    orders: fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: null }),
    returns: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
    last_purchase: fc.option(purchase, { nil: null }),
  }).map((m) => (m.orders !== null && m.returns !== null && m.returns > m.orders ? { ...m, returns: m.orders } : m))
  const members = fc.uniqueArray(member, { minLength: 1, maxLength: 12, selector: (m) => m.member_id })

  function expected(list: ReadonlyArray<typeof member extends fc.Arbitrary<infer T> ? T : never>, line: (i: number) => number, json: boolean): MemberAttributeInput[] {
    return list.map((m, i) => ({
      line: json ? 0 : line(i), ...(json ? { index: i + 1 } : {}),
      memberId: m.member_id, keyField: 'member_id', externalId: m.external_userid, phone: null,
      monthlySpend: m.monthly_spend, totalSpend: m.total_spend, orders: m.orders, returns: m.returns, lastPurchaseAt: m.last_purchase?.iso ?? null,
    }))
  }

  it('800 random member lists as CSV (any header names, column order, BOM and line ends) validate back to the same rows', () => {
    fc.assert(fc.property(members, fc.shuffledSubarray([...MEMBER_FIELDS].filter((f) => f !== 'member_id' && f !== 'phone'), { minLength: 0 }), fc.nat(), fc.constantFrom('\r\n', '\n', '\r'), fc.boolean(), (list, others, pick, lineEnding, bom) => {
      const fields = ['member_id', ...others] as Array<keyof typeof list[number]>
      const header = fields.map((f, i) => HEADERS[f]![(pick + i) % HEADERS[f]!.length]!)
      const cell = (m: typeof list[number], f: keyof typeof list[number]): string => {
        const v = m[f]
        return v === null ? '' : typeof v === 'object' ? v.text : String(v)
      }
      const rows = [header, ...list.map((m) => fields.map((f) => cell(m, f)))]
      const text = (bom ? '\uFEFF' : '') + writeCsv(rows, lineEnding)
      const { parsed, validated } = check('crm.csv', Buffer.from(text, 'utf8'))
      expect([...parsed.problems, ...validated.problems]).toEqual([])
      const starts = rows.map((_, k) => lineBreaks(writeCsv(rows.slice(0, k), lineEnding)) + (k > 0 ? lineBreaks(lineEnding) : 0) + 1)
      // Columns the file lacks read as null, exactly like empty cells.
      const blanked = list.map((m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, k === 'member_id' || fields.includes(k as never) ? v : null])) as typeof m)
      expect(validated.rows).toEqual(expected(blanked, (i) => starts[i + 1]!, false))
    }), fuzzParams(0x63737606, 800))
  })

  it('800 random member lists as JSON (numbers as numbers or text) validate back to the same rows', () => {
    fc.assert(fc.property(members, fc.boolean(), fc.boolean(), (list, wrapped, numbersAsText) => {
      const items = list.map((m) => ({
        member_id: m.member_id, external_userid: m.external_userid,
        monthly_spend: numbersAsText && m.monthly_spend !== null ? String(m.monthly_spend) : m.monthly_spend,
        total_spend: m.total_spend, orders: m.orders, returns: numbersAsText && m.returns !== null ? String(m.returns) : m.returns,
        last_purchase: m.last_purchase?.text ?? null,
      }))
      const { parsed, validated } = check('crm.json', Buffer.from(JSON.stringify(wrapped ? { members: items } : items, null, 2), 'utf8'))
      expect([...parsed.problems, ...validated.problems]).toEqual([])
      expect(validated.rows).toEqual(expected(list, () => 0, true))
    }), fuzzParams(0x63737607, 800))
  })
})
