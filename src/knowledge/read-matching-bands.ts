import { isMap, isScalar, isSeq } from 'yaml'
import type { Pair, YAMLMap } from 'yaml'
import { didYouMean, didYouMeanHint } from '../core/did-you-mean.js'
import type { YamlReporters } from '../core/yaml/yaml-reporters.js'
import type { Band, MatchingBands } from './matching-bands.js'
import { keysOf, MATCHING_FORMAT } from './knowledge-format.js'

// Keys and ranges come from the format knowledge.schema.json is generated from.
const BAND_KEYS = keysOf(MATCHING_FORMAT.properties.semantic)
const { minimum: MIN, maximum: MAX } = MATCHING_FORMAT.properties.suggest

/**
 * Reads the `matching:` section: a global band and stricter bands for some groups.
 *
 * @example
 * // matching:
 * //   suggest: 0.25
 * //   auto_send: 0.5
 * //   semantic:             # when the embedding provider helps (optional)
 * //     suggest: 0.45
 * //     auto_send: 0.6
 * //   groups:
 * //     - match: VIP客户群     # group name or id
 * //       suggest: 0.35
 * //       auto_send: 0.7
 */
export function readMatchingBands(node: unknown, line: number, report: YamlReporters): MatchingBands | undefined {
  if (!isMap(node)) {
    report.problem(line, 'matching 必须是“键: 值”结构', '在 `matching:` 下面写 `suggest: 0.25`、`auto_send: 0.5`，可选 `groups:`')
    return undefined
  }
  let ok = true
  const fail = (at: number, message: string, hint: string) => {
    ok = false
    report.problem(at, message, hint)
  }
  const readBand = (map: YAMLMap, path: string, extraKeys: readonly string[]): Band => {
    const band: Band = {}
    for (const pair of map.items as Pair[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?'
      const at = report.lineOf(pair.value, report.lineOf(pair.key, line))
      if (key === 'suggest' || key === 'auto_send') {
        const raw = isScalar(pair.value) ? pair.value.value : undefined
        if (typeof raw !== 'number' || raw < MIN || raw > MAX) fail(at, `${path}.${key} 必须是 ${MIN} 到 ${MAX} 之间的数`, '如 `suggest: 0.3`（越高越严格）')
        else band[key === 'suggest' ? 'suggest' : 'autoSend'] = raw
      } else if (!extraKeys.includes(key)) {
        const known = [...BAND_KEYS, ...extraKeys]
        const suggestion = didYouMean(key, known)
        report.warn(report.lineOf(pair.key, line), `${path} 有不认识的键 "${key}"，已忽略`, suggestion ? didYouMeanHint(suggestion) : `可用的键：${known.join('、')}`)
      }
    }
    if (band.suggest !== undefined && band.autoSend !== undefined && band.autoSend < band.suggest) {
      fail(report.lineOf(map, line), `${path}.auto_send（${band.autoSend}）低于 suggest（${band.suggest}）`, '自动发送的门槛不能比起草建议的门槛低')
    }
    return band
  }

  const global = readBand(node as YAMLMap, 'matching', keysOf(MATCHING_FORMAT).filter((k) => !BAND_KEYS.includes(k)))
  let semantic: Band | undefined
  const semanticPair = (node as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === 'semantic') as Pair | undefined
  if (semanticPair) {
    if (!isMap(semanticPair.value)) fail(report.lineOf(semanticPair.value, report.lineOf(semanticPair.key, line)), 'matching.semantic 必须是“键: 值”结构', '在 `semantic:` 下面写 `suggest:` 和 `auto_send:`（向量服务参与打分时的区间；`qundesk kb calibrate --write` 会写入）')
    else semantic = readBand(semanticPair.value as YAMLMap, 'matching.semantic', [])
  }
  const groups: Array<Band & { match: string }> = []
  const groupsPair = (node as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === 'groups') as Pair | undefined
  if (groupsPair) {
    if (!isSeq(groupsPair.value)) {
      fail(report.lineOf(groupsPair.value, line), 'matching.groups 必须是列表', '每项写成 `- match: 群名`，带 suggest / auto_send')
    } else {
      groupsPair.value.items.forEach((item, i) => {
        const at = report.lineOf(item, line)
        if (!isMap(item)) return fail(at, `matching.groups[${i}] 必须是“键: 值”结构`, '写成 `- match: 群名`，suggest / auto_send 写在它下面')
        const matchPair = (item.items as Pair[]).find((p) => isScalar(p.key) && p.key.value === 'match')
        const match = matchPair && isScalar(matchPair.value) ? matchPair.value.value : undefined
        if (typeof match !== 'string' || match.trim() === '') return fail(at, `matching.groups[${i}] 缺少 match`, '加上 `match: 群名或群 id`')
        groups.push({ ...readBand(item, `matching.groups[${i}]`, keysOf(MATCHING_FORMAT.properties.groups.items).filter((k) => !BAND_KEYS.includes(k))), match: match.trim() })
      })
    }
  }
  return ok ? Object.freeze({ global: Object.freeze(global), groups: Object.freeze(groups), ...(semantic ? { semantic: Object.freeze(semantic) } : {}) }) : undefined
}
