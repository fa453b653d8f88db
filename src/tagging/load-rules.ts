import { didYouMean } from '../core/did-you-mean.js'
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
  what: 'rules',
  maxFiles: MAX_RULES_FILES,
  maxFileBytes: MAX_RULES_FILE_BYTES,
  hints: {
    notAFolder: 'point QUNDESK_RULES_DIR at a folder of *.yaml files',
    notFound: 'member tagging is off; create the folder with *.yaml rules (see rules/README.md) to turn it on',
    noFiles: 'add a file such as lifecycle.yaml (see rules/README.md), or remove the folder to turn tagging off',
    tooManyFiles: `keep it under ${MAX_RULES_FILES} files`,
    fileTooLarge: 'split it into several files',
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
    repeated.push({ ...next.source, message: `${key} is already set at ${current.source.file}:${current.source.line}`, hint: `keep one \`${key}:\` in the whole rules folder` })
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
    if (first) problems.push({ ...rule.source, message: `tag id "${rule.id}" is already used at ${first.source.file}:${first.source.line}`, hint: 'rename one of them (ids are unique across all rule files) or merge the two conditions with or' })
    else firstById.set(rule.id, rule)
  }
  if (tags.length > MAX_TAG_RULES) problems.push({ file: dir, line: 0, message: `${tags.length} tag rules (limit ${MAX_TAG_RULES})`, hint: 'remove tags nobody uses' })
  if (tags.length === 0 && problems.length === 0) return folderProblem('rules define no tags', 'add `tags:` with at least one `- id: ... when: ...` (see rules/README.md)')

  const manual = new Set(manualTags?.names.map((n) => n.name) ?? [])
  for (const { name, line } of manualTags?.names ?? []) {
    const rule = firstById.get(name)
    if (rule) problems.push({ file: manualTags!.source.file, line, message: `manual tag "${name}" is also a rule tag (${rule.source.file}:${rule.source.line})`, hint: 'a tag is either computed by a rule or set by agents, not both' })
  }
  const allNames = [...firstById.keys(), ...manual]

  // has_tag(): only manual tags or tags defined earlier, which rules out cycles by construction.
  const defined = new Set<string>()
  for (const { rule, whenLine, path } of tags) {
    for (const ref of tagReferences(rule.ast)) {
      const at = `${path}.when: has_tag('${ref.name}') at column ${ref.column}`
      const target = firstById.get(ref.name)
      if (ref.name === rule.id) {
        problems.push({ file: rule.source.file, line: whenLine, message: `${at} reads the tag it defines`, hint: 'a rule cannot depend on itself; remove it' })
      } else if (target && !defined.has(ref.name)) {
        problems.push({ file: rule.source.file, line: whenLine, message: `${at} reads a tag defined later (${target.source.file}:${target.source.line})`, hint: `move "${ref.name}" above "${rule.id}": a rule may only read tags defined before it` })
      } else if (!target && !manual.has(ref.name)) {
        const suggestion = didYouMean(ref.name, allNames)
        if (manualTags) {
          problems.push({ file: rule.source.file, line: whenLine, message: `${at} names no rule tag and no manual tag`, hint: suggestion ? `did you mean "${suggestion}"?` : 'add it to `manual_tags:` or fix the name' })
        } else {
          warnings.push({ file: rule.source.file, line: whenLine, message: `${at} names no rule tag; it is read as a manual tag set by agents`, hint: suggestion ? `did you mean "${suggestion}"?` : 'declare it under `manual_tags:` so typos are caught' })
        }
      }
    }
    defined.add(rule.id)
  }

  for (const { name, line } of lifecycle?.stages ?? []) {
    if (!firstById.has(name) && !manual.has(name)) {
      const suggestion = didYouMean(name, allNames)
      problems.push({ file: lifecycle!.source.file, line, message: `lifecycle stage "${name}" is not a tag`, hint: suggestion ? `did you mean "${suggestion}"?` : 'define it under `tags:` first' })
    }
  }
  if (schedule) {
    const problem = scheduleProblem(schedule.expression)
    if (problem) problems.push({ ...schedule.source, ...problem })
  }
  for (const { action, tagLine, path } of actions) {
    if (!firstById.has(action.tag)) {
      const suggestion = didYouMean(action.tag, [...firstById.keys()])
      problems.push({ file: action.source.file, line: tagLine, message: `${path}.tag "${action.tag}" is not a rule tag`, hint: suggestion ? `did you mean "${suggestion}"?` : 'actions run when a rule adds or removes a tag; name one from `tags:`' })
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
