import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatMemberFileProblem, memberFileFormat, parseCsv, parseMemberFile } from '../../../../src/members/import/parse-member-file.js'

const CRM = path.resolve(import.meta.dirname, '../../../fixtures/crm')
const fixture = (name: string) => parseMemberFile(name, fs.readFileSync(path.join(CRM, name)))
const csv = (text: string, file = 'crm.csv') => parseMemberFile(file, Buffer.from(text, 'utf8'))
const messages = (result: ReturnType<typeof parseMemberFile>) => result.problems.map(formatMemberFileProblem)

describe('parseCsv', () => {
  it('reads quoted commas, doubled quotes and quoted line breaks, and gives each record its starting line', () => {
    const { records, problems } = parseCsv('a,b\r\n"x, y","say ""hi"""\n"two\r\nlines",z\nlast,row')
    expect(problems).toEqual([])
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['two\r\nlines', 'z'] },
      { line: 5, fields: ['last', 'row'] },
    ])
  })

  it('counts LF, CRLF and lone CR line ends alike and skips blank lines', () => {
    const { records } = parseCsv('h1,h2\n\r\na,1\r\rb,2\rc,3\n\n')
    expect(records).toEqual([
      { line: 1, fields: ['h1', 'h2'] },
      { line: 3, fields: ['a', '1'] },
      { line: 5, fields: ['b', '2'] },
      { line: 6, fields: ['c', '3'] },
    ])
  })

  it('keeps empty cells, including a trailing one', () => {
    expect(parseCsv('a,,c,\n,,,').records.map((r) => r.fields)).toEqual([['a', '', 'c', ''], ['', '', '', '']])
  })

  it('reports an unclosed quote at the line where its record starts, and reads nothing after it', () => {
    const { records, problems } = parseCsv('a,b\n1,"open\n2,3\n')
    expect(problems).toEqual([{ line: 2, message: 'the quote opening cell 2 is never closed', hint: expect.stringContaining('""') }])
    expect(records).toEqual([{ line: 1, fields: ['a', 'b'] }])
  })

  it('reports text after a closing quote and a quote inside an unquoted cell, and keeps reading', () => {
    const { records, problems } = parseCsv('a,b\n"x"y,1\n5" screen,2\nok,3\n')
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [2, 'text after the closing quote in cell 1'],
      [3, 'a quote inside unquoted cell 1'],
    ])
    expect(records.at(-1)).toEqual({ line: 4, fields: ['ok', '3'] })
  })

  it('reads a multi-megabyte cell whole', () => {
    const huge = 'x'.repeat(5_000_000)
    const { records } = parseCsv(`a,b\n1,"${huge}"\n2,"${huge}"`)
    expect(records.map((r) => r.fields[1]!.length)).toEqual([1, 5_000_000, 5_000_000])
  })
})

