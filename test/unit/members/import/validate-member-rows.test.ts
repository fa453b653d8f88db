import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatMemberFileProblem, parseMemberFile } from '../../../../src/members/import/parse-member-file.js'
import { maskPhone, validateMemberRows } from '../../../../src/members/import/validate-member-rows.js'

const CRM = path.resolve(import.meta.dirname, '../../../fixtures/crm')
const NOW = new Date('2026-11-23T12:00:00.000Z')
const validate = (file: string, bytes: Buffer, utcOffsetMinutes?: number) =>
  validateMemberRows(parseMemberFile(file, bytes), { now: NOW, ...(utcOffsetMinutes !== undefined ? { utcOffsetMinutes } : {}) })
const fixture = (name: string) => validate(name, fs.readFileSync(path.join(CRM, name)))
const csv = (text: string, utcOffsetMinutes?: number) => validate('crm.csv', Buffer.from(text), utcOffsetMinutes)
const messages = (result: ReturnType<typeof validateMemberRows>) => result.problems.map(formatMemberFileProblem)

describe('validateMemberRows', () => {
  it('converts a valid file: numbers, unknown cells as null, dates as ISO UTC (a bare date is 00:00 UTC+8)', () => {
    const { rows, problems } = fixture('valid.csv')
    expect(problems).toEqual([])
    expect(rows[0]).toEqual({
      line: 2, memberId: 'wxid_a', keyField: 'member_id', externalId: null, phone: null,
      monthlySpend: 0, totalSpend: 100, orders: 1, returns: 0, lastPurchaseAt: '2026-01-09T16:00:00.000Z',
    })
    expect(rows.map((r) => r.lastPurchaseAt)).toEqual([
      '2026-01-09T16:00:00.000Z', '2026-06-01T02:30:00.000Z', '2026-10-31T16:00:00.000Z', '2026-09-15T00:00:00.000Z', null,
    ])
    expect(rows[4]).toMatchObject({ memberId: 'wxid_e', monthlySpend: null, totalSpend: 0, orders: 0 })
  })

  it('keys rows by member_id, else by external_userid (kept as external_id), else by phone', () => {
    const { rows } = fixture('valid.json')
    expect(rows.map((r) => [r.index, r.keyField, r.memberId, r.externalId])).toEqual([
      [1, 'external_userid', 'wmEXT001', 'wmEXT001'],
      [2, 'member_id', 'wxid_json', 'wmEXT002'],
      [3, 'member_id', 'wxid_nodata', null],
    ])
    expect(rows[1]).toMatchObject({ monthlySpend: 10, totalSpend: 35.5, lastPurchaseAt: '2026-03-01T12:00:00.000Z' })
    const phoneOnly = csv('phone,orders\n138 0013 8000,1\n').rows[0]!
    expect(phoneOnly).toMatchObject({ keyField: 'phone', memberId: null, phone: '13800138000' })
  })

  it('reports every bad value of every row at once, with its line and a fix', () => {
    expect(messages(fixture('bad-values.csv'))).toEqual([
      'bad-values.csv:2: monthly_spend "1,234.50" 带千分位逗号 — 写成 1234.50（CSV 里逗号会分出新的一列）',
      'bad-values.csv:3: monthly_spend "-5" 是负数 — 金额不能小于 0；不知道时留空',
      'bad-values.csv:3: total_spend "abc" 不是数字 — 只写数字，如 1234.50（不要 ¥、元、空格或千分位逗号）',
      'bad-values.csv:3: orders "2.5" 不是整数 — 写整数，如 3',
      expect.stringMatching(/^bad-values\.csv:3: last_purchase "2026-13-01" 不是有效的日期 — /),
      'bad-values.csv:4: last_purchase "2099-01-01" 晚于现在 — 最近购买时间不能晚于现在；请核对年份和这一列',
      'bad-values.csv:4: returns（3）大于 orders（1） — returns 是退货的订单数，不能超过 orders；请核对这两列',
      'bad-values.csv:5: 没有 member_id、external_userid 或 phone — 每行至少要填其中一项，才知道这行是哪位成员',
      'bad-values.csv:6: member_id "wxid_a" 已出现在第 2 行 — 每位成员只保留一行',
      expect.stringMatching(/^bad-values\.csv:7: monthly_spend "¥100" 不是数字 — /),
      'bad-values.csv:7: total_spend "1e999" 太大 — 请核对这个值',
      expect.stringMatching(/^bad-values\.csv:7: last_purchase "2026\/2\/30" 不是有效的日期 — /),
    ])
  })

  it('still reports a duplicate when the first row with that key had other problems', () => {
    expect(messages(csv('member_id,orders\nwxid_a,x\nwxid_a,1\n'))).toEqual([
      expect.stringMatching(/^crm\.csv:2: orders "x" 不是数字 — /),
      'crm.csv:3: member_id "wxid_a" 已出现在第 2 行 — 每位成员只保留一行',
    ])
  })

  it('treats a member_id and an external_userid with the same value as the same member', () => {
    expect(messages(csv('member_id,external_userid\nwm1,\n,wm1\n'))).toEqual(['crm.csv:3: external_userid "wm1" 已出现在第 2 行 — 每位成员只保留一行'])
  })

  it('reports duplicate phone numbers without printing them in full', () => {
    expect(messages(csv('phone\n13800138000\n138-0013-8000\n'))).toEqual(['crm.csv:3: phone 138****8000 已出现在第 2 行 — 每位成员只保留一行'])
  })

  it('names columns as the file does in messages', () => {
    expect(messages(csv('会员ID,订单数\nwxid_a,1.5\n'))).toEqual(['crm.csv:2: 订单数（orders） "1.5" 不是整数 — 写整数，如 2'])
  })

  it('reports JSON problems by index, and values of the wrong type', () => {
    const bytes = Buffer.from('[{"member_id": "a", "orders": true}, {"member_id": {"x": 1}}, {"member_id": "c", "total_spend": 1e400, "last_purchase": 20261101}]')
    expect(validate('crm.json', bytes).problems.map(formatMemberFileProblem)).toEqual([
      'crm.json:#1: orders 必须是数字，不能是布尔值 — 写整数，如 3',
      expect.stringMatching(/^crm\.json:#2: member_id 必须是文本，不能是对象 — /),
      'crm.json:#3: total_spend "Infinity" 太大 — 请核对这个值',
      expect.stringMatching(/^crm\.json:#3: last_purchase 必须是文本形式的日期，不能是数字 — /),
    ])
  })

  it('refuses ids with control characters or of absurd length (evil.csv), and formulas as numbers', () => {
    expect(messages(fixture('evil.csv'))).toEqual([
      expect.stringMatching(/^evil\.csv:2: monthly_spend "=1\+1" 不是数字 — /),
      'evil.csv:3: member_id "wxid_nul\\u0000x" 含有控制字符 — 删掉 ID 里的换行、制表符和 NUL 字节',
      'evil.csv:4: member_id 长达 5000 个字符 — ID 最多 256 个字符；请确认这一列填的是 ID',
    ])
  })

  it('reads dates with slashes, spaces, zones and fractions; a zone-less time is in the configured offset', () => {
    const { rows, problems } = csv('member_id,last_purchase\na,2026/11/1\nb,2026-11-01 09:05\nc,2026-11-01T09:05:07.5+09:00\nd,2026-11-01T01:00:00z\n')
    expect(problems).toEqual([])
    expect(rows.map((r) => r.lastPurchaseAt)).toEqual(['2026-10-31T16:00:00.000Z', '2026-11-01T01:05:00.000Z', '2026-11-01T00:05:07.500Z', '2026-11-01T01:00:00.000Z'])
    expect(csv('member_id,last_purchase\na,2026-11-01\n', 0).rows[0]!.lastPurchaseAt).toBe('2026-11-01T00:00:00.000Z')
  })

  it('accepts today and refuses a time later than now', () => {
    const today = csv('member_id,last_purchase\na,2026-11-23\nb,2026-11-23T20:00:00Z\n')
    expect(today.rows.map((r) => r.memberId)).toEqual(['a'])
    expect(today.problems.map((p) => p.line)).toEqual([3])
  })

  it('refuses impossible dates', () => {
    const { problems } = csv('member_id,last_purchase\na,2025-02-29\nb,2026-01-01 24:00\nc,01/02/2026\nd,2026-01-01T10:00+15:00\n')
    expect(problems.map((p) => [p.line, p.message.replace(/^last_purchase "[^"]*" /, '')])).toEqual([
      [2, '不是有效的日期'], [3, '不是有效的日期'], [4, '不是日期'], [5, '不是有效的日期'],
    ])
  })
})

describe('problem and warning messages', () => {
  /** Runs of 3+ ASCII words once quoted values and snake_case identifiers are taken out: an English sentence. */
  const englishRun = (text: string) => /[A-Za-z]+(?:[,;:.]?\s+[A-Za-z]+){2,}/.exec(text.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\w*_\w*/g, '_'))?.[0]

  it('are Chinese: no English sentence in any message or hint over the fixtures and broken JSON', () => {
    const files = fs.readdirSync(CRM).map((name) => [name, fs.readFileSync(path.join(CRM, name))] as const)
    const broken = ['[{"member_id": "a",}]', '[{"member_id": "a"', '[1] x', '["a\u0001"]', '{"rows": []}', '[]', '[null, "x", [1], {"会员ID": "a", "member_id": "b", "x": 1, "": 2}]', '[{"member_id": true, "orders": -1, "last_purchase": 1}]']
      .map((text, i) => [`broken-${i}.json`, Buffer.from(text)] as const)
    const all = [...files, ...broken, ['crm.xlsx', Buffer.from('x')] as const, ['crm.csv', Buffer.from('姓名,monthly_spned,\nx,1,2\n')] as const]
    let count = 0
    for (const [name, bytes] of all) {
      const parsed = parseMemberFile(name, bytes)
      for (const p of [...parsed.problems, ...parsed.warnings, ...validateMemberRows(parsed, { now: NOW }).problems]) {
        count++
        expect({ name, english: englishRun(p.message) ?? englishRun(p.hint) }).toEqual({ name, english: undefined })
      }
    }
    expect(count).toBeGreaterThan(25)
    // The check itself catches English.
    expect(englishRun('the file is empty')).toBe('the file is empty')
    expect(englishRun('member_id "wxid a b c" 不是数字')).toBeUndefined()
  })
})

describe('maskPhone', () => {
  it('keeps only the first 3 and last 4 digits', () => {
    expect([maskPhone('13800138000'), maskPhone('+8613800138000'), maskPhone('12345')]).toEqual(['138****8000', '+86****8000', '****45'])
  })
})
