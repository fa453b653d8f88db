import fs from 'node:fs/promises'
import path from 'node:path'
import { formatProblem, loadKnowledge } from '../knowledge/load-knowledge.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { knowledgeJsonSchemaText } from '../knowledge/knowledge-format.js'
import { evaluateMatcher, parseEvalCases, type Confusion, type EvalFailure, type IntentFigures } from '../nlu/evaluate-matcher.js'
import { decideEscalation } from '../escalation/decide-escalation.js'
import { decideIntent } from '../nlu/decide-intent.js'
import { prepareSemanticBlend } from '../nlu/embedding-texts.js'
import { detectEmotion } from '../nlu/emotion/detect-emotion.js'
import { trainIntentMatcher } from '../nlu/intent-matcher.js'
import { loadConfig } from '../config/load-config.js'
import { formatLearnedYaml } from '../learning/format-learned-yaml.js'
import { openDb } from '../storage/create-db.js'
import { listLearnedExamples } from '../storage/learned-example.repository.js'
import { UsageError, type CliIo } from './cli-io.js'
import { formatTable } from './format-table.js'
import { describeCasesReadError, intentLabeller } from './describe-decision.js'
import { describeBands } from '../nlu/describe-bands.js'
import { readKbEmbeddings, reportEmbeddingsError } from './kb-embeddings.js'

/** The knowledge folder a command reads: --kb, else $QUNDESK_KNOWLEDGE_DIR, else ./knowledge. */
export function kbDir(flags: { kb?: string | undefined }, io: CliIo): string {
  return path.resolve(io.cwd, flags.kb ?? io.env.QUNDESK_KNOWLEDGE_DIR ?? 'knowledge')
}

/** Loads the knowledge, printing each problem (and warning) as `file:line: message`; undefined when it has problems. */
export async function loadOrReport(dir: string, io: CliIo): Promise<KnowledgeBase | undefined> {
  const result = await loadKnowledge(dir)
  if (!result.ok) {
    for (const problem of result.problems) io.stderr(formatProblem(problem))
    return undefined
  }
  for (const warning of result.warnings) io.stderr(`警告：${formatProblem(warning)}`)
  return result.kb
}

/** `qundesk kb check [--kb DIR]`: exit 0 when valid, 1 with one `file:line: message` per problem. */
export async function kbCheck(flags: { kb?: string }, io: CliIo): Promise<number> {
  const dir = kbDir(flags, io)
  const kb = await loadOrReport(dir, io)
  if (!kb) return 1
  io.stdout(`OK：${kb.files.length} 个文件，${kb.intents.length} 个意图（${path.relative(io.cwd, dir) || '.'}）`)
  return 0
}

/**
 * `qundesk kb schema`: the JSON Schema of a knowledge file, from the format the loader checks with — the text of
 * knowledge/knowledge.schema.json, for a knowledge folder elsewhere (`qundesk kb schema > DIR/knowledge.schema.json`).
 */
export function kbSchema(io: CliIo): number {
  io.stdout(knowledgeJsonSchemaText().trimEnd())
  return 0
}

/**
 * `qundesk kb test "问题" [--kb DIR] [--group NAME] [--json] [--no-embeddings]`: the decision and the top 3 intents
 * with scores, and why. With QUNDESK_EMBEDDINGS_URL set the ranking is blended with the provider's vectors and
 * decided with `matching.semantic`, as the bot decides; a provider error exits 1.
 */
