import path from 'node:path'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { formatProblem } from '../knowledge/load-knowledge.js'
import { writeCalibratedBand } from '../knowledge/write-calibrated-band.js'
import { calibrateMatcher, FOLD_LIMITS, type CalibrationReport } from '../nlu/calibrate-matcher.js'
import { UsageError, type CliIo } from './cli-io.js'
import { formatTable } from './format-table.js'
import { kbDir, loadOrReport } from './kb-commands.js'
import { readKbEmbeddings, reportEmbeddingsError } from './kb-embeddings.js'

export interface KbCalibrateFlags {
  /** One folder, or several to pool (how the built-in defaults were chosen); --write takes one. */
  kb?: readonly string[]
  targetFalseAccept?: string
  targetAutoSendError?: string
  write?: boolean
  json?: boolean
  /** false (--no-embeddings): calibrate the offline matcher even when QUNDESK_EMBEDDINGS_URL is set. */
  embeddings?: boolean
}

/** Rows of the printed curve: every 0.05 in this range, plus the proposed threshold. */
const TABLE_FROM = 0.1
const TABLE_TO = 0.8

/**
 * `qundesk kb calibrate [--kb DIR]... [--target-false-accept 0.05] [--target-auto-send-error 0.01] [--write] [--json]`:
 * leave-one-out over the knowledge itself (no negatives file), the accuracy / false-accept curve, the proposed
 * `matching:` band, and with --write that band written into the knowledge (the file that has `matching:`, else a new
 * matching.yaml), keeping comments and layout. Progress goes to stderr. Exit 1 when the knowledge does not load,
 * or when --write finds no threshold meeting the target.
 */
export async function kbCalibrate(flags: KbCalibrateFlags, io: CliIo): Promise<number> {
  const targetFalseAccept = parseShare(flags.targetFalseAccept, '--target-false-accept', 0.05)
  const targetAutoSendError = parseShare(flags.targetAutoSendError, '--target-auto-send-error', 0.01)
  const dirs = (flags.kb?.length ? flags.kb : [undefined]).map((kb) => kbDir(kb === undefined ? {} : { kb }, io))
  if (flags.write && dirs.length > 1) throw new UsageError('kb calibrate --write 只能用一个 --kb 文件夹（多个文件夹合并只用于选默认值）')
  const kbs: KnowledgeBase[] = []
  for (const dir of dirs) {
    const kb = await loadOrReport(dir, io)
    if (!kb) return 1
    kbs.push(kb)
  }
  const names = dirs.map((dir) => path.relative(io.cwd, dir) || '.')
  const semantic = readKbEmbeddings(io, flags.embeddings !== false, '校准')
  if (!semantic.ok) return 1
  let lastShown = ''
  let report: CalibrationReport
  try {
    report = await calibrateMatcher(kbs, {
      targetFalseAccept, targetAutoSendError,
      ...(semantic.semantic ? { semantic: semantic.semantic } : {}),
      onProgress: ({ source, phase, done, total }) => {
        // About ten lines per phase, so a log stays readable.
        if (done !== total && done % Math.max(1, Math.ceil(total / 10)) !== 0) return
        const line = `${names.length > 1 ? `[${source + 1}/${names.length}] ` : ''}${names[source]}：${phase === 'intents' ? '留出意图' : '留出例句'} ${done}/${total}`
        if (line !== lastShown) io.stderr(line)
        lastShown = line
      },
    })
  } catch (error) {
    if (!reportEmbeddingsError(error, io, '校准')) throw error
    return 1
  }
  const band = report.semanticWeight === null ? 'matching' : 'matching.semantic'

  let written: { file: string; suggest: number; autoSend: number } | undefined
  if (flags.write) {
    if (!report.accept?.met) {
      io.stderr(`没有哪个阈值能让误接不超过 ${pct(targetFalseAccept)}，未写入；放宽 --target-false-accept，或给意图补充更有区分度的例句`)
      return 1
    }
    const values = { suggest: report.accept.threshold, autoSend: Math.max(report.autoSend?.threshold ?? report.accept.threshold, report.accept.threshold) }
    const file = await writeBand(kbs[0]!, dirs[0]!, values, targetFalseAccept, report.semanticWeight !== null, io)
    if (!file) return 1
    written = { file: path.relative(io.cwd, file), ...values }
  }

  if (flags.json) {
    io.stdout(JSON.stringify({ knowledge: names, ...report, ...(written ? { written } : {}) }))
    return 0
  }
  printReport(report, names, io)
  if (written) io.stdout(`已写入 ${written.file}：${band}.suggest = ${written.suggest}，${band}.auto_send = ${written.autoSend}`)
  else if (report.accept?.met && dirs.length === 1) io.stdout(`加 --write 把这两个值写入知识库的 ${band}: 段落`)
  return 0
}

