import fs from 'node:fs/promises'
import path from 'node:path'
import type { FileProblem } from '../core/file-problem.js'
import { loadKnowledge } from './load-knowledge.js'
import { hasMatchingSection, MATCHING_FILE_NAME, setMatchingBand } from './write-matching-band.js'
import { KNOWLEDGE_SCHEMA_COMMENT } from './knowledge-format.js'

export type WriteCalibratedBandResult =
  | { ok: true; file: string }
  /** `matching.yaml` exists without a `matching:` section: writing it would put the band beside something unknown. */
  | { ok: false; reason: 'exists_without_section'; file: string }
  /** The knowledge would no longer load with the band in it (the old text is back). */
  | { ok: false; reason: 'breaks_knowledge'; file: string; problems: FileProblem[] }

/**
 * Writes a calibrated band into a knowledge folder: into the file that already has `matching:` (comments and layout
 * kept, see `setMatchingBand`), else into a new matching.yaml; then loads the folder again and puts the old text back
 * when it no longer loads, so a write never leaves the bot on a broken knowledge base. Shared by
 * `qundesk kb calibrate --write` and the console's 阈值校准.
 *
 * @example
 * await writeCalibratedBand(kb.files, 'knowledge', { suggest: 0.41, autoSend: 0.53 }, { targetFalseAccept: 0.05 })
 * // { ok: true, file: 'knowledge/matching.yaml' }
 */
export async function writeCalibratedBand(
  files: readonly string[], dir: string, band: { suggest: number; autoSend: number },
  options: { targetFalseAccept: number; semantic?: boolean },
): Promise<WriteCalibratedBandResult> {
  let file: string | undefined
  let before: string | undefined
  for (const candidate of files) {
    const text = await fs.readFile(candidate, 'utf8').catch(() => undefined)
    if (text !== undefined && hasMatchingSection(text)) {
      file = candidate
      before = text
      break
    }
  }
  const semantic = options.semantic ?? false
  let after: string
  if (file && before !== undefined) after = setMatchingBand(before, band, { semantic })
  else {
    file = path.join(dir, MATCHING_FILE_NAME)
    if (await fs.access(file).then(() => true, () => false)) return { ok: false, reason: 'exists_without_section', file }
    const header = `${KNOWLEDGE_SCHEMA_COMMENT}\n# 阈值区间（matching）。由 qundesk kb calibrate 用留一法算出（未收录问题误接目标 ≤ ${(options.targetFalseAccept * 100).toFixed(1)}%），可以手动调整；格式见 README.md。\n`
    after = setMatchingBand(header, band, { semantic })
  }
  // Written whole under another name, then renamed: the folder watch never reads half a file.
  const temporary = `${file}.${process.pid}.tmp`
  await fs.writeFile(temporary, after)
  await fs.rename(temporary, file)
  const check = await loadKnowledge(dir)
  if (!check.ok) {
    if (before === undefined) await fs.rm(file, { force: true })
    else await fs.writeFile(file, before)
    return { ok: false, reason: 'breaks_knowledge', file, problems: check.problems }
  }
  return { ok: true, file }
}
