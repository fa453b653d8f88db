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
    report.problem(line, 'synonyms 必须是“键: 值”结构', '在 `synonyms:` 下面缩进，每个词一行，如 `订单: [order, orders]`')
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
      fail(keyLine, 'synonyms 里有一个键不是词', '用例句里的词作键，如 `订单: [order]`')
      continue
    }
    const value = pair.value
    const nodes: unknown[] = isSeq(value) ? value.items : [value]
    if (!isSeq(value) && !(isScalar(value) && typeof value.value === 'string')) {
      fail(report.lineOf(value, keyLine), `synonyms.${term} 必须是一个词或一串词`, `如 \`${term}: [order, orders]\``)
      continue
    }
    const variants: string[] = []
    nodes.forEach((item, i) => {
      const at = report.lineOf(item, keyLine)
      const raw = isScalar(item) ? item.value : undefined
      if (typeof raw !== 'string' || raw.trim() === '') {
        return fail(at, `synonyms.${term}[${i}] 必须是文字`, '写一个词；数字要加引号，如 "3q"')
      }
      const variant = raw.trim()
      if (variant.length > MAX_VARIANT_CHARS) return fail(at, `synonyms.${term}[${i}] 超过 ${MAX_VARIANT_CHARS} 个字`, '只写词或短语，不要写句子')
      if (!/[\p{L}\p{N}]/u.test(variant)) return fail(at, `synonyms.${term}[${i}] "${variant}" 没有文字或数字`, '写客户会打的词，如 `order`')
      if (fold(variant) === fold(term)) {
        report.warn(at, `synonyms.${term}[${i}] 就是这个词本身`, '删掉它；一个词总能匹配它自己')
        return
      }
      const first = owner.get(fold(variant))
      if (first) {
        return fail(at, `"${variant}" 已经是 ${first.term} 的近义词（第 ${first.line} 行）`, '每个词只放在一个意思下面')
      }
      owner.set(fold(variant), { term, line: at })
      variants.push(variant)
    })
    if (nodes.length === 0) report.warn(keyLine, `synonyms.${term} 没有列出任何词`, `加上词，如 \`${term}: [order]\`，或删掉这一行`)
    if (variants.length > 0) entries.push(Object.freeze({ term, variants: Object.freeze(variants) }))
  }
  for (const { term } of entries) {
    const asVariant = owner.get(fold(term))
    if (asVariant) fail(asVariant.line, `"${term}" 既有自己的近义词，又是 ${asVariant.term} 的近义词`, '只在一处列出它，一句话才只有一种读法')
  }
  return ok ? Object.freeze(entries) : undefined
}
