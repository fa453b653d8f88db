import { isAlias, isMap, isScalar, isSeq } from 'yaml'
import type { Document, Pair } from 'yaml'

/** Small readers over yaml's node API shared by the rules parsers (same behaviour as the knowledge parser). */

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
  return node
}

export function isEmptyNode(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && (node.value === null || node.value === ''))
}

export function describe(value: unknown, node: unknown): string {
  if (isMap(node)) return 'a mapping'
  if (isSeq(node)) return 'a list'
  if (value === null || value === undefined) return 'nothing'
  if (typeof value === 'string') return `"${value}"`
  return `${typeof value} ${String(value)}`
}
