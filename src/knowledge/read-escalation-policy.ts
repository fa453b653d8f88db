import { isMap, isScalar, isSeq } from 'yaml'
import type { Document, Pair, YAMLMap } from 'yaml'
import type { Severity } from '../core/vocabulary.js'
import { didYouMean, didYouMeanHint } from '../core/did-you-mean.js'
import type { YamlReporters } from '../core/yaml/yaml-reporters.js'
import { DEFAULT_ESCALATION_POLICY, type EscalationPolicy } from './escalation-policy.js'
import { ESCALATION_FORMAT, keysOf } from './knowledge-format.js'

// Keys, choices and ranges come from the format knowledge.schema.json is generated from.
const KEYS = keysOf(ESCALATION_FORMAT)
const EMOTIONS: readonly string[] = ESCALATION_FORMAT.properties.emotion.enum
const MISSES = ESCALATION_FORMAT.properties.consecutive_misses

/**
 * Reads the `escalation:` mapping of a knowledge file; keys left out keep their defaults. Returns undefined when
 * something is wrong (already reported with its line).
 *
 * @example
 * // escalation:
 * //   keywords: [转人工, 人工客服]
 * //   intents: [complaint.*]
 * //   emotion: severe
 * //   consecutive_misses: 3
 */
export function readEscalationPolicy(doc: Document, node: unknown, line: number, report: YamlReporters): EscalationPolicy | undefined {
  if (!isMap(node)) {
    report.problem(line, 'escalation 必须是“键: 值”结构', '在 `escalation:` 下面缩进写键，如 `keywords: [转人工]`')
    return undefined
  }
  const policy: { -readonly [K in keyof EscalationPolicy]: EscalationPolicy[K] } = { ...DEFAULT_ESCALATION_POLICY }
  let ok = true
  const fail = (at: number, message: string, hint: string) => {
    ok = false
    report.problem(at, message, hint)
  }
  for (const pair of (node as YAMLMap).items as Pair[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '?'
    const at = report.lineOf(pair.value, report.lineOf(pair.key, line))
    const value = pair.value
    if (key === 'keywords' || key === 'intents') {
      const items = isSeq(value) ? value.items.map((i) => (isScalar(i) ? i.value : undefined)) : undefined
      if (!items || items.some((i) => typeof i !== 'string' || i.trim() === '')) {
        fail(at, `escalation.${key} 必须是文字列表`, key === 'keywords' ? '如 `keywords: [转人工, 人工客服]`' : '如 `intents: [complaint.*, service.human]`')
      } else policy[key] = Object.freeze((items as string[]).map((i) => i.trim()))
    } else if (key === 'emotion') {
      const raw = isScalar(value) ? value.value : undefined
      if (typeof raw !== 'string' || !EMOTIONS.includes(raw)) {
        fail(at, `escalation.emotion 必须是 ${EMOTIONS.join('、')} 之一`, '如 `emotion: severe`（none 关闭这条规则）')
      } else policy.emotion = raw as Severity
    } else if (key === 'consecutive_misses') {
      const raw = isScalar(value) ? value.value : undefined
      if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < MISSES.minimum || raw > MISSES.maximum) {
        fail(at, `escalation.consecutive_misses 必须是 ${MISSES.minimum} 到 ${MISSES.maximum} 之间的整数`, '如 `consecutive_misses: 3`（0 关闭这条规则）')
      } else policy.consecutiveMisses = raw
    } else {
      const suggestion = didYouMean(key, KEYS)
      report.warn(report.lineOf(pair.key, line), `escalation 有不认识的键 "${key}"，已忽略`, suggestion ? didYouMeanHint(suggestion) : `可用的键：${KEYS.join('、')}`)
    }
  }
  void doc
  return ok ? Object.freeze(policy) : undefined
}
