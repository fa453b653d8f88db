import { describe, expect, it } from 'vitest'
import type { Report } from '../../../src/core/report.js'
import { formatLocalTime, reportTableCsv, toCsv } from '../../../src/reports/to-csv.js'

const BOM = '\uFEFF'
/** The one data cell of a one-cell CSV, without BOM, header and line end. */
const cell = (value: string | number | null) => toCsv(['h'], [[value]]).slice(BOM.length + 'h\r\n'.length, -2)

describe('toCsv', () => {
  it('starts with a UTF-8 BOM and ends each record with CRLF', () => {
    expect(toCsv(['问题', '次数'], [['能开发票吗', 3]])).toBe(`${BOM}问题,次数\r\n能开发票吗,3\r\n`)
    expect(Buffer.from(toCsv(['a'], [])).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
  })

  it.each([
    { name: 'plain Chinese', value: '今天天气怎么样', out: '今天天气怎么样' },
    { name: 'comma', value: '发票, 急', out: '"发票, 急"' },
    { name: 'quote', value: '他说"好"', out: '"他说""好"""' },
    { name: 'newline', value: '第一行\n第二行', out: '"第一行\n第二行"' },
    { name: 'CRLF', value: 'a\r\nb', out: '"a\r\nb"' },
    { name: 'Chinese comma needs no quotes', value: '好的，谢谢', out: '好的，谢谢' },
    { name: 'null', value: null, out: '' },
    { name: 'empty string', value: '', out: '' },
    { name: 'integer', value: 42, out: '42' },
    { name: 'negative number', value: -5, out: '-5' },
    { name: 'decimal', value: 1.5, out: '1.5' },
    { name: 'NaN', value: Number.NaN, out: '' },
    { name: 'negative number as text', value: '-12.5', out: '-12.5' },
    { name: 'formula =', value: '=HYPERLINK("http://evil","点我")', out: `"'=HYPERLINK(""http://evil"",""点我"")"` },
    { name: 'formula +', value: '+1+1', out: "'+1+1" },
    { name: 'formula -', value: '-1+cmd', out: "'-1+cmd" },
    { name: 'formula @', value: '@SUM(A1)', out: "'@SUM(A1)" },
    { name: 'leading tab', value: '\t=1', out: "'\t=1" },
    { name: 'formula sign later is fine', value: '价格=100', out: '价格=100' },
  ])('$name', ({ value, out }) => {
    expect(cell(value)).toBe(out)
  })
})

describe('reportTableCsv', () => {
  const counts = { questions: 3, autoSent: 1, approved: 1, edited: 0, rejected: 0, escalated: 1, pending: 1, medianResponseMs: 1500, p90ResponseMs: null }
  const report: Report = {
    range: { from: '2026-11-23', to: '2026-11-23' },
    utcOffsetMinutes: 480,
    slaMinutes: 15,
    rows: [{ day: '2026-11-23', groupId: 'g1', groupName: '一号群', ...counts }],
    days: [{ day: '2026-11-23', ...counts }],
    groups: [{ groupId: 'g1', groupName: '一号群', ...counts }],
    unanswered: [{ suggestionId: 9, groupId: 'g1', groupName: '一号群', memberName: '张三', question: '=在吗', askedAt: '2026-11-23T08:00:00.000Z', waitingMs: 1_200_000 }],
    unmatched: [{ question: '今天天气怎么样', count: 2, lastAskedAt: '2026-11-23T16:30:00.000Z', groupNames: ['一号群', '二号群'] }],
  }

  it.each([
    { table: 'daily', lines: ['日期,问题,自动发送,坐席发送,编辑后发送,拒绝,需人工,待处理,响应中位数(毫秒),响应P90(毫秒)', '2026-11-23,3,1,1,0,0,1,1,1500,'] },
    { table: 'groups', lines: ['群,群ID,问题,自动发送,坐席发送,编辑后发送,拒绝,需人工,待处理,响应中位数(毫秒),响应P90(毫秒)', '一号群,g1,3,1,1,0,0,1,1,1500,'] },
    { table: 'rows', lines: ['日期,群,群ID,问题,自动发送,坐席发送,编辑后发送,拒绝,需人工,待处理,响应中位数(毫秒),响应P90(毫秒)', '2026-11-23,一号群,g1,3,1,1,0,0,1,1,1500,'] },
    { table: 'unanswered', lines: ['建议ID,群,客户,问题,提问时间(UTC+08:00),已等待(毫秒)', "9,一号群,张三,'=在吗,2026-11-23 16:00:00,1200000"] },
    { table: 'unmatched', lines: ['问题,次数,最近一次(UTC+08:00),群', '今天天气怎么样,2,2026-11-24 00:30:00,一号群、二号群'] },
  ] as const)('$table', ({ table, lines }) => {
    expect(reportTableCsv(report, table)).toBe(BOM + lines.map((l) => `${l}\r\n`).join(''))
  })

  it('formats times in the offset', () => {
    expect(formatLocalTime('2026-11-23T16:00:00.000Z', 480)).toBe('2026-11-24 00:00:00')
    expect(formatLocalTime('2026-11-23T16:00:00.000Z', -330)).toBe('2026-11-23 10:30:00')
  })
})
