import { isScalar, isSeq } from 'yaml'
import type { Document, Pair } from 'yaml'
import { didYouMean, didYouMeanHint } from '../core/did-you-mean.js'
import { readYamlMapping, type YamlFileHints } from '../core/yaml/read-yaml-mapping.js'
import { keyName, resolve, scalarValue } from '../core/yaml/yaml-nodes.js'
import type { YamlReporters } from '../core/yaml/yaml-reporters.js'
import { readTagAction, type ReadTagAction } from './read-tag-action.js'
import { readTagRule, type ReadTagRule } from './read-tag-rule.js'
import type { RuleProblem } from './rule-set.js'

export interface ParsedRulesFile {
  tags: Array<ReadTagRule & { line: number; path: string }>
  lifecycle?: { stages: Array<{ name: string; line: number }>; line: number }
  schedule?: { expression: string; line: number }
  actions: Array<ReadTagAction & { line: number; path: string }>
  manualTags?: { names: Array<{ name: string; line: number }>; line: number }
  problems: RuleProblem[]
  warnings: RuleProblem[]
}

const TOP_LEVEL_KEYS = ['tags', 'lifecycle', 'schedule', 'actions', 'manual_tags'] as const
/** In an admin's words about tags and conditions; the shared hints are in readYamlMapping. */
const RULES_HINTS: YamlFileHints = {
  tooDeep: '一条标签规则只需要 3 层；检查有没有没闭合的 [ 或 {，以及越缩越深的行',
  unclosedFlow: '[ … ] 列表没有闭合，或里面的项没有缩进 — 在开始的那一行里闭合它',
  syntax: {
    BAD_INDENT: '检查缩进：用空格，同一个标签的 `id:` 和 `when:` 要上下对齐',
    UNEXPECTED_TOKEN: '含有 ": " 或 " #"、或以 !、[、{ 开头的条件要加引号',
    BAD_SCALAR_START: '以 !、@ 或 ` 等特殊字符开头的条件要加引号',
  },
  otherSyntax: '改正 YAML 写法；含有 ": " 或 " #" 的条件要加引号',
  tooManyAliases: '直接写出规则，不要用大量 *别名',
  empty: '加上 `tags:` 和标签规则列表，或删掉这个文件',
  notAMapping: '文件以 `tags:` 开头，下面是一串 `- id: ...` 项',
}

/**
 * Parses and validates one rules YAML text (`tags:`, `lifecycle:`, `schedule:`, `actions:`, `manual_tags:`).
 * Pure: the caller reads the file and checks its size; checks that need every file (unique ids, references
 * to tags) are done by loadRules.
 *
 * @example
 * const parsed = parseRulesFile('tags:\n  - id: 新成员\n    when: join_age_days < 7\n', 'rules/a.yaml')
 * // parsed.tags[0] -> { rule: { id: '新成员', when: 'join_age_days < 7', ast }, line: 2, whenLine: 3 }
 */
export function parseRulesFile(text: string, file: string): ParsedRulesFile {
  const { problems, warnings, report, mapping } = readYamlMapping(text, file, RULES_HINTS)
  const result: ParsedRulesFile = { tags: [], actions: [], problems, warnings }
  if (!mapping) return result
  const { doc, root } = mapping

  for (const pair of root.items as Pair[]) {
    const key = keyName(pair)
    const keyLine = report.lineOf(pair.key, 1)
    const value = resolve(doc, pair.value)
    if (key === 'tags') {
      forEachItem(doc, value, 'tags', keyLine, report, '每个标签写成一个列表项 `- id: ...`，下面写 `when:`', (item, path, line) => {
        const read = readTagRule(doc, item, path, line, report)
        if (read) result.tags.push({ ...read, line, path })
      })
    } else if (key === 'actions') {
      forEachItem(doc, value, 'actions', keyLine, report, '每个动作写成一个列表项 `- on: tag_added`', (item, path, line) => {
        const read = readTagAction(doc, item, path, line, report)
        if (read) result.actions.push({ ...read, line, path })
      })
    } else if (key === 'lifecycle' || key === 'manual_tags') {
      const names = readNameList(doc, value, key, keyLine, report)
      if (names && key === 'lifecycle') result.lifecycle = { stages: names, line: keyLine }
      if (names && key === 'manual_tags') result.manualTags = { names, line: keyLine }
    } else if (key === 'schedule') {
      const raw = scalarValue(value)
      if (typeof raw !== 'string' || raw.trim() === '') {
        report.problem(report.lineOf(value, keyLine), 'schedule 必须是加引号的 cron 表达式', '如 `schedule: "0 3 * * *"`（每天 03:00）')
      } else result.schedule = { expression: raw.trim(), line: keyLine }
    } else {
      const suggestion = didYouMean(key ?? '', TOP_LEVEL_KEYS)
      report.warn(keyLine, `不认识顶层键 "${key ?? '?'}"，已忽略`, suggestion ? didYouMeanHint(suggestion) : `可用的键：${TOP_LEVEL_KEYS.join('、')}`)
    }
  }
  return result
}

function forEachItem(
  doc: Document,
  list: unknown,
  name: string,
  keyLine: number,
  report: YamlReporters,
  listHint: string,
  read: (item: unknown, path: string, line: number) => void,
): void {
  if (list === null || list === undefined || (isScalar(list) && list.value === null)) {
    report.warn(keyLine, `${name} 是空的`, `在 \`${name}:\` 下面加项，或删掉它`)
    return
  }
  if (!isSeq(list)) {
    report.problem(report.lineOf(list, keyLine), `${name} 不是列表`, listHint)
    return
  }
  list.items.forEach((raw, index) => {
    const item = resolve(doc, raw)
    read(item, `${name}[${index}]`, report.lineOf(item, report.lineOf(list, keyLine)))
  })
}

/** `lifecycle:` and `manual_tags:` are lists of tag names; duplicates are errors because order/meaning is unclear. */
function readNameList(doc: Document, node: unknown, name: string, keyLine: number, report: YamlReporters): Array<{ name: string; line: number }> | undefined {
  if (!isSeq(node) || node.items.length === 0) {
    report.problem(report.lineOf(node, keyLine), `${name} 必须是标签名列表`, name === 'lifecycle' ? '如 `lifecycle: [新成员, 活跃, 沉默, 流失预警]`' : '如 `manual_tags: [VIP, 黑名单]`')
    return undefined
  }
  const names: Array<{ name: string; line: number }> = []
  let ok = true
  node.items.forEach((raw, index) => {
    const item = resolve(doc, raw)
    const value = scalarValue(item)
    const line = report.lineOf(item, keyLine)
    if (typeof value !== 'string' || value.trim() === '') {
      ok = false
      report.problem(line, `${name}[${index}] 必须是标签名`, '标签名写成文字；数字要加引号')
    } else if (names.some((n) => n.name === value.trim())) {
      ok = false
      report.problem(line, `${name}[${index}] "${value.trim()}" 重复了`, '只保留一个')
    } else names.push({ name: value.trim(), line })
  })
  return ok ? names : undefined
}
