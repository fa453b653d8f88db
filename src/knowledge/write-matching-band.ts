import { isMap, isScalar, parseDocument, Scalar, YAMLMap } from 'yaml'
import type { Document, Pair } from 'yaml'
import { describeYamlError } from '../core/yaml/describe-yaml-error.js'

/** The global band to write: `suggest` (S) and, when known, `auto_send` (A). */
export interface BandToWrite {
  suggest: number
  autoSend?: number | undefined
}

/** A new file for the band when no knowledge file has a `matching:` section yet. */
export const MATCHING_FILE_NAME = 'matching.yaml'

/** Whether a knowledge file's text has a top-level `matching:` section (the one per folder the band goes in). */
export function hasMatchingSection(text: string): boolean {
  const doc = parseDocument(text)
  return isMap(doc.contents) && doc.contents.has('matching')
}

/**
 * Sets `matching.suggest` (and `matching.auto_send`) in a knowledge file's text and returns the new text; every other
 * byte stays as it was: comments and their alignment, quoting, flow lists, key order, blank lines. The `yaml`
 * Document API finds the nodes and their source ranges, and only those ranges are rewritten: a value already there is
 * replaced in place (keeping its comment), a missing key is added as a line at the top of the section (before
 * `groups:`), and a file without `matching:` gets the section at its end. A section written in an unusual shape
 * (flow style `{...}`, empty) is edited through the Document and printed back whole.
 *
 * @example
 * setMatchingBand('matching:\n  suggest: 0.25   # S\n', { suggest: 0.31, autoSend: 0.55 })
 * // 'matching:\n  suggest: 0.31   # S\n  auto_send: 0.55\n'
 * setMatchingBand('matching:\n  suggest: 0.25\n', { suggest: 0.52, autoSend: 0.6 }, { semantic: true })
 * // 'matching:\n  semantic:\n    suggest: 0.52\n    auto_send: 0.6\n  suggest: 0.25\n'
 */
export function setMatchingBand(text: string, band: BandToWrite, options: { semantic?: boolean } = {}): string {
  const doc = parseDocument(text)
  if (doc.errors.length > 0) throw new Error(`无法修改文件：YAML 语法错误：${describeYamlError(doc.errors[0]!)}`)
  const values: Array<readonly [string, number]> = [['suggest', band.suggest]]
  if (band.autoSend !== undefined) values.push(['auto_send', band.autoSend])
  // With `semantic`, the band goes one level down, in `matching.semantic` (the band for blended rankings).
  const path = options.semantic ? ['matching', 'semantic'] : ['matching']
  // An empty or comment-only file has no contents: the section goes at its end.
  if (doc.contents !== null && !isMap(doc.contents)) throw new Error('无法修改文件：顶层不是 `intents:` / `matching:` 这样的段落')
  const matching = doc.contents?.get('matching', true)
  if (matching === undefined) {
    const lines = values.map(([key, value]) => `  ${options.semantic ? '  ' : ''}${key}: ${value}\n`).join('')
    return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}matching:\n${options.semantic ? '  semantic:\n' : ''}${lines}`
  }
  if (!isBlockMap(matching)) return setThroughDocument(doc, path, values)
  let target: unknown = matching
  if (options.semantic) {
    target = matching.get('semantic', true)
    if (target === undefined) {
      // A new `semantic:` block at the top of the section, indented like its keys.
      const { lineStart, indent } = firstKeyLine(text, matching)
      const lines = values.map(([key, value]) => `${indent}  ${key}: ${value}\n`).join('')
      return text.slice(0, lineStart) + `${indent}semantic:\n${lines}` + text.slice(lineStart)
    }
    if (!isBlockMap(target)) return setThroughDocument(doc, path, values)
  }
  const section = target as YAMLMap
  // Edits as [offset, length to remove, text to insert], applied from the end so earlier offsets stay valid.
  const edits: Array<[number, number, string]> = []
  const missing: string[] = []
  for (const [key, value] of values) {
    const pair = section.items.find((p) => (p.key as Scalar).value === key)
    if (!pair) missing.push(`${key}: ${value}`)
    else if (isScalar(pair.value) && pair.value.range) edits.push([pair.value.range[0], pair.value.range[1] - pair.value.range[0], String(value)])
    else return setThroughDocument(doc, path, values)
  }
  if (missing.length > 0) {
    const { lineStart, indent } = firstKeyLine(text, section)
    edits.push([lineStart, 0, missing.map((line) => `${indent}${line}\n`).join('')])
  }
  let out = text
  for (const [at, remove, insert] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, at) + insert + out.slice(at + remove)
  return out
}

/** A block-style mapping with keys whose place in the text is known: the only shape edited in place. */
function isBlockMap(node: unknown): node is YAMLMap {
  return isMap(node) && !node.flow && node.items.length > 0 && node.items.every((p) => isScalar(p.key) && p.key.range)
}

/** Where the line of a block mapping's first key starts, and that key's indentation. */
function firstKeyLine(text: string, map: YAMLMap): { lineStart: number; indent: string } {
  const keyAt = (map.items[0]!.key as Scalar).range![0]
  const lineStart = text.lastIndexOf('\n', keyAt - 1) + 1
  return { lineStart, indent: ' '.repeat(keyAt - lineStart) }
}

function setThroughDocument(doc: Document, path: readonly string[], values: ReadonlyArray<readonly [string, number]>): string {
  let parent = doc.contents as YAMLMap
  for (const key of path) {
    const found: unknown = parent.get(key, true)
    const map = isMap(found) ? found : new YAMLMap()
    if (map !== found) parent.set(key, map)
    parent = map
  }
  const map = parent
  for (const [key, value] of values) {
    const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined
    if (pair && isScalar(pair.value)) pair.value.value = value
    else map.set(key, new Scalar(value))
  }
  // lineWidth 0: never fold a long answer onto several lines.
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false })
}