export async function kbTest(question: string | undefined, flags: { kb?: string; json?: boolean; group?: string; embeddings?: boolean }, io: CliIo): Promise<number> {
  if (!question?.trim()) throw new UsageError('kb test 需要一个问题，如 qundesk kb test "我的快递到哪了"')
  const kb = await loadOrReport(kbDir(flags, io), io)
  if (!kb) return 1
  const provider = readKbEmbeddings(io, flags.embeddings !== false, '测试')
  if (!provider.ok) return 1
  const matcher = await trainIntentMatcher(kb)
  const { top: lexical, evidence, formula } = await matcher.explain(question)
  let blended
  try {
    blended = provider.semantic ? (await prepareSemanticBlend(kb, [question], provider.semantic))(0, lexical) : undefined
  } catch (error) {
    if (!reportEmbeddingsError(error, io, '测试')) throw error
    return 1
  }
  // Decided as the bot decides (the blended ranking with matching.semantic, as matchIntent); --group names the group
  // (its name or id) whose band applies.
  const result = decideIntent(blended ?? lexical, kb, flags.group ? { id: flags.group, name: flags.group } : undefined, { semantic: blended !== undefined })
  const weight = blended && provider.semantic ? provider.semantic.weight : null
  if (flags.json) {
    io.stdout(JSON.stringify({ ...result, evidence, formula, semanticWeight: weight, ...(blended ? { offlineTop: lexical } : {}) }))
    return 0
  }
  const accepted = result.intent
  const label = intentLabeller(kb)
  io.stdout(accepted
    ? `判定：采用 ${label(accepted.intentId)}（分数 ${accepted.score.toFixed(3)} ≥ 阈值 ${result.threshold.toFixed(3)}）${result.confident ? '，有把握' : ''}`
    : `判定：需要人工（最高分低于阈值 ${result.threshold.toFixed(3)}）`)
  io.stdout('前 3 名：')
  result.top.slice(0, 3).forEach((c, i) => io.stdout(`  ${i + 1}. ${label(c.intentId)}  ${c.score.toFixed(3)}`))
  if (weight !== null) {
    // The scores above are blended: say so, and show the offline ranking the evidence below explains.
    io.stdout(`依据：阈值来自 ${describeBands(result.bands)}；分数融合了嵌入服务（${provider.semantic?.model}，权重 ${weight}）：分数 = ${Math.round((1 - weight) * 1000) / 1000} × 离线分数 + ${weight} × (与最近例句的余弦 + 与质心的余弦) / 2`)
    io.stdout(`离线：${lexical.map((c) => `${c.intentId} ${c.score.toFixed(3)}`).join('、') || '没有意图得分'}；${formula}`)
  } else io.stdout(`依据：阈值来自 ${describeBands(result.bands)}；${formula}`)
  for (const e of evidence) {
    io.stdout(`  ${e.intentId}：质心 ${e.centroid.toFixed(3)}，最近例句 ${e.nearest.toFixed(3)}，node-nlp ${e.classifier.toFixed(3)} → 融合 ${e.blend.toFixed(3)}${e.capped ? '，受质心上限限制' : ''}`)
  }
  const emotion = detectEmotion(question)
  const escalation = decideEscalation({ question, intentId: accepted?.intentId ?? null, emotion, previousMisses: 0 }, kb.escalation)
  io.stdout(`情绪：${emotion.severity}${emotion.signals.length ? `（${emotion.signals.map((x) => x.text).join('、')}）` : ''}`)
  if (escalation) io.stdout(`转人工：${escalation.reason} — ${escalation.detail}；不会自动发送`)
  if (accepted && kb.get(accepted.intentId)?.autoSend && !escalation) {
    io.stdout(result.confident ? 'auto_send：会不经客服直接发送' : 'auto_send：低于自动发送区间，或与第二名太接近；由客服审核后发送')
  }
  return 0
}

/**
 * `qundesk kb eval --cases FILE [--kb DIR] [--group NAME] [--failures] [--by-intent] [--json] [--no-embeddings]`:
 * top1, accuracy, falseAccept, counts and timing; --failures lists each wrong case, --by-intent gives per-intent
 * precision / recall / support and the top confusions. With QUNDESK_EMBEDDINGS_URL set every case is blended and
 * decided as the bot with that provider decides; a provider error exits 1.
 */
