import { isMap } from 'yaml'
import type { Document } from 'yaml'
import { compileExpression } from './expression/compile-expression.js'
import type { TagRule } from './rule-set.js'
import { readKnownKeys } from './read-known-keys.js'
import type { YamlReporters } from '../core/yaml/yaml-reporters.js'
import { describe } from '../core/yaml/yaml-nodes.js'

const TAG_KEYS = ['id', 'when', 'description'] as const
/** Tag names show up in the console and in WeCom tag lists; keep them short. */
export const MAX_TAG_ID_LENGTH = 30

/** A parsed `tags:` item plus the line of its `when` value, for problems found later across files. */
export interface ReadTagRule {
  rule: Omit<TagRule, 'source'>
  whenLine: number
}

/**
 * Validates one `tags:` item (`id`, `when`, optional `description`) and compiles its expression, folding the
 * expression's column into the message. Returns undefined when it has problems (already reported).
 *
 * @example
 * // - id: 沉默
 * //   when: messages_30d == 0 and join_age_days >= 30
 */
export function readTagRule(doc: Document, item: unknown, path: string, itemLine: number, report: YamlReporters): ReadTagRule | undefined {
  if (!isMap(item)) {
    report.problem(itemLine, `${path} 不是“键: 值”结构`, '标签写成 `- id: 名称`，`when: 条件` 缩进写在它下面')
    return undefined
  }
  const valueOf = readKnownKeys(doc, item, TAG_KEYS, path, itemLine, report)
  let ok = true
  const fail = (line: number, message: string, hint: string) => {
    ok = false
    report.problem(line, message, hint)
  }

  let id = ''
  const idValue = valueOf('id')
  if (!idValue) fail(itemLine, `${path} 缺少 id`, '加上 `id: 标签名`，如 `id: 新成员`（所有规则文件里不能重复）')
  else if (typeof idValue.raw !== 'string' || idValue.raw.trim() === '') {
    fail(idValue.line, `${path}.id 必须是文字，现在是 ${describe(idValue.raw, idValue.node)}`, '写上标签名，如 `id: 新成员`')
  } else if (/\s/.test(idValue.raw.trim())) {
    fail(idValue.line, `${path}.id "${idValue.raw}" 含有空格`, '去掉空格，如 高净值VIP')
  } else if (Array.from(idValue.raw.trim()).length > MAX_TAG_ID_LENGTH) {
    fail(idValue.line, `${path}.id 超过 ${MAX_TAG_ID_LENGTH} 个字`, '用简短的标签名')
  } else id = idValue.raw.trim()

  let when = ''
  let whenLine = itemLine
  let ast: TagRule['ast'] | undefined
  const whenValue = valueOf('when')
  if (!whenValue) fail(itemLine, `${path} 缺少 when`, '加上 `when: 条件`，如 `when: join_age_days < 7`')
  else {
    whenLine = whenValue.line
    if (typeof whenValue.raw !== 'string' || whenValue.raw.trim() === '') {
      fail(whenValue.line, `${path}.when 必须是条件，现在是 ${describe(whenValue.raw, whenValue.node)}`, '如 `when: messages_30d > 0`；以 !、[ 或 { 开头时要加引号')
    } else {
      when = whenValue.raw.trim()
      const compiled = compileExpression(when)
      if (compiled.ok) ast = compiled.ast
      else fail(whenValue.line, `${path}.when: ${compiled.error.message}`, compiled.error.hint)
    }
  }

  let description: string | undefined
  const descriptionValue = valueOf('description')
  if (descriptionValue) {
    if (typeof descriptionValue.raw !== 'string') fail(descriptionValue.line, `${path}.description 必须是文字`, '给它加上引号')
    else description = descriptionValue.raw.trim()
  }

  if (!ok || !ast) return undefined
  return { rule: { id, when, ast, ...(description ? { description } : {}) }, whenLine }
}
