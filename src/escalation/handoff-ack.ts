import type { EscalationReason } from '../core/vocabulary.js'

export interface HandoffAckSettings {
  handoffAck: string
  handoffAckByReason: Partial<Record<EscalationReason, string>>
  handoffAckByGroup: Record<string, string>
}

/**
 * What the customer hears when their question goes to a human, or undefined for nothing. Pure.
 * A reason's own text wins, then the group's, then the default; '' at the level that applies means silence.
 *
 * @example
 * handoffAckText({ handoffAck: '已为您转接人工客服，请稍候～', handoffAckByReason: { sla: '' }, handoffAckByGroup: {} }, 'keyword', 'r1')
 * // '已为您转接人工客服，请稍候～'
 */
export function handoffAckText(settings: HandoffAckSettings, reason: EscalationReason, groupId: string): string | undefined {
  const byReason = settings.handoffAckByReason[reason]
  const byGroup = Object.prototype.hasOwnProperty.call(settings.handoffAckByGroup, groupId) ? settings.handoffAckByGroup[groupId] : undefined
  // A group switched off stays silent whatever the reason.
  if (byGroup === '') return undefined
  const text = (byReason ?? byGroup ?? settings.handoffAck).trim()
  return text === '' ? undefined : text
}
