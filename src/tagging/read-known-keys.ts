import type { Document, Pair, YAMLMap } from 'yaml'
import { didYouMean, didYouMeanHint } from '../core/did-you-mean.js'
import type { YamlReporters } from '../core/yaml/yaml-reporters.js'
import { keyName, resolve, scalarValue } from '../core/yaml/yaml-nodes.js'

export interface KeyValue {
  node: unknown
  raw: unknown
  line: number
}

/**
 * Reads the keys of one YAML mapping item: unknown keys are warned about (with a did-you-mean) and ignored;
 * the returned lookup gives each known key's resolved node, scalar value and line.
 *
 * @example
 * const valueOf = readKnownKeys(doc, item, ['id', 'when'], 'tags[0]', 3, report)
 * valueOf('when')?.raw // 'join_age_days < 7'
 */
export function readKnownKeys(doc: Document, item: YAMLMap, knownKeys: readonly string[], path: string, itemLine: number, report: YamlReporters): (key: string) => KeyValue | undefined {
  const pairs = new Map<string, Pair>()
  for (const pair of item.items as Pair[]) {
    const key = keyName(pair)
    if (key !== undefined && knownKeys.includes(key)) pairs.set(key, pair)
    else {
      const suggestion = didYouMean(key ?? '', knownKeys)
      report.warn(report.lineOf(pair.key, itemLine), `${path} 有不认识的键 "${key ?? '?'}"，已忽略`, suggestion ? didYouMeanHint(suggestion) : `可用的键：${knownKeys.join('、')}`)
    }
  }
  return (key) => {
    const pair = pairs.get(key)
    if (!pair) return undefined
    const node = resolve(doc, pair.value)
    return { node, raw: scalarValue(node), line: report.lineOf(node, report.lineOf(pair.key, itemLine)) }
  }
}
