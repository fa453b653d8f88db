import { didYouMean, didYouMeanHint } from '../core/did-you-mean.js'
import { loadYamlFolder, type YamlFolderKind } from '../core/yaml/load-yaml-folder.js'
import { tagReferences } from './expression/compile-expression.js'
import { parseRulesFile } from './parse-rules-file.js'
import type { RuleProblem, RuleSet, RuleSource, TagAction, TagRule } from './rule-set.js'
import { scheduleProblem } from './validate-schedule.js'

export type { RuleProblem, RuleSet, TagAction, TagRule } from './rule-set.js'
export { formatProblem } from '../core/file-problem.js'

/**
 * `missing: true` means the folder does not exist: rules are optional, so the bot runs without tagging, while
 * `qundesk rules check` still reports it. Every other failure (`missing: false`) is a broken rules folder.
 */
export type LoadRulesResult =
  | { ok: true; rules: RuleSet; warnings: RuleProblem[] }
  | { ok: false; missing: boolean; problems: RuleProblem[] }

/** Rules files are a few KB; anything bigger is a mistake or an attack. */
export const MAX_RULES_FILE_BYTES = 1024 * 1024
const MAX_RULES_FILES = 100
/** Each member is re-tagged by every rule on every run; hundreds of tags would be unmanageable anyway. */
export const MAX_TAG_RULES = 500

const RULES_FOLDER: YamlFolderKind = {
  what: '规则',
  maxFiles: MAX_RULES_FILES,
  maxFileBytes: MAX_RULES_FILE_BYTES,
  hints: {
    notAFolder: '把 QUNDESK_RULES_DIR 指向一个放 *.yaml 文件的文件夹',
    notFound: '成员打标签功能未开启；创建这个文件夹并放入 *.yaml 规则（见 rules/README.md）即可开启',
    noFiles: '加一个文件，如 lifecycle.yaml（见 rules/README.md），或删掉这个文件夹以关闭打标签',
    tooManyFiles: `合并文件，保持在 ${MAX_RULES_FILES} 个以内`,
    fileTooLarge: '拆成几个文件',
  },
}

/**
 * Loads every `*.yaml` / `*.yml` file in `dir` (sorted by name; README.md, rules.schema.json and other files are
 * ignored), validates them and checks what spans files: unique tag ids, `has_tag()` only of earlier or manual tags,
 * lifecycle stages and action tags that exist, one `lifecycle:` / `schedule:` / `manual_tags:`, a valid cron
 * schedule. Never throws for bad content: problems carry `file:line`, the expression column and a fix hint.
 *
 * @example
 * const result = await loadRules('rules')
 * if (!result.ok && result.missing) logger.info('no rules folder: member tagging is off')
 * else if (!result.ok) for (const p of result.problems) console.error(formatProblem(p))
 * else console.log(`${result.rules.tags.length} tag rules`)
 */
