import type { Chart as ChartJs, ChartConfiguration } from 'chart.js'
import type { ReportAgent, ReportCounts, ReportView } from '../contract.js'
import { loadIntentLabels } from './intent-names.js'
import { api } from './api.js'
import { byId, formatTime, h, initChrome } from './dom.js'
import { REPORTS_IDS } from './reports.ids.js'

// Read once per page: intents' names for the 按意图 table.
const intentLabels = loadIntentLabels()

declare const Chart: new (canvas: HTMLCanvasElement, config: ChartConfiguration) => ChartJs

initChrome()
const form = byId<HTMLFormElement>(REPORTS_IDS.filter)
const groupSelect = form.elements.namedItem('groupId') as HTMLSelectElement
const knownGroups = new Map<string, string>()
const charts: ChartJs[] = []
const seconds = (ms: number | null) => (ms === null ? '—' : (ms / 1000).toFixed(1))
// The stacked outcomes partition the questions; escalations cut across them, so they are drawn as a line.
const COLORS = { autoSent: '#52c41a', approved: '#1d6fe8', edited: '#722ed1', rejected: '#8c8c8c', pending: '#faad14' }
const LABELS: Record<keyof typeof COLORS, string> = { autoSent: '自动发送', approved: '坐席发送', edited: '编辑后发送', rejected: '拒绝', pending: '待处理' }

/** The filter as a query; empty dates let the server pick its default range (last 7 days in its time zone). */
function query(): URLSearchParams {
  const data = new FormData(form)
  const params = new URLSearchParams()
  for (const key of ['from', 'to', 'groupId']) if (data.get(key)) params.set(key, String(data.get(key)))
  return params
}

function table(headers: string[], rows: Array<Array<string | number>>, numeric: number[] = []): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted' }, '没有数据')
  return h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((cell, i) => h('td', { class: numeric.includes(i) ? 'num' : undefined }, cell))))))
}

