import type { FileProblem } from '../core/file-problem.js'
import { loadYamlFolder, type YamlFolderKind } from '../core/yaml/load-yaml-folder.js'
import { createKnowledgeBase } from './knowledge-base.js'
import type { Intent, KnowledgeBase } from './knowledge-base.js'
import { intentMatches } from './intent-pattern.js'
import type { EscalationPolicy } from './escalation-policy.js'
import type { MatchingBands } from './matching-bands.js'
import type { Synonyms } from './synonyms.js'
import { parseKnowledgeFile, type LearnedExamples } from './parse-knowledge-file.js'
import type { ParseKnowledgeFile } from './knowledge-file-cache.js'

/** Knowledge files report problems in the shared `file:line: message — hint` form. */
export type KnowledgeProblem = FileProblem
export { formatProblem } from '../core/file-problem.js'

export type LoadKnowledgeResult =
  | { ok: true; kb: KnowledgeBase; warnings: KnowledgeProblem[] }
  | { ok: false; problems: KnowledgeProblem[] }

/** A FAQ file is a few hundred KB at most; anything bigger is a mistake or an attack. */
export const MAX_KNOWLEDGE_FILE_BYTES = 1024 * 1024
const MAX_KNOWLEDGE_FILES = 500

const KNOWLEDGE_FOLDER: YamlFolderKind = {
  what: '知识库',
  maxFiles: MAX_KNOWLEDGE_FILES,
  maxFileBytes: MAX_KNOWLEDGE_FILE_BYTES,
  hints: {
    notAFolder: '把知识库设置（QUNDESK_KNOWLEDGE_DIR 或 --kb）指向一个放 *.yaml 文件的文件夹',
    notFound: '创建这个文件夹并放入 *.yaml 文件，或改正知识库文件夹的设置',
    noFiles: '至少加一个文件，如 logistics.yaml（见 knowledge/README.md）',
    tooManyFiles: `把相关的意图合并到同一个文件里，文件数保持在 ${MAX_KNOWLEDGE_FILES} 个以内`,
    fileTooLarge: '按主题拆成几个文件',
  },
}

/**
 * Loads every `*.yaml` / `*.yml` file in `dir` (sorted by name; other files such as README.md are ignored),
 * validates them, and checks ids are unique across files. Never throws for bad content: problems come back
 * with `file:line` and a fix hint. A running bot passes a `createKnowledgeFileCache()` as `parse`, so a reload
 * parses only the files that changed.
 *
 * @example
 * const result = await loadKnowledge('knowledge')
 * if (!result.ok) for (const p of result.problems) console.error(formatProblem(p))
 * else console.log(`${result.kb.intents.length} intents`)
 */
