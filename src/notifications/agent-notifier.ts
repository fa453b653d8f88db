import type { Logger } from '../core/logger.js'
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