/** A 0..1 rate as the page shows it; — when there is nothing to rate. */
const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`)
const countCols = (c: ReportCounts) => [c.questions, c.autoSent, c.approved, c.edited, c.rejected, c.escalated, seconds(c.medianResponseMs), seconds(c.p90ResponseMs), percent(c.resolutionRate), percent(c.satisfactionRate)]
const COUNT_HEADERS = ['问题', '自动发送', '坐席发送', '编辑后发送', '拒绝', '需人工', '响应中位数(秒)', '响应P90(秒)', '首次解决率', '满意率']
const COUNT_NUMERIC = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
const agentCols = (a: ReportAgent) => [a.agent, a.handled, a.sent, a.edited, a.rejected, a.escalationsClosed, seconds(a.medianResponseMs), seconds(a.p90ResponseMs), percent(a.resolutionRate), `${a.positive} / ${a.negative} / ${a.noFeedback}`, percent(a.satisfactionRate)]
const AGENT_HEADERS = ['坐席', '处理', '按草稿发送', '编辑后发送', '拒绝', '关闭需人工', '响应中位数(秒)', '响应P90(秒)', '首次解决率', '正面/负面/无反馈', '满意率']

/** Resolution and satisfaction over the whole range, from the day totals (rates over sums, never an average of rates). */
function outcomeTotals(days: ReportView['days']) {
  const sum = (key: 'resolved' | 'unresolved' | 'positive' | 'negative') => days.reduce((acc, d) => acc + d[key], 0)
  const [resolved, unresolved, positive, negative] = [sum('resolved'), sum('unresolved'), sum('positive'), sum('negative')]
  return {
    resolutionRate: resolved + unresolved === 0 ? null : resolved / (resolved + unresolved),
    satisfactionRate: positive + negative === 0 ? null : positive / (positive + negative),
  }
}

async function load(): Promise<void> {
  const params = query()
  const [report, intentLabel] = await Promise.all([api<ReportView>('GET', `/api/reports?${params}`), intentLabels])
  ;(form.elements.namedItem('from') as HTMLInputElement).value = report.range.from
  ;(form.elements.namedItem('to') as HTMLInputElement).value = report.range.to
  params.set('from', report.range.from)
  params.set('to', report.range.to)
  for (const g of report.groups) knownGroups.set(g.groupId, g.groupName)
  const selected = groupSelect.value
  groupSelect.replaceChildren(h('option', { value: '' }, '全部群'), ...[...knownGroups].map(([id, name]) => h('option', { value: id }, name)))
  groupSelect.value = selected

  const total = report.days.reduce((acc, d) => {
    for (const key of ['questions', 'autoSent', 'approved', 'edited', 'rejected', 'escalated'] as const) acc[key] += d[key]
    return acc
  }, { questions: 0, autoSent: 0, approved: 0, edited: 0, rejected: 0, escalated: 0 })
  const answered = total.autoSent + total.approved + total.edited
  const outcomes = outcomeTotals(report.days)
  byId(REPORTS_IDS.kpis).replaceChildren(
    h('div', { class: 'kpi' }, '问题数', h('b', {}, total.questions)),
    h('div', { class: 'kpi' }, '自动回复率', h('b', {}, total.questions ? `${Math.round((total.autoSent / total.questions) * 100)}%` : '—')),
    h('div', { class: 'kpi' }, '已回复', h('b', {}, answered)),
    h('div', { class: 'kpi' }, '需人工', h('b', {}, total.escalated)),
    h('div', { class: 'kpi', 'data-kpi': 'resolution' }, '首次解决率', h('b', {}, percent(outcomes.resolutionRate))),
    h('div', { class: 'kpi', 'data-kpi': 'satisfaction' }, '满意率', h('b', {}, percent(outcomes.satisfactionRate))),
    h('div', { class: 'kpi' }, `超时未回复（>${report.slaMinutes} 分钟）`, h('b', {}, report.unanswered.length)),
  )
  byId(REPORTS_IDS.sla).textContent = String(report.slaMinutes)
  byId(REPORTS_IDS.resolutionWindow).textContent = String(report.resolutionWindowHours)

  for (const chart of charts.splice(0)) chart.destroy()
  const labels = report.days.map((d) => d.day.slice(5))
  charts.push(new Chart(byId<HTMLCanvasElement>(REPORTS_IDS.chartDaily), {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { type: 'line', label: '需人工', data: report.days.map((d) => d.escalated), borderColor: '#d4380d', backgroundColor: '#d4380d', order: 0 },
        ...(Object.keys(COLORS) as Array<keyof typeof COLORS>).map((key) => ({ type: 'bar' as const, label: LABELS[key], data: report.days.map((d) => d[key]), backgroundColor: COLORS[key], stack: 'outcome', order: 1 })),
      ],
    },
    options: { responsive: true, animation: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
  }))
  charts.push(new Chart(byId<HTMLCanvasElement>(REPORTS_IDS.chartResponse), {
    type: 'line',
    data: { labels, datasets: [
      { label: '中位数', data: report.days.map((d) => (d.medianResponseMs === null ? null : d.medianResponseMs / 1000)), borderColor: '#1d6fe8', backgroundColor: '#1d6fe8', spanGaps: true },
      { label: 'P90', data: report.days.map((d) => (d.p90ResponseMs === null ? null : d.p90ResponseMs / 1000)), borderColor: '#d4380d', backgroundColor: '#d4380d', spanGaps: true },
    ] },
    options: { responsive: true, animation: false, scales: { y: { beginAtZero: true } } },
  }))
  const asPercent = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10)
  charts.push(new Chart(byId<HTMLCanvasElement>(REPORTS_IDS.chartOutcomes), {
    type: 'line',
    data: { labels, datasets: [
      { label: '首次解决率', data: report.days.map((d) => asPercent(d.resolutionRate)), borderColor: '#52c41a', backgroundColor: '#52c41a', spanGaps: true },
      { label: '满意率', data: report.days.map((d) => asPercent(d.satisfactionRate)), borderColor: '#722ed1', backgroundColor: '#722ed1', spanGaps: true },
    ] },
    options: { responsive: true, animation: false, scales: { y: { beginAtZero: true, max: 100 } } },
  }))

  byId(REPORTS_IDS.tableDaily).replaceChildren(table(['日期', ...COUNT_HEADERS], report.days.map((d) => [d.day, ...countCols(d)]), COUNT_NUMERIC))
  byId(REPORTS_IDS.tableGroups).replaceChildren(table(['群', ...COUNT_HEADERS], report.groups.map((g) => [g.groupName, ...countCols(g)]), COUNT_NUMERIC))
  byId(REPORTS_IDS.tableIntents).replaceChildren(table(['意图', ...COUNT_HEADERS], report.intents.map((i) => [i.intentId === null ? '（未匹配）' : intentLabel(i.intentId), ...countCols(i)]), COUNT_NUMERIC))
  byId(REPORTS_IDS.tableAgents).replaceChildren(table(AGENT_HEADERS, report.agents.map(agentCols), [1, 2, 3, 4, 5, 6, 7, 8, 10]))
  byId(REPORTS_IDS.tableUnanswered).replaceChildren(table(['群', '客户', '问题', '提问时间', '已等待(分钟)'], report.unanswered.map((u) => [u.groupName, u.memberName, u.question, formatTime(u.askedAt), Math.floor(u.waitingMs / 60000)]), [4]))
  byId(REPORTS_IDS.tableUnmatched).replaceChildren(table(['问题', '次数', '最近一次', '群'], report.unmatched.map((u) => [u.question, u.count, formatTime(u.lastAskedAt), u.groupNames.join('、')]), [1]))
  const ai = report.aiDrafts
  byId(REPORTS_IDS.aiDrafts).replaceChildren(ai.requested === 0 ? h('p', { class: 'muted' }, '没有 AI 草稿请求') : table(
    ['请求', '已生成', '失败', '超时', '晚于坐席', '按草稿发送', '编辑后发送', '拒绝', '输入 Token', '输出 Token', '估算 Token 的请求', '费用'],
    [[ai.requested, ai.drafted, ai.failed, ai.timedOut, ai.superseded, ai.sentUnchanged, ai.edited, ai.rejected, ai.promptTokens, ai.completionTokens, ai.estimatedTokens, ai.cost.toFixed(4)]],
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]))
  for (const link of document.querySelectorAll<HTMLAnchorElement>('a.csv')) link.href = `/api/reports/${link.dataset.table}.csv?${params}`
}

form.addEventListener('submit', (event) => {
  event.preventDefault()
  void load()
})
void load()
