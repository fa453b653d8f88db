import { describe, expect, it } from 'vitest'
import type { Report } from '../../../src/core/report.js'
import { NO_AI_DRAFTS } from '../../../src/reports/aggregate-ai-drafts.js'
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

// Durations in seconds with one decimal (1550 ms → 1.6), the page's unit; rates as percentages (0.6667 → 66.7).
const OUTCOMES = '已回复,首次解决,未解决,观察中,首次解决率(%),正面反馈,负面反馈,无反馈,满意率(%)'
const OUTCOME_CELLS = '2,1,1,0,50,2,1,0,66.7'
const COUNTS = `问题,自动发送,坐席发送,编辑后发送,拒绝,需人工,待处理,响应中位数(秒),响应P90(秒),${OUTCOMES}`
const CELLS = `3,1,1,0,0,1,1,1.6,,${OUTCOME_CELLS}`

describe('reportTableCsv', () => {
  const outcomes = { answered: 2, resolved: 1, unresolved: 1, resolutionOpen: 0, resolutionRate: 0.5, positive: 2, negative: 1, noFeedback: 0, satisfactionRate: 0.6667 }
  const counts = { questions: 3, autoSent: 1, approved: 1, edited: 0, rejected: 0, escalated: 1, pending: 1, medianResponseMs: 1550, p90ResponseMs: null, ...outcomes }
  const report: Report = {
    range: { from: '2026-11-23', to: '2026-11-23' },
    utcOffsetMinutes: 480,
    slaMinutes: 15,
    resolutionWindowHours: 24,
    rows: [{ day: '2026-11-23', groupId: 'g1', groupName: '一号群', ...counts }],
    days: [{ day: '2026-11-23', ...counts }],
    groups: [{ groupId: 'g1', groupName: '一号群', ...counts }],
    intents: [{ intentId: 'invoice.issue', ...counts }, { intentId: null, ...counts }],
    agents: [{ agent: '小王', handled: 3, sent: 1, edited: 1, rejected: 1, escalationsClosed: 1, medianResponseMs: 45_000, p90ResponseMs: 61_234, ...outcomes }],
    unanswered: [{ suggestionId: 9, groupId: 'g1', groupName: '一号群', memberName: '张三', question: '=在吗', askedAt: '2026-11-23T08:00:00.000Z', waitingMs: 1_200_456 }],
    unmatched: [{ question: '今天天气怎么样', count: 2, lastAskedAt: '2026-11-23T16:30:00.000Z', groupNames: ['一号群', '二号群'] }],
    aiDrafts: NO_AI_DRAFTS,
  }

  it.each([
    { table: 'daily', lines: [`日期,${COUNTS}`, `2026-11-23,${CELLS}`] },
    { table: 'groups', lines: [`群,群ID,${COUNTS}`, `一号群,g1,${CELLS}`] },
    { table: 'rows', lines: [`日期,群,群ID,${COUNTS}`, `2026-11-23,一号群,g1,${CELLS}`] },
    { table: 'intents', lines: [`意图,${COUNTS}`, `invoice.issue,${CELLS}`, `（未匹配）,${CELLS}`] },
    { table: 'agents', lines: [`坐席,处理,按草稿发送,编辑后发送,拒绝,关闭需人工,响应中位数(秒),响应P90(秒),${OUTCOMES}`, `小王,3,1,1,1,1,45,61.2,${OUTCOME_CELLS}`] },
    { table: 'unanswered', lines: ['建议ID,群,客户,问题,提问时间(UTC+08:00),已等待(秒)', "9,一号群,张三,'=在吗,2026-11-23 16:00:00,1200.5"] },
    { table: 'unmatched', lines: ['问题,次数,最近一次(UTC+08:00),群', '今天天气怎么样,2,2026-11-24 00:30:00,一号群、二号群'] },
  ] as const)('$table', ({ table, lines }) => {
    expect(reportTableCsv(report, table)).toBe(BOM + lines.map((l) => `${l}\r\n`).join(''))
  })

  it('writes no duration column in milliseconds: every one says 秒', () => {
    for (const table of ['daily', 'groups', 'rows', 'intents', 'agents', 'unanswered', 'unmatched'] as const) {
      const header = reportTableCsv(report, table).slice(BOM.length).split('\r\n')[0]!
      expect(header).not.toMatch(/毫秒|_ms|Ms/)
      for (const column of header.split(',').filter((c) => /响应|等待/.test(c))) expect(column).toMatch(/\(秒\)$/)
    }
  })

  it('formats times in the offset', () => {
    expect(formatLocalTime('2026-11-23T16:00:00.000Z', 480)).toBe('2026-11-24 00:00:00')
    expect(formatLocalTime('2026-11-23T16:00:00.000Z', -330)).toBe('2026-11-23 10:30:00')
  })
})
