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
  what: 'knowledge',
  maxFiles: MAX_KNOWLEDGE_FILES,
  maxFileBytes: MAX_KNOWLEDGE_FILE_BYTES,
  hints: {
    notAFolder: 'point the knowledge setting at a folder of *.yaml files',
    notFound: 'create it and add *.yaml files, or fix the knowledge folder setting',
    noFiles: 'add at least one file such as logistics.yaml (see knowledge/README.md)',
    tooManyFiles: `keep it under ${MAX_KNOWLEDGE_FILES} files by merging related intents`,
    fileTooLarge: 'split it into several files by topic',
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
        problems.push({ file, line: parsed.escalation.line, message: `escalation is already set at ${escalation.file}:${escalation.line}`, hint: 'keep one `escalation:` section in the whole knowledge folder' })
      } else escalation = { ...parsed.escalation, file }
    }
    if (parsed.bands) {
      if (bands) {
        problems.push({ file, line: parsed.bands.line, message: `matching is already set at ${bands.file}:${bands.line}`, hint: 'keep one `matching:` section in the whole knowledge folder' })
      } else bands = { ...parsed.bands, file }
    }
    if (parsed.synonyms) {
      if (synonyms) {
        problems.push({ file, line: parsed.synonyms.line, message: `synonyms is already set at ${synonyms.file}:${synonyms.line}`, hint: 'keep one `synonyms:` section in the whole knowledge folder (knowledge/synonyms.yaml)' })
      } else synonyms = { ...parsed.synonyms, file }
    }
    for (const entry of parsed.learned ?? []) learned.push({ ...entry, file })
    for (const intent of parsed.intents) {
      const first = firstById.get(intent.id)
      if (first) {
        problems.push({
          file,
          line: intent.source.line,
          message: `id "${intent.id}" is already used at ${first.source.file}:${first.source.line}`,
          hint: 'rename one of them (ids must be unique across all files) or merge the two intents',
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
            message: `example "${example}" of ${intent.id} is also an example of ${owner.id} (${owner.source.file}:${owner.source.line})`,
            hint: 'keep it in one intent only, so the bot knows which answer fits',
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
  if (intents.length === 0) return folderProblem('knowledge base has no intents', 'add intents with id, examples and answer to a *.yaml file (see knowledge/README.md)')
  if (escalation) {
    for (const pattern of escalation.policy.intents) {
      if (!intents.some((intent) => intentMatches(pattern, intent.id))) {
        warnings.push({ file: escalation.file, line: escalation.line, message: `escalation.intents "${pattern}" matches no intent`, hint: 'check the spelling; `complaint.*` matches every id starting with complaint.' })
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
      warnings.push({ file: entry.file, line: entry.line, message: `learned examples for "${entry.intentId}" name no intent; they are ignored`, hint: 'move them to the intent that replaced it, or delete the entry' })
      continue
    }
    const intent = intents[i]!
    const have = new Set(intent.examples)
    const extra = entry.examples.filter((e) => !have.has(e) && (have.add(e), true))
    if (extra.length > 0) intents[i] = { ...intent, examples: [...intent.examples, ...extra] }
  }
}
