import type { Report } from '../core/report.js'
import type { ReportService } from '../reports/report-service.js'

/** The daily digest as WeCom markdown: yesterday's (or today's) totals, the slowest groups and open items. */
export function digestMarkdown(report: Report): string {
  const day = report.days[report.days.length - 1]
  if (!day) return `**群客服日报** ${report.range.to}\n今天没有客户提问。`
  const minutes = (ms: number | null) => (ms === null ? '—' : `${(ms / 60_000).toFixed(1)} 分钟`)
  const busiest = [...report.groups].sort((a, b) => b.questions - a.questions).slice(0, 3)
  return [
    `**群客服日报** ${day.day}`,
    `> 提问 <font color="info">${day.questions}</font>，自动回复 ${day.autoSent}，客服发送 ${day.approved + day.edited}（改写 ${day.edited}），拒绝 ${day.rejected}`,
    `> 转人工 <font color="warning">${day.escalated}</font>，待处理 ${day.pending}，首次响应中位数 ${minutes(day.medianResponseMs)}，P90 ${minutes(day.p90ResponseMs)}`,
    ...(report.unanswered.length > 0 ? [`> 超时未回复 <font color="warning">${report.unanswered.length}</font> 条`] : []),
    ...(busiest.length > 0 ? ['提问最多的群：', ...busiest.map((g) => `- ${g.groupName}：${g.questions} 问，转人工 ${g.escalated}`)] : []),
  ].join('\n')
}

/**
 * Sends today's digest to the agents' internal group (18:00 by the scheduler, when a group robot is configured).
 *
 * @example
 * await sendDailyDigest({ reports, slaMinutes: async () => 15, send: (md) => webhook.sendMarkdown(md) })
 */
export async function sendDailyDigest(deps: { reports: ReportService; slaMinutes: () => Promise<number>; send: (markdown: string) => Promise<void> }): Promise<void> {
  const today = deps.reports.defaultRange().to
  await deps.send(digestMarkdown(await deps.reports.report({ from: today, to: today }, { slaMinutes: await deps.slaMinutes() })))
}
