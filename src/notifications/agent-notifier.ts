import type { Logger } from '../core/logger.js'
import type { Report } from '../reports/report.js'
import type { Suggestion } from '../suggestions/suggestion.js'
import type { SuggestionEvent } from '../suggestions/suggestion-service.js'

const REASONS: Record<string, string> = { keyword: '客户要求转人工', emotion: '情绪激动', intent: '投诉类问题', misses: '连续没答上', sla: '超时未回复' }

/** The text for a question that needs a human, or a tag reminder; undefined for anything agents need not hear about. */
export function noticeFor(event: SuggestionEvent): string | undefined {
  const s: Suggestion = event.suggestion
  if (s.status !== 'pending') return undefined
  if (s.kind === 'reminder' && event.type === 'created') return `【成员提醒】群「${s.groupName}」${s.question}`
  if (s.escalationReason && (event.type === 'created' || s.escalationReason === 'sla')) {
    return `【需人工】群「${s.groupName}」${s.memberName}：${s.question}\n原因：${REASONS[s.escalationReason] ?? s.escalationReason}${s.escalationDetail ? `（${s.escalationDetail}）` : ''}`
  }
  return undefined
}

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
 * Tells the agents' internal WeCom group (a group robot) about questions that need a human and tag reminders, as
 * they happen. Sending never blocks the queue: failures are logged (the console still shows everything).
 *
 * @example
 * const stop = notifyAgents({ subscribe: suggestions.subscribe, send: (text) => webhook.sendText(text), logger })
 */
export function notifyAgents(deps: { subscribe: (listener: (event: SuggestionEvent) => void) => () => void; send: (text: string) => Promise<void>; logger: Logger }): () => void {
  const log = deps.logger.child({ component: 'agent-notifier' })
  // Once per suggestion: later updates (a failed send, an SLA re-check) must not ring again.
  const told = new Set<number>()
  return deps.subscribe((event) => {
    const text = noticeFor(event)
    if (!text || told.has(event.suggestion.id)) return
    told.add(event.suggestion.id)
    if (told.size > 10_000) told.delete(told.values().next().value as number)
    deps.send(text).catch((error: unknown) => log.warn({ err: error, suggestionId: event.suggestion.id }, 'notifying agents through the group robot failed'))
  })
}
