import type { OutcomeCounts, Report, ReportRow } from '../core/report.js'

export type ReportTable = 'daily' | 'groups' | 'rows' | 'intents' | 'agents' | 'unanswered' | 'unmatched'
export type CsvCell = string | number | null

/** Excel reads a BOM-less CSV as the local ANSI code page (GBK on Chinese Windows) and garbles UTF-8 Chinese. */
const BOM = '\uFEFF'
/**
 * Cells a spreadsheet would run as a formula (OWASP "CSV injection"): = + - @, and tab / CR which some
 * spreadsheets skip before looking for them. A customer's question is untrusted text that lands in these files.
 */
const FORMULA_START = /^[=+\-@\t\r]/
/** A negative number written as text is data, not a formula: left alone so it stays a number in Excel. */
const PLAIN_NEGATIVE_NUMBER = /^-\d+(\.\d+)?$/

/**
 * RFC 4180 CSV (CRLF line ends, fields with quotes, commas or line breaks quoted, quotes doubled) with a UTF-8
 * BOM. Number cells are written as numbers; null and non-finite numbers become empty cells; text cells that
 * would start a formula get a leading single quote.
 *
 * @example
 * toCsv(['问题', '次数'], [['=1+1', 3], ['能开发票吗, 急', -2]])
 * // '\uFEFF问题,次数\r\n\'=1+1,3\r\n"能开发票吗, 急",-2\r\n'
 */
export function toCsv(header: string[], rows: Array<Array<CsvCell>>): string {
  return BOM + [header, ...rows].map((row) => row.map(csvCell).join(',') + '\r\n').join('')
}

function csvCell(value: CsvCell): string {
  if (value === null) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  const text = FORMULA_START.test(value) && !PLAIN_NEGATIVE_NUMBER.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * Durations are written in seconds (one decimal), the page's unit, so a sheet and the screen show the same number;
 * the API's JSON keeps milliseconds.
 *
 * @example
 * msToSeconds(1_550)   // 1.6
 */
export function msToSeconds(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms / 100) / 10
}

/** A 0..1 rate as a percentage with one decimal (66.7), as the page shows it. */
const percent = (rate: number | null): number | null => (rate === null ? null : Math.round(rate * 1000) / 10)

const OUTCOME_HEADERS = ['已回复', '首次解决', '未解决', '观察中', '首次解决率(%)', '正面反馈', '负面反馈', '无反馈', '满意率(%)']
const outcomeCells = (c: OutcomeCounts): CsvCell[] => [c.answered, c.resolved, c.unresolved, c.resolutionOpen, percent(c.resolutionRate), c.positive, c.negative, c.noFeedback, percent(c.satisfactionRate)]
const COUNT_HEADERS = ['问题', '自动发送', '坐席发送', '编辑后发送', '拒绝', '需人工', '待处理', '响应中位数(秒)', '响应P90(秒)', ...OUTCOME_HEADERS]
type Counts = Omit<ReportRow, 'day' | 'groupId' | 'groupName'>
const countCells = (c: Counts): CsvCell[] => [c.questions, c.autoSent, c.approved, c.edited, c.rejected, c.escalated, c.pending, msToSeconds(c.medianResponseMs), msToSeconds(c.p90ResponseMs), ...outcomeCells(c)]
const AGENT_HEADERS = ['坐席', '处理', '按草稿发送', '编辑后发送', '拒绝', '关闭需人工', '响应中位数(秒)', '响应P90(秒)', ...OUTCOME_HEADERS]

/**
 * One table of a report as CSV with Chinese headers, for the Reports page's download links. Times are written
 * in the report's UTC offset (`2026-11-23 16:00:00`), which Excel recognises as a date-time.
 *
 * @example
 * reportTableCsv(report, 'daily')   // '\uFEFF日期,问题,自动发送,...\r\n2026-11-23,12,5,...\r\n...'
 */
export function reportTableCsv(report: Report, table: ReportTable): string {
  const at = (iso: string) => formatLocalTime(iso, report.utcOffsetMinutes)
  const zone = formatOffset(report.utcOffsetMinutes)
  switch (table) {
    case 'daily':
      return toCsv(['日期', ...COUNT_HEADERS], report.days.map((d) => [d.day, ...countCells(d)]))
    case 'groups':
      return toCsv(['群', '群ID', ...COUNT_HEADERS], report.groups.map((g) => [g.groupName, g.groupId, ...countCells(g)]))
    case 'rows':
      return toCsv(['日期', '群', '群ID', ...COUNT_HEADERS], report.rows.map((r) => [r.day, r.groupName, r.groupId, ...countCells(r)]))
    case 'intents':
      return toCsv(['意图', ...COUNT_HEADERS], report.intents.map((i) => [i.intentId ?? '（未匹配）', ...countCells(i)]))
    case 'agents':
      return toCsv(AGENT_HEADERS, report.agents.map((a) => [
        a.agent, a.handled, a.sent, a.edited, a.rejected, a.escalationsClosed, msToSeconds(a.medianResponseMs), msToSeconds(a.p90ResponseMs), ...outcomeCells(a),
      ]))
    case 'unanswered':
      return toCsv(['建议ID', '群', '客户', '问题', `提问时间(${zone})`, '已等待(秒)'], report.unanswered.map((u) => [u.suggestionId, u.groupName, u.memberName, u.question, at(u.askedAt), msToSeconds(u.waitingMs)]))
    case 'unmatched':
      return toCsv(['问题', '次数', `最近一次(${zone})`, '群'], report.unmatched.map((u) => [u.question, u.count, at(u.lastAskedAt), u.groupNames.join('、')]))
  }
}

/** `2026-11-23T08:00:00.000Z` at +480 → `2026-11-23 16:00:00`. */
export function formatLocalTime(iso: string, utcOffsetMinutes: number): string {
  const local = new Date(Date.parse(iso) + utcOffsetMinutes * 60_000).toISOString()
  return `${local.slice(0, 10)} ${local.slice(11, 19)}`
}

/** 480 → `UTC+08:00`, -330 → `UTC-05:30`. */
function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes)
  return `UTC${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}