describe('parseMemberFile (CSV)', () => {
  it('maps Chinese and English headers case-insensitively, drops the BOM and warns about unknown columns', () => {
    const result = fixture('valid.csv')
    expect(result.problems).toEqual([])
    expect(result.fields).toEqual(['member_id', 'monthly_spend', 'total_spend', 'orders', 'returns', 'last_purchase'])
    expect(result.labels.member_id).toBe('会员ID')
    expect(result.records.map((r) => [r.line, r.values.member_id])).toEqual([[2, 'wxid_a'], [3, 'wxid_b'], [4, 'wxid_c'], [6, 'wxid_d'], [7, 'wxid_e']])
    expect(result.records[0]!.values).toEqual({ member_id: 'wxid_a', monthly_spend: '0', total_spend: '100', orders: '1', returns: '0', last_purchase: '2026-01-10' })
    expect(result.warnings.map(formatMemberFileProblem)).toEqual([expect.stringMatching(/^valid\.csv:1: unknown columns ignored: "备注" — known columns: member_id \(会员ID\/成员ID\)/)])
  })

  it('accepts MEMBER_ID and Monthly_Spend in any case and suggests the name of a misspelt column', () => {
    const result = csv(' MEMBER_ID ,Monthly_Spend,monthly_spned\nwxid_a,1,2\n')
    expect(result.fields).toEqual(['member_id', 'monthly_spend'])
    expect(result.warnings[0]!.message).toBe('unknown columns ignored: "monthly_spned" (did you mean monthly_spend?)')
  })

  it('reports an empty file', () => {
    expect(messages(fixture('empty.csv'))).toEqual([expect.stringMatching(/^empty\.csv: the file is empty — add a header row/)])
    expect(messages(csv('\uFEFF \r\n'))).toEqual([expect.stringMatching(/^crm\.csv: the file is empty/)])
  })

  it('reports a header with no rows', () => {
    expect(messages(csv('member_id,orders\r\n'))).toEqual(['crm.csv:1: the file has a header but no rows — add one row per member below the header'])
  })

  it('reports broken quoting with file:line', () => {
    expect(messages(fixture('malformed.csv'))).toEqual([
      expect.stringMatching(/^malformed\.csv:2: text after the closing quote in cell 3 — /),
      expect.stringMatching(/^malformed\.csv:4: the quote opening cell 3 is never closed — /),
    ])
  })

  it('reports rows whose cell count differs from the header, hinting at unquoted commas', () => {
    const result = csv('member_id,monthly_spend,orders\nwxid_a,1,234.50,2\nwxid_b,1\nwxid_c,5,1\n')
    expect(messages(result)).toEqual([
      'crm.csv:2: the row has 4 cells, the header has 3 — quote cells that contain commas ("a,b"), and write numbers without thousands separators (1234.50, not 1,234.50)',
      expect.stringMatching(/^crm\.csv:3: the row has 2 cells, the header has 3 — /),
    ])
    expect(result.records.map((r) => r.values.member_id)).toEqual(['wxid_c'])
  })

  it('needs a key column', () => {
    expect(messages(csv('姓名,月消费\n张三,10\n'))).toEqual([expect.stringMatching(/^crm\.csv:1: no member_id, external_userid or phone column — /)])
  })

  it('refuses two columns meaning the same field', () => {
    expect(messages(csv('member_id,会员ID\na,b\n'))).toEqual(['crm.csv:1: columns "member_id" and "会员ID" are both member_id — keep one of them'])
  })

  it('refuses bytes that are not UTF-8 (a GBK export) with the line and how to re-save', () => {
    expect(messages(fixture('gbk.csv'))).toEqual([expect.stringMatching(/^gbk\.csv:1: the file is not valid UTF-8 \(byte 0x[0-9A-F]{2}; GBK\/ANSI exports look like this\) — re-save the file as UTF-8/)])
    const bytes = Buffer.concat([Buffer.from('member_id,orders\nwxid_a,1\nwxid_'), Buffer.from([0xc0, 0x41]), Buffer.from(',2\n')])
    expect(parseMemberFile('crm.csv', bytes).problems[0]).toMatchObject({ line: 3 })
  })

  it('reads hostile content without choking: NUL bytes, formulas, huge cells and mixed line ends', () => {
    const result = fixture('evil.csv')
    expect(result.problems).toEqual([])
    expect(result.records.map((r) => [r.line, String(r.values.member_id).slice(0, 12)])).toEqual([
      [2, "=cmd|' /C ca"], [3, 'wxid_nul\u0000x'], [4, 'AAAAAAAAAAAA'], [5, 'wxid_ok'], [6, '@+-='], [8, 'wxid_last'],
    ])
  })
})

describe('parseMemberFile (JSON)', () => {
  const json = (value: unknown) => parseMemberFile('crm.json', Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)))

  it('reads {"members": [...]} and a bare array, numbering records from 1', () => {
    const result = parseMemberFile('valid.json', fs.readFileSync(path.join(CRM, 'valid.json')))
    expect(result.problems).toEqual([])
    expect(result.records.map((r) => r.index)).toEqual([1, 2, 3])
    expect(result.fields).toEqual(['member_id', 'external_userid', 'monthly_spend', 'total_spend', 'orders', 'returns', 'last_purchase'])
    expect(result.warnings[0]!.message).toBe('unknown keys ignored: "nickname"')
    expect(json([{ 会员ID: 'wxid_a', 订单数: 3 }]).records).toEqual([{ line: 0, index: 1, values: { member_id: 'wxid_a', orders: 3 } }])
  })

  it('reports invalid JSON with the line of the mistake', () => {
    const result = json('[\n  {"member_id": "a"},\n  {"member_id": "b",}\n]')
    expect(result.problems).toEqual([expect.objectContaining({ line: 3, message: expect.stringMatching(/^invalid JSON: /) })])
  })

  it('reports a document that is not a list, an empty list and items that are not objects, by index', () => {
    expect(json({ rows: [] }).problems[0]!.message).toBe('the JSON is not a list of members')
    expect(json([]).problems[0]!.message).toBe('the member list is empty')
    expect(json([{ member_id: 'a' }, 'b', null]).problems.map(formatMemberFileProblem)).toEqual([
      'crm.json:#2: item is a string, not an object — write each member as {"member_id": "...", ...}',
      'crm.json:#3: item is null, not an object — write each member as {"member_id": "...", ...}',
    ])
  })
})

describe('memberFileFormat', () => {
  it('chooses by extension, case-insensitively', () => {
    expect([memberFileFormat('a.CSV'), memberFileFormat('dir.json/a.json'), memberFileFormat('a.xlsx'), memberFileFormat('csv')]).toEqual(['csv', 'json', undefined, undefined])
  })
})
