import { isAlias, isMap, isScalar, isSeq } from 'yaml'
import type { Document, Pair } from 'yaml'

/** Small readers over yaml's node API shared by the knowledge and rules parsers. */

/**
 * The key of a pair as text; undefined for a null or collection key.
 *
 * @example
 * keyName(doc.contents.items[0]) // 'intents'
 */
export function keyName(pair: Pair): string | undefined {
  const key = pair.key
  if (isScalar(key) && key.value !== null && key.value !== undefined) return String(key.value)
  return undefined
}

/** Follows `*alias` to its anchored node so positions and values come from the real node. */
export function resolve(doc: Document, node: unknown): unknown {
  if (isAlias(node)) return node.resolve(doc) ?? null
  return node
}

export function scalarValue(node: unknown): unknown {
  if (node === null || node === undefined) return null
  if (isScalar(node)) return node.value
  return node // a collection where a scalar was expected
}

export function isEmptyNode(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && (node.value === null || node.value === ''))
}

/** A value as named in messages: `"text"`, `数字 3`, `列表`, `空值`. */
export function describe(value: unknown, node: unknown): string {
  if (isMap(node)) return '“键: 值”结构'
  if (isSeq(node)) return '列表'
  if (value === null || value === undefined) return '空值'
  if (typeof value === 'string') return `"${value}"`
  return `${TYPE_NAMES[typeof value] ?? typeof value} ${String(value)}`
}

const TYPE_NAMES: Readonly<Record<string, string>> = { number: '数字', boolean: '布尔值', bigint: '数字' }
