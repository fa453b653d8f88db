import { isMap, isScalar, isSeq } from 'yaml'
import type { Pair, YAMLMap } from 'yaml'
import type { YamlReporters } from '../core/yaml/yaml-reporters.js'
import type { SynonymEntry, Synonyms } from './synonyms.js'
import { SYNONYMS_FORMAT } from './knowledge-format.js'

/** One variant may be a phrase, not a paragraph (the limit is in the format knowledge.schema.json is generated from). */
const MAX_VARIANT_CHARS = SYNONYMS_FORMAT.additionalProperties.anyOf[0].maxLength
/** The same text folded the way matching folds it (full-width, case), to find a variant listed twice. */
const fold = (text: string) => text.normalize('NFKC').toLowerCase().trim()

/**
 * Reads the `synonyms:` section: each key is the word the examples use, its value the words customers type instead
 * (a list, or one word). Returns undefined when something is wrong (already reported with its line).
 *
 * @example
 * // synonyms:
 * //   订单: [order, orders, 单子]
 * //   退款: refund
 */
export function readSynonyms(node: unknown, line: number, report: YamlReporters): Synonyms | undefined {
  if (!isMap(node)) {
    report.problem(line, 'synonyms must be a mapping', 'write one line per word, e.g. `订单: [order, orders]`, indented under `synonyms:`')
    return undefined
  }
  let ok = true
  const fail = (at: number, message: string, hint: string) => {
    ok = false
    report.problem(at, message, hint)
  }
  const entries: SynonymEntry[] = []
  const owner = new Map<string, { term: string; line: number }>()
  for (const pair of (node as YAMLMap).items as Pair[]) {
    const keyLine = report.lineOf(pair.key, line)
    const term = isScalar(pair.key) && typeof pair.key.value === 'string' ? pair.key.value.trim() : ''
    if (term === '') {
      fail(keyLine, 'synonyms has a key that is not a word', 'write the word your examples use as the key, e.g. `订单: [order]`')
      continue
    }
    const value = pair.value
    const nodes: unknown[] = isSeq(value) ? value.items : [value]
    if (!isSeq(value) && !(isScalar(value) && typeof value.value === 'string')) {
      fail(report.lineOf(value, keyLine), `synonyms.${term} must be a word or a list of words`, `e.g. \`${term}: [order, orders]\``)
      continue
    }
    const variants: string[] = []
    nodes.forEach((item, i) => {
      const at = report.lineOf(item, keyLine)
      const raw = isScalar(item) ? item.value : undefined
      if (typeof raw !== 'string' || raw.trim() === '') {
        return fail(at, `synonyms.${term}[${i}] must be text`, 'write a word; put numbers in quotes, e.g. "3q"')
      }
      const variant = raw.trim()
      if (variant.length > MAX_VARIANT_CHARS) return fail(at, `synonyms.${term}[${i}] is longer than ${MAX_VARIANT_CHARS} characters`, 'list words or short phrases, not sentences')
      if (!/[\p{L}\p{N}]/u.test(variant)) return fail(at, `synonyms.${term}[${i}] "${variant}" has no letters or digits`, 'list words customers type, e.g. `order`')
      if (fold(variant) === fold(term)) {
        report.warn(at, `synonyms.${term}[${i}] is the word itself`, 'remove it; a word always matches itself')
        return
      }
      const first = owner.get(fold(variant))
      if (first) {
        return fail(at, `"${variant}" is already a synonym of ${first.term} (line ${first.line})`, 'list each word under one meaning only')
      }
      owner.set(fold(variant), { term, line: at })
      variants.push(variant)
    })
    if (nodes.length === 0) report.warn(keyLine, `synonyms.${term} lists no words`, `add words, e.g. \`${term}: [order]\`, or remove the line`)
    if (variants.length > 0) entries.push(Object.freeze({ term, variants: Object.freeze(variants) }))
  }
  for (const { term } of entries) {
    const asVariant = owner.get(fold(term))
    if (asVariant) fail(asVariant.line, `"${term}" is both a word with synonyms and a synonym of ${asVariant.term}`, 'list it in one place only, so a question reads one way')
  }
  return ok ? Object.freeze(entries) : undefined
}
