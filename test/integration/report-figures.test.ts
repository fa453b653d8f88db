import { afterEach, describe, expect, it } from 'vitest'
import type { ReportView } from '../../src/console/contract.js'
import { login } from './console-session.js'
import { AGENT_PASSWORD, buildReportDay } from './report-day.js'
import type { TestApp } from './test-context.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

/** A CSV as rows of cells (no quoted commas in these tables), BOM and CRLF gone. */
function parseCsv(text: string): string[][] {
  return text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean).map((line) => line.split(','))
}
const column = (rows: string[][], name: string) => {
  const at = rows[0]!.indexOf(name)
  if (at < 0) throw new Error(`no column ${name} in ${rows[0]!.join(',')}`)
  return rows.slice(1).map((r) => r[at]!)
}
// Six questions, decisions and replies one after another through the puppet, the outbox and HTTP: a loaded
// two-core machine needs more than the default 30 s for the whole day (nothing here waits on a timer).
const DAY_TIMEOUT_MS = 90_000
const seconds = (ms: number | null) => (ms === null ? '' : String(Math.round(ms / 100) / 10))

describe('resolution, satisfaction and per-agent figures over a real day (mock puppet, HTTP, database)', () => {
  it('reports them in GET /api/reports and the CSVs, open while the window runs and settled a day later', async () => {
    const day = await buildReportDay()
    t = day.t
    const query = `from=${day.range.from}&to=${day.range.to}`

    // Right after the day: only the re-ask is known; every other reply is still being watched.
    const early = (await t.api<ReportView>('GET', `/api/reports?${query}`)).body
    expect(early.resolutionWindowHours).toBe(24)
    expect(early.groups).toEqual([expect.objectContaining({ questions: 6, answered: 5, resolved: 0, unresolved: 1, resolutionOpen: 4, resolutionRate: 0, positive: 1, negative: 1, noFeedback: 3, satisfactionRate: 0.5 })])

    // The next day (yesterday's sessions have expired), 小王 logs in and reads the settled figures.
    day.settle()
    const wang = (await login(t.app.url, '小王', AGENT_PASSWORD)).session!
    const res = await wang.call<ReportView>('GET', `/api/reports?${query}`)
    expect(res.status).toBe(200)
    const report = res.body
    const outcomes = { answered: 5, resolved: 4, unresolved: 1, resolutionOpen: 0, resolutionRate: 0.8, positive: 1, negative: 1, noFeedback: 3, satisfactionRate: 0.5 }
    expect(report.groups).toEqual([expect.objectContaining({ groupName: 'VIP客户群', questions: 6, autoSent: 1, approved: 2, edited: 2, rejected: 1, ...outcomes })])
    const days = report.days.filter((d) => d.questions > 0)
    expect(days.reduce((n, d) => n + d.resolved, 0)).toBe(4)
    expect(days.reduce((n, d) => n + d.negative, 0)).toBe(1)

    expect(report.intents.map((i) => [i.intentId, i.questions, i.answered, i.resolved, i.unresolved, i.positive, i.negative])).toEqual([
      ['invoice.issue', 2, 1, 0, 1, 0, 1],
      ['logistics.track', 1, 1, 1, 0, 1, 0],
      ['returns.refund', 1, 1, 1, 0, 0, 0],
      ['service.hours', 1, 1, 1, 0, 0, 0],
      [null, 1, 1, 1, 0, 0, 0],
    ])

    expect(report.agents.map(({ medianResponseMs, p90ResponseMs, ...rest }) => rest)).toEqual([
      { agent: '小李', handled: 3, sent: 1, edited: 2, rejected: 0, escalationsClosed: 1, answered: 3, resolved: 2, unresolved: 1, resolutionOpen: 0, resolutionRate: 0.6667, positive: 0, negative: 1, noFeedback: 2, satisfactionRate: 0 },
      { agent: '小王', handled: 2, sent: 1, edited: 0, rejected: 1, escalationsClosed: 0, answered: 1, resolved: 1, unresolved: 0, resolutionOpen: 0, resolutionRate: 1, positive: 1, negative: 0, noFeedback: 0, satisfactionRate: 1 },
    ])
    for (const agent of report.agents) {
      expect(agent.medianResponseMs).toBeGreaterThan(0)
      expect(agent.p90ResponseMs).toBeGreaterThanOrEqual(agent.medianResponseMs!)
    }

    // The CSVs: the same figures, durations in seconds (the page's unit), rates in percent.
    const agentsCsv = await wang.call<string>('GET', `/api/reports/agents.csv?${query}`)
    expect(agentsCsv.headers.get('content-type')).toContain('text/csv')
    const agents = parseCsv(agentsCsv.body)
    expect(agents[0]).toEqual(['坐席', '处理', '按草稿发送', '编辑后发送', '拒绝', '关闭需人工', '响应中位数(秒)', '响应P90(秒)', '已回复', '首次解决', '未解决', '观察中', '首次解决率(%)', '正面反馈', '负面反馈', '无反馈', '满意率(%)'])
    expect(column(agents, '坐席')).toEqual(['小李', '小王'])
    expect(column(agents, '首次解决率(%)')).toEqual(['66.7', '100'])
    expect(column(agents, '满意率(%)')).toEqual(['0', '100'])
    expect(column(agents, '响应中位数(秒)')).toEqual(report.agents.map((a) => seconds(a.medianResponseMs)))
    expect(column(agents, '响应P90(秒)')).toEqual(report.agents.map((a) => seconds(a.p90ResponseMs)))

    const groups = parseCsv((await wang.call<string>('GET', `/api/reports/groups.csv?${query}`)).body)
    expect(column(groups, '首次解决率(%)')).toEqual(['80'])
    expect(column(groups, '满意率(%)')).toEqual(['50'])
    expect(column(groups, '响应中位数(秒)')).toEqual([seconds(report.groups[0]!.medianResponseMs)])
    const intents = parseCsv((await wang.call<string>('GET', `/api/reports/intents.csv?${query}`)).body)
    expect(column(intents, '意图')).toEqual(['invoice.issue', 'logistics.track', 'returns.refund', 'service.hours', '（未匹配）'])
    for (const table of ['daily', 'groups', 'rows', 'intents', 'agents', 'unanswered']) {
      const header = parseCsv((await wang.call<string>('GET', `/api/reports/${table}.csv?${query}`)).body)[0]!
      expect(header.join(',')).not.toContain('毫秒')
    }
  }, DAY_TIMEOUT_MS)
})
