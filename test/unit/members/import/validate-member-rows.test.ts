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
      'bad-values.csv:2: monthly_spend "1,234.50" has a thousands separator — write 1234.50 (in CSV a comma starts a new column)',
      'bad-values.csv:3: monthly_spend "-5" is negative — amounts are 0 or more; leave the cell empty when unknown',
      'bad-values.csv:3: total_spend "abc" is not a number — write digits only, e.g. 1234.50 (no ¥, 元, spaces or thousands separators)',
      'bad-values.csv:3: orders "2.5" is not a whole number — write a whole number, e.g. 3',
      expect.stringMatching(/^bad-values\.csv:3: last_purchase "2026-13-01" is not a valid date — /),
      'bad-values.csv:4: last_purchase "2099-01-01" is in the future — the last purchase cannot be later than now; check the year and the column',
      'bad-values.csv:4: returns (3) is more than orders (1) — returns counts returned orders, so it cannot exceed orders; check the two columns',
      'bad-values.csv:5: no member_id, external_userid or phone — every row needs one of them to know who it is about',
      'bad-values.csv:6: member_id "wxid_a" is already on line 2 — keep one row per member',
      expect.stringMatching(/^bad-values\.csv:7: monthly_spend "¥100" is not a number — /),
      'bad-values.csv:7: total_spend "1e999" is too large — check the value',
      expect.stringMatching(/^bad-values\.csv:7: last_purchase "2026\/2\/30" is not a valid date — /),
    ])
  })

  it('still reports a duplicate when the first row with that key had other problems', () => {
    expect(messages(csv('member_id,orders\nwxid_a,x\nwxid_a,1\n'))).toEqual([
      expect.stringMatching(/^crm\.csv:2: orders "x" is not a number/),
      'crm.csv:3: member_id "wxid_a" is already on line 2 — keep one row per member',
    ])
  })

  it('treats a member_id and an external_userid with the same value as the same member', () => {
    expect(messages(csv('member_id,external_userid\nwm1,\n,wm1\n'))).toEqual(['crm.csv:3: external_userid "wm1" is already on line 2 — keep one row per member'])
  })

  it('reports duplicate phone numbers without printing them in full', () => {
    expect(messages(csv('phone\n13800138000\n138-0013-8000\n'))).toEqual(['crm.csv:3: phone 138****8000 is already on line 2 — keep one row per member'])
  })

  it('names columns as the file does in messages', () => {
    expect(messages(csv('会员ID,订单数\nwxid_a,1.5\n'))).toEqual(['crm.csv:2: 订单数 (orders) "1.5" is not a whole number — write a whole number, e.g. 2'])
  })

  it('reports JSON problems by index, and values of the wrong type', () => {
    const bytes = Buffer.from('[{"member_id": "a", "orders": true}, {"member_id": {"x": 1}}, {"member_id": "c", "total_spend": 1e400, "last_purchase": 20261101}]')
    expect(validate('crm.json', bytes).problems.map(formatMemberFileProblem)).toEqual([
      'crm.json:#1: orders must be a number, not a boolean — write a whole number, e.g. 3',
      expect.stringMatching(/^crm\.json:#2: member_id must be text, not an object — /),
      'crm.json:#3: total_spend "Infinity" is too large — check the value',
      expect.stringMatching(/^crm\.json:#3: last_purchase must be a date written as text, not a number — /),
    ])
  })

  it('refuses ids with control characters or of absurd length (evil.csv), and formulas as numbers', () => {
    expect(messages(fixture('evil.csv'))).toEqual([
      expect.stringMatching(/^evil\.csv:2: monthly_spend "=1\+1" is not a number — /),
      'evil.csv:3: member_id "wxid_nul\\u0000x" contains control characters — remove line breaks, tabs and NUL bytes from the id',
      'evil.csv:4: member_id is 5000 characters long — ids are at most 256 characters; check that the column holds ids',
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
      [2, 'is not a valid date'], [3, 'is not a valid date'], [4, 'is not a date'], [5, 'is not a valid date'],
    ])
  })
})

describe('maskPhone', () => {
  it('keeps only the first 3 and last 4 digits', () => {
    expect([maskPhone('13800138000'), maskPhone('+8613800138000'), maskPhone('12345')]).toEqual(['138****8000', '+86****8000', '****45'])
  })
})
