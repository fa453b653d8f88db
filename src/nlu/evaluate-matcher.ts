import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { decideIntent, type DecisionGroup } from './decide-intent.js'
import { prepareSemanticBlend, type SemanticBlend } from './embedding-texts.js'
import { trainIntentMatcher } from './intent-matcher.js'
import type { TrainOptions } from './intent-matcher.js'

/** One labelled question: `expect` is the intent id it should match, or null when the bot should stay silent. */
export interface EvalCase {
  text: string
  expect: string | null
  /** The group it was asked in (name or id): that group's `matching:` band applies, as in the bot. */
  group?: string
  /** What sort of negative it is (e.g. off-topic, in-domain but unlisted): false accepts are also counted per kind. */
  kind?: string
}

/** False accepts among the negatives of one `kind` (cases without a kind count as `unspecified`). */
export interface NegativeKindFigures {
  kind: string
  negatives: number
  falseAccepts: number
  falseAccept: number
}

/** A case decided wrongly: a positive not accepted with its intent, or a negative accepted. */
export interface EvalFailure {
  text: string
  expected: string | null
  /** The accepted intent; null when the bot would hand it to a human. */
  got: string | null
  /** The best-ranked intent and its score (the one accepted, or the one that fell short of the threshold). */
  best: string | null
  score: number | null
  runnerUp: string | null
  runnerUpScore: number | null
  /** The accept threshold that applied. */
  threshold: number
  group?: string
}

/** One intent's figures over the cases: precision over what was accepted as it, recall over the cases expecting it. */
export interface IntentFigures {
  intentId: string
  /** Cases expecting it. */
  support: number
  /** Cases accepted as it (any expectation, negatives included). */
  predicted: number
  /** Cases expecting it and accepted as it. */
  correct: number
  /** correct / predicted; null when nothing was accepted as it. */
  precision: number | null
  /** correct / support; null when no case expects it. */
  recall: number | null
}

/** How often cases expecting `expected` (null: a negative) were accepted as another intent `got`. */
export interface Confusion {
  expected: string | null
  got: string
  count: number
}

export interface EvalReport {
  /** Positives whose best-ranked intent is right, ignoring the threshold. */
  top1: number
  /** Positives accepted with the right intent (decided as the bot decides, with the `matching:` bands, in no group). */
  accuracy: number
  /** Negatives (expect null) for which some intent was accepted. */
  falseAccept: number
  positives: number
  negatives: number
  top1Hits: number
  accepted: number
  falseAccepts: number
  trainMs: number
  matchMsMedian: number
  matchMsP99: number
  /** Per negative kind, in order of first appearance. */
  falseAcceptByKind: NegativeKindFigures[]
  /** Every wrongly decided case, in the cases' order. */
  failures: EvalFailure[]
  /** Per intent (expected or accepted in some case), worst recall first. */
  byIntent: IntentFigures[]
  /** Wrong accepts by (expected, got), most frequent first. */
  confusions: Confusion[]
  /** The semantic weight when rankings were blended with the embedding provider (decided with `matching.semantic`); null offline. */
  semanticWeight: number | null
}

export interface EvalOptions extends TrainOptions {
  /** The group every case without its own `group` is asked in. */
  group?: string
  /**
   * The embedding provider, when configured: each case's ranking is blended with the provider's vectors as the bot
   * blends it (`prepareSemanticBlend`: examples and questions embedded once, up front) and decided with
   * `{ semantic: true }`, so the figures are what the bot with that provider decides. The provider's time is not in
   * the match timings.
   */
  semantic?: SemanticBlend
}

/**
 * Validates `{"cases":[{"text": "...", "expect": "intent.id" | null, "group"?, "kind"?}]}` and returns the cases.
 * An intent-set file (`{"intents": [{"id", "test": [...]}], "negatives": [...], "negatives_kind": [...]}`, the
 * shape of nlu-dev's intents.json) is read too: each `test` question expects its intent, each negative null with
 * its kind. Throws an Error naming the first bad case and how to fix it.
 *
 * @example
 * parseEvalCases({ cases: [{ text: '快递到哪了', expect: 'logistics.track' }, { text: '今天天气', expect: null, kind: 'off_topic' }] })
 */
