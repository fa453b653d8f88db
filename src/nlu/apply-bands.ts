import type { Band } from '../knowledge/matching-bands.js'
import type { MatchResult } from './intent-matcher.js'
import { AUTO_SEND_MARGIN, DEFAULT_ACCEPT_THRESHOLD, DEFAULT_AUTO_SEND_THRESHOLD } from './matcher-settings.js'

/**
 * Re-decides a match with the bands that apply to this question: the intent's own (its `threshold` and
 * `auto_send_threshold`, else the global band, else the matcher defaults) raised by the group's band when the
 * group has a stricter one. Pure.
 *
 * @example
 * applyBands(match, { intent: { suggest: 0.3 }, global: {}, group: { suggest: 0.4, autoSend: 0.8 } })
 * // accepted only at score >= 0.4, auto-sent only at >= 0.8
 */
export function applyBands(match: MatchResult, bands: { intent: Band; global: Band; group?: Band | undefined }): MatchResult {
  const best = match.top[0]
  if (!best) return match
  const suggest = Math.max(bands.intent.suggest ?? bands.global.suggest ?? DEFAULT_ACCEPT_THRESHOLD, bands.group?.suggest ?? 0)
  const autoSend = Math.max(bands.intent.autoSend ?? bands.global.autoSend ?? DEFAULT_AUTO_SEND_THRESHOLD, bands.group?.autoSend ?? 0, suggest)
  if (best.score < suggest) return { decision: 'reject', intent: null, confident: false, top: match.top, threshold: suggest }
  const runnerUp = Math.max(0, ...match.top.slice(1).map((t) => t.score))
  const confident = best.score >= autoSend && best.score - runnerUp >= AUTO_SEND_MARGIN
  return { decision: 'accept', intent: best, confident, top: match.top, threshold: suggest }
}
