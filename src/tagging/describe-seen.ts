import { isMetricName, METRICS } from './metrics.js'

const CALL = /^(has_tag|asked)\('(.*)'\)$/su

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '未知'
  if (typeof value === 'boolean') return value ? '是' : '否'
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100)
  return String(value)
}

/**
 * What a rule saw when it decided, in an agent's words: "近 30 天严重负面消息 1，已有标签「高净值VIP」" instead of
 * `severe_messages_30d=1，has_tag('高净值VIP')=true`. Pure.
 *
 * @example
 * describeSeen({ messages_30d: 0, "asked('logistics.*')": 3 }) // '近 30 天发言 0，问过「logistics.*」3 次'
 */
export function describeSeen(seen: Record<string, unknown>): string {
  return Object.entries(seen).map(([key, value]) => {
    if (isMetricName(key)) return `${METRICS[key].label} ${valueText(value)}`
    const call = CALL.exec(key)
    if (call?.[1] === 'has_tag') return value === true ? `已有标签「${call[2]}」` : `没有标签「${call[2]}」`
    if (call?.[1] === 'asked') return `问过「${call[2]}」${valueText(value)} 次`
    return `${key} ${valueText(value)}`
  }).join('，')
}
