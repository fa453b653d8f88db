import { isMap, isScalar, parseDocument, Scalar, YAMLMap } from 'yaml'
import type { Document, Pair } from 'yaml'

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
 */
export function setMatchingBand(text: string, band: BandToWrite): string {
  const doc = parseDocument(text)
  if (doc.errors.length > 0) throw new Error(`cannot edit the file: ${doc.errors[0]!.message}`)
  const values: Array<readonly [string, number]> = [['suggest', band.suggest]]
  if (band.autoSend !== undefined) values.push(['auto_send', band.autoSend])
  // An empty or comment-only file has no contents: the section goes at its end.
  if (doc.contents !== null && !isMap(doc.contents)) throw new Error('the file is not a mapping of `intents:` / `matching:` sections')
  const matching = doc.contents?.get('matching', true)
  if (matching === undefined) {
    const lines = values.map(([key, value]) => `  ${key}: ${value}\n`).join('')
    return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}matching:\n${lines}`
  }
  if (!isMap(matching) || matching.flow || matching.items.length === 0 || !matching.items.every((p) => isScalar(p.key) && p.key.range)) {
    return setThroughDocument(doc, values)
  }
  // Edits as [offset, length to remove, text to insert], applied from the end so earlier offsets stay valid.
  const edits: Array<[number, number, string]> = []
  const missing: string[] = []
  for (const [key, value] of values) {
    const pair = matching.items.find((p) => (p.key as Scalar).value === key)
    if (!pair) missing.push(`${key}: ${value}`)
    else if (isScalar(pair.value) && pair.value.range) edits.push([pair.value.range[0], pair.value.range[1] - pair.value.range[0], String(value)])
    else return setThroughDocument(doc, values)
  }
  if (missing.length > 0) {
    const firstKey = matching.items[0]!.key as Scalar
    const keyAt = firstKey.range![0]
    const lineStart = text.lastIndexOf('\n', keyAt - 1) + 1
    const indent = ' '.repeat(keyAt - lineStart)
    edits.push([lineStart, 0, missing.map((line) => `${indent}${line}\n`).join('')])
  }
  let out = text
  for (const [at, remove, insert] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, at) + insert + out.slice(at + remove)
  return out
}

function setThroughDocument(doc: Document, values: ReadonlyArray<readonly [string, number]>): string {
  const root = doc.contents as YAMLMap
  const found: unknown = root.get('matching', true)
  const map = isMap(found) ? found : new YAMLMap()
  if (map !== found) root.set('matching', map)
  for (const [key, value] of values) {
    const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined
    if (pair && isScalar(pair.value)) pair.value.value = value
    else map.set(key, new Scalar(value))
  }
  // lineWidth 0: never fold a long answer onto several lines.
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false })
}