export async function loadKnowledge(dir: string, options: { parse?: ParseKnowledgeFile } = {}): Promise<LoadKnowledgeResult> {
  const parse = options.parse ?? parseKnowledgeFile
  const problems: KnowledgeProblem[] = []
  const warnings: KnowledgeProblem[] = []
  const folderProblem = (message: string, hint: string): LoadKnowledgeResult => ({
    ok: false,
    problems: [{ file: dir, line: 0, message, hint }],
  })

  const intents: Intent[] = []
  let escalation: { policy: EscalationPolicy; file: string; line: number } | undefined
  let bands: { bands: MatchingBands; file: string; line: number } | undefined
  let synonyms: { synonyms: Synonyms; file: string; line: number } | undefined
  const firstById = new Map<string, Intent>()
  const firstByExample = new Map<string, Intent>()
  const learned: Array<LearnedExamples & { file: string }> = []
  const folder = await loadYamlFolder(dir, KNOWLEDGE_FOLDER, problems, (file, text) => {
    const parsed = parse(text, file)
    problems.push(...parsed.problems)
    warnings.push(...parsed.warnings)
    if (parsed.escalation) {
      if (escalation) {
        problems.push({ file, line: parsed.escalation.line, message: `escalation 已在 ${escalation.file}:${escalation.line} 写过`, hint: '整个知识库文件夹只保留一个 `escalation:`' })
      } else escalation = { ...parsed.escalation, file }
    }
    if (parsed.bands) {
      if (bands) {
        problems.push({ file, line: parsed.bands.line, message: `matching 已在 ${bands.file}:${bands.line} 写过`, hint: '整个知识库文件夹只保留一个 `matching:`' })
      } else bands = { ...parsed.bands, file }
    }
    if (parsed.synonyms) {
      if (synonyms) {
        problems.push({ file, line: parsed.synonyms.line, message: `synonyms 已在 ${synonyms.file}:${synonyms.line} 写过`, hint: '整个知识库文件夹只保留一个 `synonyms:`（knowledge/synonyms.yaml）' })
      } else synonyms = { ...parsed.synonyms, file }
    }
    for (const entry of parsed.learned ?? []) learned.push({ ...entry, file })
    for (const intent of parsed.intents) {
      const first = firstById.get(intent.id)
      if (first) {
        problems.push({
          file,
          line: intent.source.line,
          message: `id "${intent.id}" 已在 ${first.source.file}:${first.source.line} 用过`,
          hint: '给其中一个改名（所有文件里的 id 不能重复），或把两个意图合并',
        })
        continue
      }
      firstById.set(intent.id, intent)
      intents.push(intent)
      for (const example of intent.examples) {
        const owner = firstByExample.get(example)
        if (owner && owner.id !== intent.id) {
          warnings.push({
            file,
            line: intent.source.line,
            message: `${intent.id} 的例句 "${example}" 也是 ${owner.id} 的例句（${owner.source.file}:${owner.source.line}）`,
            hint: '只留在一个意图里，机器人才知道该用哪个回答',
          })
        } else if (!owner) {
          firstByExample.set(example, intent)
        }
      }
    }
  })
  if (!folder.ok) return { ok: false, problems: [folder.problem] }

  if (problems.length > 0) return { ok: false, problems }
  mergeLearned(intents, learned, warnings)
  if (intents.length === 0) return folderProblem('知识库里没有意图', '在 *.yaml 文件里加上带 id、examples 和 answer 的意图（见 knowledge/README.md）')
  if (escalation) {
    for (const pattern of escalation.policy.intents) {
      if (!intents.some((intent) => intentMatches(pattern, intent.id))) {
        warnings.push({ file: escalation.file, line: escalation.line, message: `escalation.intents "${pattern}" 没有匹配到任何意图`, hint: '检查拼写；`complaint.*` 匹配所有以 complaint. 开头的 id' })
      }
    }
  }
  return { ok: true, kb: createKnowledgeBase(intents, folder.files, {
    ...(escalation ? { escalation: escalation.policy } : {}), ...(bands ? { bands: bands.bands } : {}), ...(synonyms ? { synonyms: synonyms.synonyms } : {}),
  }), warnings }
}

/**
 * Adds `learned:` examples to the intents they name (in place of `intents`' items). An entry for an intent that no
 * longer exists is a warning, not a problem: renaming or deleting an intent must not stop the bot from reloading.
 * An example the intent already has is skipped silently (the admin may have merged it by hand).
 */
function mergeLearned(intents: Intent[], learned: ReadonlyArray<LearnedExamples & { file: string }>, warnings: KnowledgeProblem[]): void {
  const index = new Map(intents.map((intent, i) => [intent.id, i]))
  for (const entry of learned) {
    const i = index.get(entry.intentId)
    if (i === undefined) {
      warnings.push({ file: entry.file, line: entry.line, message: `learned 里 "${entry.intentId}" 的例句找不到对应的意图，已忽略`, hint: '把它们移到替代它的意图下，或删掉这一项' })
      continue
    }
    const intent = intents[i]!
    const have = new Set(intent.examples)
    const extra = entry.examples.filter((e) => !have.has(e) && (have.add(e), true))
    if (extra.length > 0) intents[i] = { ...intent, examples: [...intent.examples, ...extra] }
  }
}