function printReport(report: CalibrationReport, names: readonly string[], io: CliIo): void {
  io.stdout(`留一法校准：${names.join(' + ')}（${report.intents} 个意图）`)
  if (report.semanticWeight !== null) io.stdout(`  排名融合了嵌入服务的向量（语义权重 ${report.semanticWeight}）：建议的是 matching.semantic 段落，服务不可用时仍按 matching: 判断`)
  io.stdout(`  留出例句 ${report.listed} 条，每条用不含它的知识库训练后判断${report.skipped ? `（${report.skipped} 条是意图唯一的例句，不留出）` : ''}`)
  io.stdout(`  留出意图 ${report.leftOutIntents} 个，其例句 ${report.unlisted} 条当作「知识库没有的同领域问题」：接受任何意图都算误接`)
  if (report.sampled) io.stdout(`  知识库较大：每个知识库最多留出 ${FOLD_LIMITS.intents} 个意图、${FOLD_LIMITS.examples} 条例句，在全库中均匀抽取`)
  io.stdout(`  共训练 ${report.folds} 次，用时 ${(report.ms / 1000).toFixed(1)} 秒；留出例句排第一即原意图（top1，不计阈值）：${pct(report.top1)}`)
  io.stdout('')
  const chosen = report.accept?.threshold
  const rows = report.curve.filter((p) => (p.threshold >= TABLE_FROM - 1e-9 && p.threshold <= TABLE_TO + 1e-9 && Math.round(p.threshold * 100) % 5 === 0) || p.threshold === chosen)
  io.stdout(formatTable([
    ['阈值 S', '答对', '答错意图', '转人工', '误接(未收录)'],
    ...rows.map((p) => [`${p.threshold.toFixed(2)}${p.threshold === chosen ? ' ←' : ''}`, pct(p.accuracy), pct(p.wrongAccept), pct(p.miss), pct(p.falseAccept)]),
  ], { indent: '  ' }).join('\n'))
  io.stdout('')
  if (!report.accept) return
  const a = report.accept
  io.stdout(a.met
    ? `建议 suggest（S）= ${a.threshold}：答对 ${pct(a.point.accuracy)}，答错意图 ${pct(a.point.wrongAccept)}，误接未收录问题 ${pct(a.point.falseAccept)}（目标 ≤ ${pct(report.targetFalseAccept)}）`
    : `没有阈值能让误接 ≤ ${pct(report.targetFalseAccept)}；最严的 ${a.threshold} 仍误接 ${pct(a.point.falseAccept)}：给相近的意图补充更有区分度的例句，或放宽目标`)
  const s = report.autoSend
  if (s) {
    io.stdout(`建议 auto_send（A）= ${s.threshold}：自动发送且答对 ${pct(s.point.autoSent)}，自动发错意图 ${pct(s.point.autoWrong)}，未收录问题被自动发送 ${pct(s.point.autoFalse)}（目标各 ≤ ${pct(report.targetAutoSendError)}${s.met ? '' : '，未达到：已取最严的'}）`)
  }
}

/** Writes the band (see `writeCalibratedBand`) and says why not when it cannot. */
async function writeBand(kb: KnowledgeBase, dir: string, band: { suggest: number; autoSend: number }, target: number, semantic: boolean, io: CliIo): Promise<string | undefined> {
  const result = await writeCalibratedBand(kb.files, dir, band, { targetFalseAccept: target, semantic })
  if (result.ok) return result.file
  if (result.reason === 'exists_without_section') {
    io.stderr(`${result.file} 已存在但没有 matching: 段落，未写入：把 matching: 加进去或改名后重试`)
    return undefined
  }
  for (const problem of result.problems) io.stderr(formatProblem(problem))
  io.stderr(`写入后知识库无法加载，已恢复 ${result.file}`)
  return undefined
}

function parseShare(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new UsageError(`${flag} 必须是 0 到 1 之间的比例，如 0.05`)
  return value
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`
}