export function parseEvalCases(json: unknown): EvalCase[] {
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && !('cases' in json) && 'intents' in json) return parseEvalCases({ cases: casesOfIntentSet(json) })
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !('cases' in json)) {
    throw new Error('测试用例文件必须是这样的对象：{"cases": [{"text": "...", "expect": "intent.id" | null}]}')
  }
  const cases = (json as { cases: unknown }).cases
  if (!Array.isArray(cases)) throw new Error('"cases" 必须是 {"text", "expect"} 对象的列表')
  if (cases.length === 0) throw new Error('"cases" 是空的 — 至少加一条 {"text", "expect"} 用例')
  return cases.map((item: unknown, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new Error(`cases[${i}] 必须是对象 {"text", "expect"}`)
    const { text, expect, group, kind } = item as { text?: unknown; expect?: unknown; group?: unknown; kind?: unknown }
    if (typeof text !== 'string' || text.trim() === '') throw new Error(`cases[${i}].text 必须是非空的文字`)
    if (expect === undefined) throw new Error(`cases[${i}] 缺少 expect — 写意图 id；机器人不该回答的问题写 null`)
    if (expect !== null && (typeof expect !== 'string' || expect.trim() === '')) throw new Error(`cases[${i}].expect 必须是意图 id（文字）或 null`)
    if (group !== undefined && (typeof group !== 'string' || group.trim() === '')) throw new Error(`cases[${i}].group 必须是群名或群 id，或不写`)
    if (kind !== undefined && kind !== null && (typeof kind !== 'string' || kind.trim() === '')) throw new Error(`cases[${i}].kind 必须是简短的名称，如 "off_topic"，或不写`)
    return { text, expect: expect === null ? null : expect.trim(), ...(typeof group === 'string' ? { group: group.trim() } : {}), ...(typeof kind === 'string' ? { kind: kind.trim() } : {}) }
  })
}

/** The cases of an intent-set file; shapes are checked loosely here and strictly by parseEvalCases. */
function casesOfIntentSet(json: object): unknown[] {
  const { intents, negatives, negatives_kind: kinds } = json as { intents?: unknown; negatives?: unknown; negatives_kind?: unknown }
  if (!Array.isArray(intents)) throw new Error('"intents" 必须是 {"id", "test": ["question", ...]} 的列表')
  if (negatives !== undefined && !Array.isArray(negatives)) throw new Error('"negatives" 必须是问题列表')
  if (kinds !== undefined && (!Array.isArray(kinds) || kinds.length !== (negatives as unknown[] | undefined)?.length)) throw new Error('"negatives_kind" 必须为每条 negatives 各列一个类别')
  const cases: unknown[] = []
  intents.forEach((intent: unknown, i) => {
    const { id, test } = (intent ?? {}) as { id?: unknown; test?: unknown }
    if (typeof id !== 'string' || !Array.isArray(test)) throw new Error(`intents[${i}] 必须是 {"id": "...", "test": ["question", ...]}`)
    for (const text of test) cases.push({ text, expect: id })
  })
  ;((negatives ?? []) as unknown[]).forEach((text, i) => cases.push({ text, expect: null, ...(kinds ? { kind: (kinds as unknown[])[i] } : {}) }))
  return cases
}

/**
 * Trains a matcher on `kb`, matches and decides every case as the bot would (`decideIntent`, with the intents'
 * thresholds, the global `matching:` band and, for a case asked in a group — its `group`, else `options.group` —
 * that group's band) and reports top-1, accuracy after the threshold, false accepts on negatives, every wrong case,
 * per-intent precision and recall, the confusions, and timings (a match includes its decision). Cases expecting an
 * id the KB does not have count as misses (they cannot be hit). With `options.semantic` the rankings are blended with
 * the embedding provider's vectors first, as the bot does when one is configured.
 *
 * @example
 * const report = await evaluateMatcher(kb, parseEvalCases(JSON.parse(text)))
 * console.log(`top1 ${(report.top1 * 100).toFixed(1)}%  falseAccept ${(report.falseAccept * 100).toFixed(1)}%`)
 */
