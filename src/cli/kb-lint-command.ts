import fs from 'node:fs'
import path from 'node:path'
import { formatProblem } from '../core/file-problem.js'
import { loadKnowledge } from '../knowledge/load-knowledge.js'
import { lintKnowledge, type KnowledgeLintKind } from '../nlu/lint-knowledge.js'
import type { CliIo } from './cli-io.js'

const KIND_NAMES: Record<KnowledgeLintKind, string> = {
  confusable: '易混淆', few_examples: '例句太少', duplicate_example: '重复例句', shared_example: '共用例句', unknown_placeholder: '未知变量',
}

/**
 * `qundesk kb lint [--kb DIR] [--json] [--strict]`: warnings about knowledge that loads but could match better
 * (see `lintKnowledge`), one `file:line: message — hint` each, after the loader's own warnings (as `kb check`). Exit 0 with warnings (they are advice, and a
 * warning-free knowledge base is not always reachable), 1 with `--strict` when there is any, or when the
 * knowledge does not load (the `kb check` problems are printed then).
 */
export async function kbLint(flags: { kb?: string; json?: boolean; strict?: boolean }, io: CliIo): Promise<number> {
  const dir = path.resolve(io.cwd, flags.kb ?? io.env.QUNDESK_KNOWLEDGE_DIR ?? 'knowledge')
  const loaded = await loadKnowledge(dir)
  if (!loaded.ok) {
    if (flags.json) io.stdout(JSON.stringify({ ok: false, problems: loaded.problems }))
    else for (const problem of loaded.problems) io.stderr(formatProblem(problem))
    return 1
  }
  const report = await lintKnowledge(loaded.kb, { fileText: (file) => readOrUndefined(file) })
  // The loader's own warnings (what `kb check` prints: an example listed twice word for word, unknown keys, …) too.
  const failed = flags.strict === true && report.warnings.length + loaded.warnings.length > 0
  if (flags.json) {
    io.stdout(JSON.stringify({ ok: !failed, ...report, loadWarnings: loaded.warnings }))
    return failed ? 1 : 0
  }
  for (const warning of loaded.warnings) io.stderr(`警告：${formatProblem(warning)}`)
  for (const w of report.warnings) {
    io.stdout(formatProblem(w))
    if (w.kind === 'confusable') for (const text of w.examples.slice(0, 5)) io.stdout(`    ${text}`)
  }
  const counts = Object.entries(KIND_NAMES)
    .map(([kind, name]) => [name, report.warnings.filter((w) => w.kind === kind).length] as const)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${n}`)
  const { heldOut, folds, ms } = report.confusion
  io.stdout(`${report.warnings.length === 0 ? '没有提醒' : `共 ${report.warnings.length} 条提醒（${counts.join('、')}）`}：${loaded.kb.intents.length} 个意图，留出 ${heldOut} 个例句分 ${folds} 轮训练检验，用时 ${(ms / 1000).toFixed(1)} 秒`)
  return failed ? 1 : 0
}

function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}