export async function loadRules(dir: string): Promise<LoadRulesResult> {
  const folderProblem = (message: string, hint: string): LoadRulesResult => ({
    ok: false,
    missing: false,
    problems: [{ file: dir, line: 0, message, hint }],
  })

  const problems: RuleProblem[] = []
  const warnings: RuleProblem[] = []
  const tags: Array<{ rule: TagRule; whenLine: number; path: string }> = []
  const actions: Array<{ action: TagAction; tagLine: number; path: string }> = []
  let lifecycle: { stages: Array<{ name: string; line: number }>; source: RuleSource } | undefined
  let schedule: { expression: string; source: RuleSource } | undefined
  let manualTags: { names: Array<{ name: string; line: number }>; source: RuleSource } | undefined
  // Sections that may appear once; a second copy is reported after the per-file problems, which it doesn't hide.
  const repeated: RuleProblem[] = []
  const once = <T extends { source: RuleSource }>(current: T | undefined, next: T, key: string): T | undefined => {
    if (!current) return next
    repeated.push({ ...next.source, message: `${key} 已在 ${current.source.file}:${current.source.line} 写过`, hint: `整个规则文件夹只保留一个 \`${key}:\`` })
    return current
  }

  const folder = await loadYamlFolder(dir, RULES_FOLDER, problems, (file, text) => {
    const parsed = parseRulesFile(text, file)
    problems.push(...parsed.problems)
    warnings.push(...parsed.warnings)
    for (const { rule, whenLine, line, path } of parsed.tags) tags.push({ rule: { ...rule, source: { file, line } }, whenLine, path })
    for (const { action, tagLine, line, path } of parsed.actions) actions.push({ action: { ...action, source: { file, line } }, tagLine, path })
    if (parsed.lifecycle) lifecycle = once(lifecycle, { stages: parsed.lifecycle.stages, source: { file, line: parsed.lifecycle.line } }, 'lifecycle')
    if (parsed.schedule) schedule = once(schedule, { expression: parsed.schedule.expression, source: { file, line: parsed.schedule.line } }, 'schedule')
    if (parsed.manualTags) manualTags = once(manualTags, { names: parsed.manualTags.names, source: { file, line: parsed.manualTags.line } }, 'manual_tags')
  })
  if (!folder.ok) return { ok: false, missing: folder.missing, problems: [folder.problem] }
  // Problems in single files make cross-file checks noisy (a broken rule looks like a missing tag); report those first.
  if (problems.length > 0) return { ok: false, missing: false, problems: [...problems, ...repeated] }
  problems.push(...repeated)

  // Unique ids, in load order: the first definition wins and later ones point at it.
  const firstById = new Map<string, TagRule>()
  for (const { rule } of tags) {
    const first = firstById.get(rule.id)
    if (first) problems.push({ ...rule.source, message: `标签 id "${rule.id}" 已在 ${first.source.file}:${first.source.line} 用过`, hint: '给其中一个改名（所有规则文件里的 id 不能重复），或用 or 把两个条件合并' })
    else firstById.set(rule.id, rule)
  }
  if (tags.length > MAX_TAG_RULES) problems.push({ file: dir, line: 0, message: `有 ${tags.length} 条标签规则，超过 ${MAX_TAG_RULES} 条的上限`, hint: '删掉没人用的标签' })
  if (tags.length === 0 && problems.length === 0) return folderProblem('规则里没有定义任何标签', '加上 `tags:`，至少写一条 `- id: ... when: ...`（见 rules/README.md）')

  const manual = new Set(manualTags?.names.map((n) => n.name) ?? [])
  for (const { name, line } of manualTags?.names ?? []) {
    const rule = firstById.get(name)
    if (rule) problems.push({ file: manualTags!.source.file, line, message: `手动标签 "${name}" 也是规则标签（${rule.source.file}:${rule.source.line}）`, hint: '一个标签要么由规则计算，要么由客服手动设置，不能两者都是' })
  }
  const allNames = [...firstById.keys(), ...manual]

  // has_tag(): only manual tags or tags defined earlier, which rules out cycles by construction.
  const defined = new Set<string>()
  for (const { rule, whenLine, path } of tags) {
    for (const ref of tagReferences(rule.ast)) {
      const at = `${path}.when: 第 ${ref.column} 列的 has_tag('${ref.name}')`
      const target = firstById.get(ref.name)
      if (ref.name === rule.id) {
        problems.push({ file: rule.source.file, line: whenLine, message: `${at} 读的是这条规则自己定义的标签`, hint: '规则不能依赖自己；删掉它' })
      } else if (target && !defined.has(ref.name)) {
        problems.push({ file: rule.source.file, line: whenLine, message: `${at} 读的标签定义在后面（${target.source.file}:${target.source.line}）`, hint: `把 "${ref.name}" 移到 "${rule.id}" 上面：规则只能读在它之前定义的标签` })
      } else if (!target && !manual.has(ref.name)) {
        const suggestion = didYouMean(ref.name, allNames)
        if (manualTags) {
          problems.push({ file: rule.source.file, line: whenLine, message: `${at} 既不是规则标签，也不是手动标签`, hint: suggestion ? didYouMeanHint(suggestion) : '把它加到 `manual_tags:` 里，或改正名字' })
        } else {
          warnings.push({ file: rule.source.file, line: whenLine, message: `${at} 不是规则标签，按客服手动设置的标签读取`, hint: suggestion ? didYouMeanHint(suggestion) : '在 `manual_tags:` 下声明它，拼错时才能被发现' })
        }
      }
    }
    defined.add(rule.id)
  }

  for (const { name, line } of lifecycle?.stages ?? []) {
    if (!firstById.has(name) && !manual.has(name)) {
      const suggestion = didYouMean(name, allNames)
      problems.push({ file: lifecycle!.source.file, line, message: `lifecycle 阶段 "${name}" 不是标签`, hint: suggestion ? didYouMeanHint(suggestion) : '先在 `tags:` 下定义它' })
    }
  }
  if (schedule) {
    const problem = scheduleProblem(schedule.expression)
    if (problem) problems.push({ ...schedule.source, ...problem })
  }
  for (const { action, tagLine, path } of actions) {
    if (!firstById.has(action.tag)) {
      const suggestion = didYouMean(action.tag, [...firstById.keys()])
      problems.push({ file: action.source.file, line: tagLine, message: `${path}.tag "${action.tag}" 不是规则标签`, hint: suggestion ? didYouMeanHint(suggestion) : '动作在规则加上或去掉标签时执行；写 `tags:` 里的一个标签' })
    }
  }

  if (problems.length > 0) return { ok: false, missing: false, problems }
  return {
    ok: true,
    rules: {
      tags: [...firstById.values()],
      lifecycle: lifecycle?.stages.map((s) => s.name) ?? [],
      ...(schedule ? { schedule: schedule.expression } : {}),
      actions: actions.map((a) => a.action),
      manualTags: [...manual],
      files: folder.files,
    },
    warnings,
  }
}