export async function evaluateMatcher(kb: KnowledgeBase, cases: EvalCase[], options: EvalOptions = {}): Promise<EvalReport> {
  const trainStart = performance.now()
  const matcher = await trainIntentMatcher(kb, options.extraExamples ? { extraExamples: options.extraExamples } : {})
  const trainMs = performance.now() - trainStart
  // The bot blends with the agents' fixes too, so the example vectors include the same extra examples.
  const blend = options.semantic ? await prepareSemanticBlend(kb, cases.map((c) => c.text), options.semantic, options.extraExamples) : undefined

  let positives = 0
  let negatives = 0
  let top1Hits = 0
  let accepted = 0
  let falseAccepts = 0
  const durations: number[] = []
  const failures: EvalFailure[] = []
  const figures = new Map<string, { support: number; predicted: number; correct: number }>()
  const figuresOf = (id: string) => figures.get(id) ?? figures.set(id, { support: 0, predicted: 0, correct: 0 }).get(id)!
  const confusions = new Map<string, Confusion>()
  const kinds = new Map<string, NegativeKindFigures>()
  for (const [i, c] of cases.entries()) {
    const groupName = c.group ?? options.group
    const group: DecisionGroup | undefined = groupName ? { id: groupName, name: groupName } : undefined
    const start = performance.now()
    const lexical = await matcher.match(c.text)
    // As the pipeline's matchIntent: the blended ranking decided with matching.semantic, else the offline one.
    const blended = blend?.(i, lexical)
    const result = decideIntent(blended ?? lexical, kb, group, { semantic: blended !== undefined })
    durations.push(performance.now() - start)
    const got = result.intent?.intentId ?? null
    if (c.expect === null) {
      negatives++
      const kind = kinds.get(c.kind ?? 'unspecified') ?? kinds.set(c.kind ?? 'unspecified', { kind: c.kind ?? 'unspecified', negatives: 0, falseAccepts: 0, falseAccept: 0 }).get(c.kind ?? 'unspecified')!
      kind.negatives++
      if (got !== null) {
        falseAccepts++
        kind.falseAccepts++
      }
    } else {
      positives++
      figuresOf(c.expect).support++
      if (result.top[0]?.intentId === c.expect) top1Hits++
      if (got === c.expect) accepted++
    }
    if (got !== null) {
      figuresOf(got).predicted++
      if (got === c.expect) figuresOf(got).correct++
    }
    if (got === c.expect) continue
    const [best, runnerUp] = result.top
    failures.push({
      text: c.text, expected: c.expect, got, best: best?.intentId ?? null, score: best?.score ?? null,
      runnerUp: runnerUp?.intentId ?? null, runnerUpScore: runnerUp?.score ?? null, threshold: result.threshold,
      ...(groupName ? { group: groupName } : {}),
    })
    if (got !== null) {
      const key = `${c.expect ?? ''}\u0000${got}`
      const confusion = confusions.get(key) ?? confusions.set(key, { expected: c.expect, got, count: 0 }).get(key)!
      confusion.count++
    }
  }
  durations.sort((a, b) => a - b)
  const byIntent: IntentFigures[] = [...figures].map(([intentId, f]) => ({
    intentId, ...f,
    precision: f.predicted === 0 ? null : f.correct / f.predicted,
    recall: f.support === 0 ? null : f.correct / f.support,
  }))
  byIntent.sort((a, b) => (a.recall ?? 2) - (b.recall ?? 2) || (a.precision ?? 2) - (b.precision ?? 2) || a.intentId.localeCompare(b.intentId))
  return {
    top1: ratio(top1Hits, positives),
    accuracy: ratio(accepted, positives),
    falseAccept: ratio(falseAccepts, negatives),
    falseAcceptByKind: [...kinds.values()].map((k) => ({ ...k, falseAccept: ratio(k.falseAccepts, k.negatives) })),
    positives,
    negatives,
    top1Hits,
    accepted,
    falseAccepts,
    trainMs,
    matchMsMedian: percentile(durations, 0.5),
    matchMsP99: percentile(durations, 0.99),
    failures,
    byIntent,
    confusions: [...confusions.values()].sort((a, b) => b.count - a.count || (a.expected ?? '').localeCompare(b.expected ?? '') || a.got.localeCompare(b.got)),
    semanticWeight: options.semantic?.weight ?? null,
  }
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
}
