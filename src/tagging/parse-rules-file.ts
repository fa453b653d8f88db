import { isScalar, isSeq } from 'yaml'
import type { Document, Pair } from 'yaml'
import { didYouMean } from '../core/did-you-mean.js'
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
  tooDeep: 'a tag rule needs 3 levels; check for unclosed [ or { and for runaway indentation',
  unclosedFlow: 'a [ … ] list is not closed, or its items are not indented — close it on the line where it starts',
  syntax: {
    BAD_INDENT: 'check the indentation: use spaces, and line up `id:` and `when:` of one tag under each other',
    UNEXPECTED_TOKEN: 'put quotes around a condition that contains ": " or " #", or starts with !, [ or {',
    BAD_SCALAR_START: 'put quotes around a condition that starts with a special character such as !, @ or `',
  },
  otherSyntax: 'fix the YAML syntax; put quotes around conditions that contain ": " or " #"',
  tooManyAliases: 'write the rules out instead of using many *aliases',
  empty: 'add `tags:` with a list of tag rules, or delete the file',
  notAMapping: 'start the file with `tags:` followed by `- id: ...` items',
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
      forEachItem(doc, value, 'tags', keyLine, report, 'write each tag as a list item `- id: ...` with `when:` below it', (item, path, line) => {
        const read = readTagRule(doc, item, path, line, report)
        if (read) result.tags.push({ ...read, line, path })
      })
    } else if (key === 'actions') {
      forEachItem(doc, value, 'actions', keyLine, report, 'write each action as a list item `- on: tag_added`', (item, path, line) => {
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
        report.problem(report.lineOf(value, keyLine), 'schedule must be a cron expression in quotes', 'e.g. `schedule: "0 3 * * *"` (every day at 03:00)')
      } else result.schedule = { expression: raw.trim(), line: keyLine }
    } else {
      const suggestion = didYouMean(key ?? '', TOP_LEVEL_KEYS)
      report.warn(keyLine, `unknown top-level key "${key ?? '?'}" is ignored`, suggestion ? `did you mean "${suggestion}"?` : `known keys: ${TOP_LEVEL_KEYS.join(', ')}`)
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
    report.warn(keyLine, `${name} is empty`, `add items under \`${name}:\` or remove it`)
    return
  }
  if (!isSeq(list)) {
    report.problem(report.lineOf(list, keyLine), `${name} is not a list`, listHint)
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
    report.problem(report.lineOf(node, keyLine), `${name} must be a list of tag names`, name === 'lifecycle' ? 'e.g. `lifecycle: [新成员, 活跃, 沉默, 流失预警]`' : 'e.g. `manual_tags: [VIP, 黑名单]`')
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
      report.problem(line, `${name}[${index}] must be a tag name`, 'write the tag name as text; quote numbers')
    } else if (names.some((n) => n.name === value.trim())) {
      ok = false
      report.problem(line, `${name}[${index}] "${value.trim()}" is listed twice`, 'keep one')
    } else names.push({ name: value.trim(), line })
  })
  return ok ? names : undefined
}
