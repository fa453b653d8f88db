import { isMap, isScalar, LineCounter } from 'yaml'
import type { Document, YAMLMap } from 'yaml'
import type { FileProblem } from '../file-problem.js'
import { MAX_YAML_NESTING, parseYamlDocument } from './parse-yaml-document.js'
import type { YamlReporters } from './yaml-reporters.js'
import { describeYamlError } from './describe-yaml-error.js'

/** Admin files need few aliases (a shared answer, say); a handful is tolerated, a "billion laughs" is not. */
const MAX_ALIAS_COUNT = 100

/** Hints for the yaml library's error codes that admins hit when hand-editing, whatever the file holds. */
const SYNTAX_HINTS: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: '把行首的 Tab 换成空格',
  MISSING_CHAR: '有引号或括号没有闭合 — 在同一行里补上',
  DUPLICATE_KEY: '这个键在同一层出现了两次 — 只保留一个',
  BLOCK_AS_IMPLICIT_KEY: '检查缩进，并确认 `键: 值` 的冒号后面有空格',
  MULTIPLE_DOCS: '删掉 "---" 这一行：一个文件只写一个文档',
}

/** The fix hints a kind of file gives, in its own words (intents, conditions, …). */
export interface YamlFileHints {
  tooDeep: string
  /** For an unclosed `[ … ]` / `{ … }` (the yaml library's "Flow sequence/mapping …" errors). */
  unclosedFlow: string
  /** By yaml error code, over the shared ones above. */
  syntax: Readonly<Record<string, string>>
  otherSyntax: string
  tooManyAliases: string
  empty: string
  notAMapping: string
}

export interface YamlMappingFile {
  problems: FileProblem[]
  warnings: FileProblem[]
  /** Reports into `problems` / `warnings` under the file's name, with lines from this text. */
  report: YamlReporters
  /** Undefined when the text is not a usable mapping (already reported, or warned about when empty). */
  mapping?: { doc: Document; root: YAMLMap }
}

/**
 * Parses one admin-edited YAML text whose top level must be a mapping: refuses runaway nesting, syntax errors
 * (each at its line, with a hint) and alias bombs, warns about an empty file, and hands back reporters that
 * resolve node lines for the section readers. Pure: the caller reads the file and checks its size.
 *
 * @example
 * const { mapping, report, problems } = readYamlMapping('intents: []\n', 'knowledge/a.yaml', KNOWLEDGE_HINTS)
 * mapping && report.lineOf(mapping.root, 1) // 1
 */
export function readYamlMapping(text: string, file: string, hints: YamlFileHints): YamlMappingFile {
  const lineCounter = new LineCounter()
  const problems: FileProblem[] = []
  const warnings: FileProblem[] = []
  const lineAt = (offset: number) => lineCounter.linePos(offset).line
  const report: YamlReporters = {
    problem: (line, message, hint) => problems.push({ file, line, message, hint }),
    warn: (line, message, hint) => warnings.push({ file, line, message, hint }),
    lineOf: (node, fallback) => {
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range
      return range ? lineAt(range[0]) : fallback
    },
  }
  const result: YamlMappingFile = { problems, warnings, report }

  // Not parseDocument: that would compose a nesting deep enough to crash the process (see parseYamlDocument).
  const parsed = parseYamlDocument(text, lineCounter)
  if (!parsed.ok) {
    report.problem(parsed.tooDeep.line, `YAML 嵌套超过 ${MAX_YAML_NESTING} 层`, hints.tooDeep)
    return result
  }
  const doc = parsed.doc
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const hint = /^Flow (sequence|mapping)/.test(error.message) ? hints.unclosedFlow : hints.syntax[error.code] ?? SYNTAX_HINTS[error.code] ?? hints.otherSyntax
      report.problem(lineAt(error.pos[0]), `YAML 语法错误：${describeYamlError(error)}`, hint)
    }
    return result
  }
  try {
    // Resolving aliases here is what enforces the alias limit.
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
  } catch (error) {
    // yaml refuses with "Excessive alias count indicates a resource exhaustion attack"; anything else keeps its words.
    const why = /Excessive alias count/.test((error as Error).message) ? '展开后超出上限，像是“别名炸弹”' : (error as Error).message
    report.problem(0, `YAML 用了太多别名（*）：${why}`, hints.tooManyAliases)
    return result
  }

  const root = doc.contents
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    report.warn(1, '文件是空的', hints.empty)
    return result
  }
  if (!isMap(root)) {
    report.problem(report.lineOf(root, 1), '文件顶层不是“键: 值”结构', hints.notAMapping)
    return result
  }
  return { ...result, mapping: { doc, root } }
}
