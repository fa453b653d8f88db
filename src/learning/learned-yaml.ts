import { Document, isMap, isScalar, isSeq, parseDocument, Scalar, YAMLMap, YAMLSeq } from 'yaml'
import { QunDeskError } from '../core/errors.js'
import { wellFormed } from '../core/well-formed-text.js'
import { KNOWLEDGE_SCHEMA_COMMENT } from '../knowledge/knowledge-format.js'

/** The file accepted candidates go to, in the knowledge folder; loaded like every other knowledge file. */
export const LEARNED_FILE = 'learned.yaml'

/** A new file's comment lines (yaml writes each after a `#`): the schema line first, as in the sample files. */
const HEADER = [
  KNOWLEDGE_SCHEMA_COMMENT.slice(1),
  ' 学习候选：管理员在控制台「用户与设置 → 学习候选」采纳的例句（由 QunDesk 写入）。',
  ' 每条例句上方的注释记录谁、何时、从哪条建议采纳。可以手工编辑、移动或删除；',
  ' 意图在其他文件里定义，这里只给它们补充例句（learned: - intent: 编号 / examples:）。',
].join('\n')

/**
 * What an accepted question is stored as: well-formed (no lone surrogates), and without NEL / LS / PS, which the
 * YAML writer emits raw inside a quoted string and a reader then folds into a space. Leading and trailing space
 * goes as in any example. The matcher ignores all of these (normalizeText keeps letters and digits only).
 *
 * @example
 * toExampleText('  能开发票吗\u2028谢谢 ') // '能开发票吗 谢谢'
 */
export function toExampleText(text: string): string {
  return wellFormed(text).replace(/[\u0085\u2028\u2029]/g, ' ').trim()
}

/** One line of provenance, safe as a YAML comment: no line breaks or control characters. */
function commentLine(text: string): string {
  return ' ' + toExampleText(text).replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
}

/**
 * Adds `text` to the examples of `intentId` in the learned.yaml text `existing` (undefined: the file does not exist
 * yet) and returns the new file text. Everything already in the file — other entries, comments, hand edits — is
 * kept (yaml's Document API edits the parsed tree). The example is written double-quoted, so `: # - ' "`, newlines
 * and escapes all come back as written; the provenance goes in a comment above it.
 *
 * @example
 * addLearnedExample(undefined, { intentId: 'invoice.request', text: '发票: 能开吗', provenance: '2026-12-02 admin 采纳，建议 #3' })
 * // '# yaml-language-server: $schema=./knowledge.schema.json\n# 学习候选…\nlearned:\n  - intent: invoice.request\n    examples:\n      # 2026-12-02 admin 采纳，建议 #3\n      - "发票: 能开吗"\n'
 */
export function addLearnedExample(existing: string | undefined, entry: { intentId: string; text: string; provenance: string }): string {
  const doc = existing === undefined || existing.trim() === '' ? new Document({}) : parseDocument(existing)
  if (doc.errors.length > 0) throw new QunDeskError('conflict', `${LEARNED_FILE} 有语法错误，请先修正再采纳：${doc.errors[0]!.message}`)
  if (existing === undefined || existing.trim() === '') doc.commentBefore = HEADER
  if (!isMap(doc.contents)) {
    if (doc.contents !== null && !(isScalar(doc.contents) && doc.contents.value === null)) throw new QunDeskError('conflict', `${LEARNED_FILE} 的内容不是映射，请先修正再采纳`)
    doc.contents = new YAMLMap()
  }
  const root = doc.contents as YAMLMap
  const found: unknown = root.get('learned', true)
  let seq: YAMLSeq
  if (isSeq(found)) seq = found
  else {
    if (found !== undefined && !(isScalar(found) && found.value === null)) throw new QunDeskError('conflict', `${LEARNED_FILE} 的 learned 不是列表，请先修正再采纳`)
    seq = new YAMLSeq()
    root.set('learned', seq)
  }
  let item = seq.items.find((i): i is YAMLMap => isMap(i) && i.get('intent') === entry.intentId)
  if (!item) {
    item = new YAMLMap()
    item.set('intent', entry.intentId)
    item.set('examples', new YAMLSeq())
    seq.items.push(item)
  }
  const existingExamples: unknown = item.get('examples', true)
  let examples: YAMLSeq
  if (isSeq(existingExamples)) examples = existingExamples
  else {
    examples = new YAMLSeq()
    item.set('examples', examples)
  }
  const node = new Scalar(toExampleText(entry.text))
  node.type = Scalar.QUOTE_DOUBLE
  node.commentBefore = commentLine(entry.provenance)
  examples.items.push(node)
  return doc.toString({ lineWidth: 0 })
}