export async function kbEval(flags: { kb?: string; cases?: string; json?: boolean; group?: string; failures?: boolean; byIntent?: boolean; embeddings?: boolean }, io: CliIo): Promise<number> {
  if (!flags.cases) throw new UsageError('kb eval 需要 --cases FILE（{"cases":[{"text":"...","expect":"<intent id>"|null}]}）')
  const kb = await loadOrReport(kbDir(flags, io), io)
  if (!kb) return 1
  const casesFile = path.resolve(io.cwd, flags.cases)
  let raw: unknown
  try {
    raw = JSON.parse(await fs.readFile(casesFile, 'utf8'))
  } catch (error) {
    io.stderr(`${flags.cases}: ${describeCasesReadError(error)}`)
    return 1
  }
  let cases
  try {
    cases = parseEvalCases(raw)
  } catch (error) {
    io.stderr(`${flags.cases}: ${(error as Error).message}`)
    return 1
  }
  const unknown = [...new Set(cases.map((c) => c.expect).filter((id): id is string => id !== null && !kb.get(id)))]
  if (unknown.length > 0) io.stderr(`警告：测试用例期望的意图在知识库里没有：${unknown.slice(0, 5).join('、')}`)
  const provider = readKbEmbeddings(io, flags.embeddings !== false, '评估')
  if (!provider.ok) return 1
  let evaluated
  try {
    evaluated = await evaluateMatcher(kb, cases, { ...(flags.group ? { group: flags.group } : {}), ...(provider.semantic ? { semantic: provider.semantic } : {}) })
  } catch (error) {
    if (!reportEmbeddingsError(error, io, '评估')) throw error
    return 1
  }
  const { failures, byIntent, confusions, ...figures } = evaluated
  const report = figures
  if (flags.json) {
    io.stdout(JSON.stringify({ ...figures, ...(flags.failures ? { failures } : {}), ...(flags.byIntent ? { byIntent, confusions } : {}) }))
    return 0
  }
  // Figure names stay the JSON keys (top1, accuracy, falseAccept): admins compare the two outputs.
  io.stdout(formatTable([
    ['首位命中 top1', pct(report.top1), `(${report.top1Hits}/${report.positives})`],
    ['答对 accuracy', pct(report.accuracy), `(${report.accepted}/${report.positives})`],
    ['误接 falseAccept', pct(report.falseAccept), `(${report.falseAccepts}/${report.negatives})`],
  ]).join('\n'))
  const kinds = report.falseAcceptByKind
  if (kinds.length > 1 || (kinds.length === 1 && kinds[0]!.kind !== 'unspecified')) {
    for (const k of kinds) io.stdout(`  ${k.kind.padEnd(22)} ${pct(k.falseAccept)}  (${k.falseAccepts}/${k.negatives})`)
  }
  io.stdout(`用例：${report.positives} 条应答，${report.negatives} 条应转人工，${kb.intents.length} 个意图`)
  io.stdout(`用时：训练 ${report.trainMs.toFixed(0)} ms，匹配中位数 ${report.matchMsMedian.toFixed(3)} ms，p99 ${report.matchMsP99.toFixed(3)} ms`)
  if (report.semanticWeight !== null) io.stdout(`语义：排名融合了嵌入服务（权重 ${report.semanticWeight}），按 matching.semantic 判断；用时不含嵌入服务的时间`)
  const label = intentLabeller(kb)
  if (flags.failures) printFailures(failures, io, label)
  if (flags.byIntent) printByIntent(byIntent, confusions, io, label)
  return 0
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`
const NONE = '（无，应转人工）'

function printFailures(failures: readonly EvalFailure[], io: CliIo, label: (id: string) => string): void {
  io.stdout('')
  io.stdout(`答错的问题（${failures.length} 条）：`)
  if (failures.length === 0) return
  io.stdout(formatTable([
    ['问题', '应为', '判为', '分数', '阈值', '第二名', '第二名分数'],
    ...failures.map((f) => [
      f.text.length > 24 ? `${f.text.slice(0, 23)}…` : f.text,
      f.expected ? label(f.expected) : NONE,
      f.got ? label(f.got) : `需人工（最像 ${f.best ? label(f.best) : '无'}）`,
      f.score?.toFixed(3) ?? '-',
      f.threshold.toFixed(2),
      f.runnerUp ? label(f.runnerUp) : '-',
      f.runnerUpScore?.toFixed(3) ?? '-',
    ]),
  ], { indent: '  ' }).join('\n'))
}

function printByIntent(byIntent: readonly IntentFigures[], confusions: readonly Confusion[], io: CliIo, label: (id: string) => string): void {
  io.stdout('')
  io.stdout('各意图（召回率低的在前）：')
  io.stdout(formatTable([
    ['意图', '精确率', '召回率', '样本数', '判为此意图'],
    ...byIntent.map((f) => [label(f.intentId), f.precision === null ? '-' : pct(f.precision), f.recall === null ? '-' : pct(f.recall), String(f.support), String(f.predicted)]),
  ], { indent: '  ' }).join('\n'))
  io.stdout('')
  io.stdout(`最常混淆（应为 → 判为）：${confusions.length === 0 ? '无' : ''}`)
  for (const c of confusions.slice(0, 10)) io.stdout(`  ${c.expected ? label(c.expected) : NONE} → ${label(c.got)}  ${c.count} 次`)
}

/** `qundesk kb export-learned [--out FILE]`: agents' intent fixes as YAML to merge into knowledge/. */
export async function kbExportLearned(flags: { kb?: string; out?: string }, io: CliIo): Promise<number> {
  const config = loadConfig(io.env, io.cwd)
  const db = await openDb(config)
  try {
    const rows = await listLearnedExamples(db)
    const loaded = await loadKnowledge(flags.kb ? kbDir(flags, io) : config.knowledgeDir)
    const yaml = formatLearnedYaml(rows.map((r) => ({ intentId: r.intent_id, text: r.text })), loaded.ok ? loaded.kb : undefined, new Date())
    if (flags.out) {
      await fs.writeFile(path.resolve(io.cwd, flags.out), yaml)
      io.stderr(`已把 ${rows.length} 条学到的例句写入 ${flags.out}`)
    } else io.stdout(yaml.trimEnd())
    return 0
  } finally {
    await db.destroy()
  }
}
