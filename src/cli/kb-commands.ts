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
  for (const warning of result.warnings) io.stderr(`warning: ${formatProblem(warning)}`)
  return result.kb
}

/** `qundesk kb check [--kb DIR]`: exit 0 when valid, 1 with one `file:line: message` per problem. */
export async function kbCheck(flags: { kb?: string }, io: CliIo): Promise<number> {
  const dir = kbDir(flags, io)
  const kb = await loadOrReport(dir, io)
  if (!kb) return 1
  io.stdout(`OK: ${kb.intents.length} intents in ${kb.files.length} files (${path.relative(io.cwd, dir) || '.'})`)
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
  if (!question?.trim()) throw new UsageError('kb test needs a question, e.g. qundesk kb test "我的快递到哪了"')
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
  io.stdout(accepted
    ? `decision: accept ${accepted.intentId} (score ${accepted.score.toFixed(3)} >= threshold ${result.threshold.toFixed(3)})${result.confident ? ', confident' : ''}`
    : `decision: needs a human (best score below threshold ${result.threshold.toFixed(3)})`)
  io.stdout('top 3:')
  result.top.slice(0, 3).forEach((c, i) => io.stdout(`  ${i + 1}. ${c.intentId}  ${c.score.toFixed(3)}`))
  if (weight !== null) {
    // The scores above are blended: say so, and show the offline ranking the evidence below explains.
    io.stdout(`why: thresholds from ${result.bands}; score blended with the embedding provider (${provider.semantic?.model}, weight ${weight}): score = ${Math.round((1 - weight) * 1000) / 1000} × offline score + ${weight} × (cosine to the nearest example + cosine to the centroid) / 2`)
    io.stdout(`offline: ${lexical.map((c) => `${c.intentId} ${c.score.toFixed(3)}`).join(', ') || 'no intent scored'}; ${formula}`)
  } else io.stdout(`why: thresholds from ${result.bands}; ${formula}`)
  for (const e of evidence) {
    io.stdout(`  ${e.intentId}: centroid ${e.centroid.toFixed(3)}, nearest example ${e.nearest.toFixed(3)}, node-nlp ${e.classifier.toFixed(3)} -> blend ${e.blend.toFixed(3)}${e.capped ? ', capped by centroid' : ''}`)
  }
  const emotion = detectEmotion(question)
  const escalation = decideEscalation({ question, intentId: accepted?.intentId ?? null, emotion, previousMisses: 0 }, kb.escalation)
  io.stdout(`emotion: ${emotion.severity}${emotion.signals.length ? ` (${emotion.signals.map((x) => x.text).join('、')})` : ''}`)
  if (escalation) io.stdout(`escalation: ${escalation.reason} — ${escalation.detail}; never auto-sent`)
  if (accepted && kb.get(accepted.intentId)?.autoSend && !escalation) {
    io.stdout(result.confident ? 'auto_send: would be sent without an agent' : 'auto_send: below the auto-send band or too close to the runner-up; an agent approves it')
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
  if (!flags.cases) throw new UsageError('kb eval needs --cases FILE ({"cases":[{"text":"...","expect":"<intent id>"|null}]})')
  const kb = await loadOrReport(kbDir(flags, io), io)
  if (!kb) return 1
  const casesFile = path.resolve(io.cwd, flags.cases)
  let raw: unknown
  try {
    raw = JSON.parse(await fs.readFile(casesFile, 'utf8'))
  } catch (error) {
    io.stderr(`${flags.cases}: cannot read the cases file as JSON: ${(error as Error).message}`)
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
  if (unknown.length > 0) io.stderr(`warning: cases expect intents the knowledge base does not have: ${unknown.slice(0, 5).join(', ')}`)
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
  io.stdout(`top1         ${pct(report.top1)}  (${report.top1Hits}/${report.positives})`)
  io.stdout(`accuracy     ${pct(report.accuracy)}  (${report.accepted}/${report.positives})`)
  io.stdout(`falseAccept  ${pct(report.falseAccept)}  (${report.falseAccepts}/${report.negatives})`)
  const kinds = report.falseAcceptByKind
  if (kinds.length > 1 || (kinds.length === 1 && kinds[0]!.kind !== 'unspecified')) {
    for (const k of kinds) io.stdout(`  ${k.kind.padEnd(22)} ${pct(k.falseAccept)}  (${k.falseAccepts}/${k.negatives})`)
  }
  io.stdout(`cases        ${report.positives} positive, ${report.negatives} negative, ${kb.intents.length} intents`)
  io.stdout(`timing       train ${report.trainMs.toFixed(0)} ms, match median ${report.matchMsMedian.toFixed(3)} ms, p99 ${report.matchMsP99.toFixed(3)} ms`)
  if (report.semanticWeight !== null) io.stdout(`semantic     rankings blended with the embedding provider (weight ${report.semanticWeight}), decided with matching.semantic; provider time not in the timing`)
  if (flags.failures) printFailures(failures, io)
  if (flags.byIntent) printByIntent(byIntent, confusions, io)
  return 0
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`
const NONE = '（无，应转人工）'

function printFailures(failures: readonly EvalFailure[], io: CliIo): void {
  io.stdout('')
  io.stdout(`答错的问题（${failures.length} 条）：`)
  if (failures.length === 0) return
  io.stdout(formatTable([
    ['问题', '应为', '判为', '分数', '阈值', '第二名', '第二名分数'],
    ...failures.map((f) => [
      f.text.length > 24 ? `${f.text.slice(0, 23)}…` : f.text,
      f.expected ?? NONE,
      f.got ?? `需人工（最像 ${f.best ?? '无'}）`,
      f.score?.toFixed(3) ?? '-',
      f.threshold.toFixed(2),
      f.runnerUp ?? '-',
      f.runnerUpScore?.toFixed(3) ?? '-',
    ]),
  ], { indent: '  ' }).join('\n'))
}

function printByIntent(byIntent: readonly IntentFigures[], confusions: readonly Confusion[], io: CliIo): void {
  io.stdout('')
  io.stdout('各意图（召回率低的在前）：')
  io.stdout(formatTable([
    ['意图', '精确率', '召回率', '样本数', '判为此意图'],
    ...byIntent.map((f) => [f.intentId, f.precision === null ? '-' : pct(f.precision), f.recall === null ? '-' : pct(f.recall), String(f.support), String(f.predicted)]),
  ], { indent: '  ' }).join('\n'))
  io.stdout('')
  io.stdout(`最常混淆（应为 → 判为）：${confusions.length === 0 ? '无' : ''}`)
  for (const c of confusions.slice(0, 10)) io.stdout(`  ${c.expected ?? NONE} → ${c.got}  ${c.count} 次`)
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
      io.stderr(`wrote ${rows.length} learned examples to ${flags.out}`)
    } else io.stdout(yaml.trimEnd())
    return 0
  } finally {
    await db.destroy()
  }
}
