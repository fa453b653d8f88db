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
    expect(problems).toEqual([{ line: 2, message: '第 2 格开头的引号没有闭合', hint: expect.stringContaining('""') }])
    expect(records).toEqual([{ line: 1, fields: ['a', 'b'] }])
  })

  it('reports text after a closing quote and a quote inside an unquoted cell, and keeps reading', () => {
    const { records, problems } = parseCsv('a,b\n"x"y,1\n5" screen,2\nok,3\n')
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [2, '第 1 格的结束引号后面还有文字'],
      [3, '第 1 格没有用引号括起来，里面却有引号'],
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
    expect(result.warnings.map(formatMemberFileProblem)).toEqual([expect.stringMatching(/^valid\.csv:1: 已忽略不认识的列："备注" — 可用的列：member_id（会员ID\/成员ID）、external_userid（企业微信外部联系人ID）、phone（手机号）/)])
  })

  it('accepts MEMBER_ID and Monthly_Spend in any case and suggests the name of a misspelt column', () => {
    const result = csv(' MEMBER_ID ,Monthly_Spend,monthly_spned\nwxid_a,1,2\n')
    expect(result.fields).toEqual(['member_id', 'monthly_spend'])
    expect(result.warnings[0]!.message).toBe('已忽略不认识的列："monthly_spned"（是不是 monthly_spend？）')
  })

  it('reports an empty file', () => {
    expect(messages(fixture('empty.csv'))).toEqual([expect.stringMatching(/^empty\.csv: 文件是空的 — 第一行写列名/)])
    expect(messages(csv('\uFEFF \r\n'))).toEqual([expect.stringMatching(/^crm\.csv: 文件是空的 — /)])
  })

  it('reports a header with no rows', () => {
    expect(messages(csv('member_id,orders\r\n'))).toEqual(['crm.csv:1: 文件只有列名，没有数据行 — 在列名下面每位成员写一行'])
  })

  it('reports broken quoting with file:line', () => {
    expect(messages(fixture('malformed.csv'))).toEqual([
      expect.stringMatching(/^malformed\.csv:2: 第 3 格的结束引号后面还有文字 — /),
      expect.stringMatching(/^malformed\.csv:4: 第 3 格开头的引号没有闭合 — /),
    ])
  })

  it('reports rows whose cell count differs from the header, hinting at unquoted commas', () => {
    const result = csv('member_id,monthly_spend,orders\nwxid_a,1,234.50,2\nwxid_b,1\nwxid_c,5,1\n')
    expect(messages(result)).toEqual([
      'crm.csv:2: 这一行有 4 格，列名行有 3 格 — 含逗号的格子要用引号括起来（"a,b"），数字不要写千分位逗号（写 1234.50，不写 1,234.50）',
      expect.stringMatching(/^crm\.csv:3: 这一行有 2 格，列名行有 3 格 — /),
    ])
    expect(result.records.map((r) => r.values.member_id)).toEqual(['wxid_c'])
  })

  it('needs a key column', () => {
    expect(messages(csv('姓名,月消费\n张三,10\n'))).toEqual([expect.stringMatching(/^crm\.csv:1: 没有 member_id、external_userid 或 phone 列 — 第一行必须是列名；可用的列：/)])
  })

  it('refuses two columns meaning the same field', () => {
    expect(messages(csv('member_id,会员ID\na,b\n'))).toEqual(['crm.csv:1: 列 "member_id" 和 "会员ID" 都是 member_id — 只保留其中一列'])
  })

  it('refuses bytes that are not UTF-8 (a GBK export) with the line and how to re-save', () => {
    expect(messages(fixture('gbk.csv'))).toEqual([expect.stringMatching(/^gbk\.csv:1: 文件不是有效的 UTF-8 编码（字节 0x[0-9A-F]{2}；GBK\/ANSI 编码导出的文件会这样） — 把文件另存为 UTF-8 编码/)])
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
    expect(result.warnings[0]!.message).toBe('已忽略不认识的键："nickname"')
    expect(json([{ 会员ID: 'wxid_a', 订单数: 3 }]).records).toEqual([{ line: 0, index: 1, values: { member_id: 'wxid_a', orders: 3 } }])
  })

  it('reports invalid JSON with the line of the mistake', () => {
    const result = json('[\n  {"member_id": "a"},\n  {"member_id": "b",}\n]')
    expect(result.problems).toEqual([expect.objectContaining({ line: 3, message: 'JSON 格式错误：这里应是用双引号括起的键名（多了一个逗号？）' })])
  })

  it('reports a document that is not a list, an empty list and items that are not objects, by index', () => {
    expect(json({ rows: [] }).problems[0]!.message).toBe('JSON 不是成员列表')
    expect(json([]).problems[0]!.message).toBe('成员列表是空的')
    expect(json([{ member_id: 'a' }, 'b', null]).problems.map(formatMemberFileProblem)).toEqual([
      'crm.json:#2: 这一项是字符串，不是对象 — 每位成员写成一个对象：{"member_id": "...", ...}',
      'crm.json:#3: 这一项是空值 null，不是对象 — 每位成员写成一个对象：{"member_id": "...", ...}',
    ])
  })
})

describe('memberFileFormat', () => {
  it('chooses by extension, case-insensitively', () => {
    expect([memberFileFormat('a.CSV'), memberFileFormat('dir.json/a.json'), memberFileFormat('a.xlsx'), memberFileFormat('csv')]).toEqual(['csv', 'json', undefined, undefined])
  })
})
