import { isMap, isScalar, isSeq } from 'yaml'
import type { Pair, YAMLMap } from 'yaml'
import { didYouMean } from '../core/did-you-mean.js'
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
    report.problem(line, 'matching must be a mapping', 'write `suggest: 0.25`, `auto_send: 0.5` and optional `groups:` under `matching:`')
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
        if (typeof raw !== 'number' || raw < MIN || raw > MAX) fail(at, `${path}.${key} must be a number between ${MIN} and ${MAX}`, 'e.g. `suggest: 0.3` (higher = stricter)')
        else band[key === 'suggest' ? 'suggest' : 'autoSend'] = raw
      } else if (!extraKeys.includes(key)) {
        const known = [...BAND_KEYS, ...extraKeys]
        const suggestion = didYouMean(key, known)
        report.warn(report.lineOf(pair.key, line), `${path} has unknown key "${key}", which is ignored`, suggestion ? `did you mean "${suggestion}"?` : `known keys: ${known.join(', ')}`)
      }
    }
    if (band.suggest !== undefined && band.autoSend !== undefined && band.autoSend < band.suggest) {
      fail(report.lineOf(map, line), `${path}.auto_send (${band.autoSend}) is below suggest (${band.suggest})`, 'auto-send must be at least as strict as suggest')
    }
    return band
  }

  const global = readBand(node as YAMLMap, 'matching', keysOf(MATCHING_FORMAT).filter((k) => !BAND_KEYS.includes(k)))
  let semantic: Band | undefined
  const semanticPair = (node as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === 'semantic') as Pair | undefined
  if (semanticPair) {
    if (!isMap(semanticPair.value)) fail(report.lineOf(semanticPair.value, report.lineOf(semanticPair.key, line)), 'matching.semantic must be a mapping', 'write `suggest:` and `auto_send:` under `semantic:` (the band when the embedding provider helps; `qundesk kb calibrate --write` sets it)')
    else semantic = readBand(semanticPair.value as YAMLMap, 'matching.semantic', [])
  }
  const groups: Array<Band & { match: string }> = []
  const groupsPair = (node as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === 'groups') as Pair | undefined
  if (groupsPair) {
    if (!isSeq(groupsPair.value)) {
      fail(report.lineOf(groupsPair.value, line), 'matching.groups must be a list', 'write `- match: 群名` items with suggest / auto_send')
    } else {
      groupsPair.value.items.forEach((item, i) => {
        const at = report.lineOf(item, line)
        if (!isMap(item)) return fail(at, `matching.groups[${i}] must be a mapping`, 'write `- match: 群名` with suggest / auto_send below it')
        const matchPair = (item.items as Pair[]).find((p) => isScalar(p.key) && p.key.value === 'match')
        const match = matchPair && isScalar(matchPair.value) ? matchPair.value.value : undefined
        if (typeof match !== 'string' || match.trim() === '') return fail(at, `matching.groups[${i}] has no match`, 'add `match: 群名或群 id`')
        groups.push({ ...readBand(item, `matching.groups[${i}]`, keysOf(MATCHING_FORMAT.properties.groups.items).filter((k) => !BAND_KEYS.includes(k))), match: match.trim() })
      })
    }
  }
  return ok ? Object.freeze({ global: Object.freeze(global), groups: Object.freeze(groups), ...(semantic ? { semantic: Object.freeze(semantic) } : {}) }) : undefined
}
