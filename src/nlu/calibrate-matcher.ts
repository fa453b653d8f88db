import { createKnowledgeBase, type KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { Band } from '../knowledge/matching-bands.js'
import {
  acceptCurve, autoSendCurve, chooseAcceptThreshold, chooseAutoSendThreshold, heldOutTop1, thresholdGrid,
  type AutoSendPoint, type CurvePoint, type DecideAt, type HeldOutQuestion, type ThresholdChoice,
} from './calibration-curve.js'
import { decideIntent } from './decide-intent.js'
import { blendRanking, buildExampleVectors, type ExampleVectors, type Vector } from './embedding-blend.js'
import type { SemanticBlend } from './embedding-texts.js'
import { createMatcherFromModel, prepareTrainingInput } from './intent-matcher.js'
import { selectTexts, trainMatcherModel, type TrainingInput } from './matcher-model.js'

export interface CalibrationOptions {
  /** Highest share of unlisted (left-out intent) questions the proposed accept threshold may accept. Default 0.05. */
  targetFalseAccept?: number
  /** Highest share of wrong auto-sends (listed with another intent, or unlisted) the auto-send threshold may allow. Default 0.01. */
  targetAutoSendError?: number
  /**
   * The embedding provider, when configured: every example is embedded once, each held-out question's ranking is
   * blended with the vectors of its fold's examples (`blendRanking`, as the bot blends), and the band proposed is the
   * one for blended rankings (`matching.semantic`). Leave-one-out just drops the held-out vectors.
   */
  semantic?: SemanticCalibration
  /** Called after each fold (training), e.g. to print progress: `done` of `total` trainings of that phase. */
  onProgress?: (progress: { source: number; phase: 'intents' | 'examples'; done: number; total: number }) => void
  /**
   * Most folds per knowledge base: intents left out, and examples held out (each fold is a training). A larger
   * knowledge base is sampled, spread evenly over it, so calibration time stops growing with the square of its
   * size. Default FOLD_LIMITS.
   */
  maxFolds?: { intents?: number; examples?: number }
}

/**
 * Enough held-out questions for a threshold to the percent (150 intents leave out some 750 examples at 5 each), few
 * enough that 1,000 intents calibrate in minutes; the knowledge bases shipped and nlu-dev are used whole.
 */
export const FOLD_LIMITS = { intents: 150, examples: 300 } as const

/** The embedding provider for calibration: the same shape `kb eval` and `kb test` take (the CLI passes its client). */
export type SemanticCalibration = SemanticBlend

export interface CalibrationReport {
  /** Knowledge bases calibrated together (their held-out questions pooled). */
  knowledgeBases: number
  intents: number
  /** Held-out examples of intents still in their fold (leave-one-example-out). */
  listed: number
  /** Examples of the intent each fold left out (leave-one-intent-out). */
  unlisted: number
  /** Examples not held out because they are their intent's only one (the intent would vanish). */
  skipped: number
  /** Listed questions whose best-ranked intent is their own, ignoring thresholds. */
  top1: number
  targetFalseAccept: number
  targetAutoSendError: number
  curve: CurvePoint[]
  accept: ThresholdChoice<CurvePoint> | undefined
  autoSendCurve: AutoSendPoint[]
  autoSend: ThresholdChoice<AutoSendPoint> | undefined
  folds: number
  /** Intents left out in turn (all of them, unless the knowledge base was sampled). */
  leftOutIntents: number
  /** True when a knowledge base had more intents or examples than `maxFolds` and was sampled. */
  sampled: boolean
  ms: number
  /** The semantic weight when rankings were blended with the embedding provider (the band is then `matching.semantic`); null offline. */
  semanticWeight: number | null
}

/**
 * Calibrates the global `matching:` band from the knowledge base alone, with no negatives file:
 * - leave-one-intent-out: for each intent, a matcher trained without it ranks each of its examples; these are
 *   in-domain questions the knowledge does not list, so accepting any intent for them is a false accept;
 * - leave-one-example-out: each example is held out of its intent, the matcher retrained, and the example decided:
 *   its own intent above the threshold is right, another intent above it a wrong accept, below it a miss.
 * Every question is decided by `decideIntent`, the bot's own decision, with the candidate threshold as the global
 * band (intents' own `threshold` still win), and the threshold proposed is the most accurate one whose false-accept
 * rate meets the target (see `chooseAcceptThreshold`); the auto-send threshold the lowest whose wrong auto-sends meet
 * theirs. Group bands are left alone (they only ever raise a threshold). Several knowledge bases pool their
 * held-out questions (each decided with its own knowledge), which is how the built-in defaults were chosen.
 *
 * Affordable per fold: the examples are segmented by the dictionary once (the slow part of preparing), and each
 * fold only drops entries from that recorded input before training, which gives exactly the model a fresh training
 * on the smaller knowledge would. node-nlp's perceptrons are retrained per fold: every example is a negative for
 * every other intent's perceptron, so none can be reused as-is; at FAQ size a fold trains in tens of ms.
 *
 * @example
 * const report = await calibrateMatcher([kb], { targetFalseAccept: 0.05 })
 * report.accept // { threshold: 0.3, met: true, point: { accuracy: 0.81, falseAccept: 0.048, ... } }
 * // With the embedding provider: the band for blended rankings (matching.semantic)
 * await calibrateMatcher([kb], { semantic: { embed: (texts) => client.embed(texts), weight: 0.5 } })
 */
export async function calibrateMatcher(kbs: readonly KnowledgeBase[], options: CalibrationOptions = {}): Promise<CalibrationReport> {
  const started = performance.now()
  const targetFalseAccept = options.targetFalseAccept ?? 0.05
  const targetAutoSendError = options.targetAutoSendError ?? 0.01
  const questions: HeldOutQuestion[] = []
  let skipped = 0
  let folds = 0
  let leftOutIntents = 0
  let sampled = false
  for (let source = 0; source < kbs.length; source++) {
    const held = await holdOutQuestions(kbs[source]!, source, options.onProgress, options.semantic, options.maxFolds)
    questions.push(...held.questions)
    skipped += held.skipped
    folds += held.folds
    leftOutIntents += held.leftOutIntents
    sampled ||= held.sampled
  }

  const semantic = options.semantic !== undefined
  const decide: DecideAt = (question, band) => {
    const kb = kbs[question.source]!
    const decision = semantic
      ? decideIntent(question.top, { get: kb.get, bands: { ...kb.bands, semantic: band } }, undefined, { semantic: true })
      : decideIntent(question.top, withGlobalBand(kb, band))
    return { intentId: decision.intent?.intentId ?? null, confident: decision.confident }
  }
  const grid = thresholdGrid()
  const curve = acceptCurve(questions, grid, decide)
  const accept = chooseAcceptThreshold(curve, targetFalseAccept)
  const autoCurve = accept ? autoSendCurve(questions, accept.threshold, grid, decide) : []
  return {
    knowledgeBases: kbs.length,
    intents: kbs.reduce((sum, kb) => sum + kb.intents.length, 0),
    listed: questions.filter((q) => q.kind === 'listed').length,
    unlisted: questions.filter((q) => q.kind === 'unlisted').length,
    skipped,
    top1: heldOutTop1(questions),
    targetFalseAccept,
    targetAutoSendError,
    curve,
    accept,
    autoSendCurve: autoCurve,
    autoSend: chooseAutoSendThreshold(autoCurve, targetAutoSendError),
    folds,
    leftOutIntents,
    sampled,
    ms: performance.now() - started,
    semanticWeight: options.semantic?.weight ?? null,
  }
}

/** The knowledge base as `decideIntent` sees it, with `band` as the global band (group bands kept). */
export function withGlobalBand(kb: Pick<KnowledgeBase, 'get' | 'bands'>, band: Band): Pick<KnowledgeBase, 'get' | 'bands'> {
  return { get: kb.get, bands: { global: band, groups: kb.bands.groups } }
}

/**
 * The held-out questions of both kinds, each ranked by a matcher trained without it (one fold per left-out
 * intent and per held-out example).
 */
export async function holdOutQuestions(
  kb: KnowledgeBase, source = 0, onProgress?: CalibrationOptions['onProgress'], semantic?: SemanticCalibration,
  maxFolds: CalibrationOptions['maxFolds'] = {},
): Promise<{ questions: HeldOutQuestion[]; skipped: number; folds: number; leftOutIntents: number; sampled: boolean }> {
  const input = await prepareTrainingInput(kb)
  const intentFolds = new Set(spreadEvenly(kb.intents.length, maxFolds.intents ?? FOLD_LIMITS.intents))
  const questions: HeldOutQuestion[] = []
  const intents = kb.intents
  let folds = 0
  // Embedded once; each fold keeps the vectors of the examples it trains on, so a held-out text never sees its own.
  const vectors = semantic ? await semantic.embed(input.texts.map((t) => t.text)) : undefined
  const foldVectors = (intentIds: readonly string[], keep: (i: number) => number | undefined): ExampleVectors | undefined => {
    if (!vectors) return undefined
    const entries: Array<{ intent: number; vector: Vector }> = []
    input.texts.forEach((_, i) => {
      const intent = keep(i)
      if (intent !== undefined) entries.push({ intent, vector: vectors[i]! })
    })
    return buildExampleVectors(intentIds, entries)
  }
  const rank = async (matcher: { match(text: string): Promise<HeldOutQuestion['top']> }, j: number, examples: ExampleVectors | undefined) => {
    const lexical = await matcher.match(input.texts[j]!.text)
    return examples && semantic ? blendRanking(lexical, vectors![j]!, examples, semantic.weight) : lexical
  }

  // Leave one intent out (needs another intent to rank instead).
  if (intents.length > 1) {
    for (let k = 0; k < intents.length; k++) {
      if (!intentFolds.has(k)) continue
      const foldKb = createKnowledgeBase(intents.filter((_, i) => i !== k).map((intent) => ({ ...intent })), [...kb.files])
      const matcher = createMatcherFromModel(foldKb, trainMatcherModel(withoutIntent(input, k)))
      const examples = foldVectors(foldKb.intents.map((intent) => intent.id), (i) => {
        const intent = input.texts[i]!.intent
        return intent === k ? undefined : intent > k ? intent - 1 : intent
      })
      folds++
      for (let j = 0; j < input.texts.length; j++) {
        const { intent, text } = input.texts[j]!
        if (intent === k) questions.push({ kind: 'unlisted', text, intentId: intents[k]!.id, top: await rank(matcher, j, examples), source })
      }
      onProgress?.({ source, phase: 'intents', done: folds, total: intentFolds.size })
    }
  }

  // Leave one example out (an intent's only example stays: without it the intent would not exist).
  const perIntent = new Map<number, number>()
  for (const { intent } of input.texts) perIntent.set(intent, (perIntent.get(intent) ?? 0) + 1)
  const eligible = input.texts.map((t, j) => ((perIntent.get(t.intent) ?? 0) < 2 ? -1 : j)).filter((j) => j >= 0)
  const exampleFolds = new Set(spreadEvenly(eligible.length, maxFolds.examples ?? FOLD_LIMITS.examples).map((i) => eligible[i]!))
  let skipped = 0
  let examplesDone = 0
  for (let j = 0; j < input.texts.length; j++) {
    const { intent, text } = input.texts[j]!
    if ((perIntent.get(intent) ?? 0) < 2) skipped++
    else if (exampleFolds.has(j)) {
      const matcher = createMatcherFromModel(kb, trainMatcherModel(withoutText(input, j)))
      const examples = foldVectors(input.intentIds, (i) => (i === j ? undefined : input.texts[i]!.intent))
      folds++
      questions.push({ kind: 'listed', text, intentId: intents[intent]!.id, top: await rank(matcher, j, examples), source })
      // Counted in trainings, so a sampled knowledge base shows 150/150 rather than skipping through its size.
      onProgress?.({ source, phase: 'examples', done: ++examplesDone, total: exampleFolds.size })
    }
  }
  const leftOutIntents = intents.length > 1 ? intentFolds.size : 0
  return { questions, skipped, folds, leftOutIntents, sampled: intentFolds.size < intents.length || exampleFolds.size < eligible.length }
}

/**
 * The training input of the same knowledge without intent `k` (later intents move down one index), as
 * `prepareTrainingInput` would give it for that knowledge.
 */
export function withoutIntent(input: TrainingInput, k: number): TrainingInput {
  const keep = input.texts.map((t, i) => (t.intent === k ? -1 : i)).filter((i) => i >= 0)
  return selectTexts(input, keep, input.intentIds.filter((_, i) => i !== k), (intent) => (intent > k ? intent - 1 : intent))
}

/** The training input without its `j`th example. */
export function withoutText(input: TrainingInput, j: number): TrainingInput {
  return selectTexts(input, input.texts.map((_, i) => i).filter((i) => i !== j), input.intentIds)
}

/**
 * `m` of the indices 0..n-1 (all of them when m >= n), spread evenly: the middle of each of m equal stretches, so a
 * sample covers every part of a knowledge base (its files are often one topic each). Deterministic.
 *
 * @example
 * spreadEvenly(10, 3) // [1, 5, 8]
 */
export function spreadEvenly(n: number, m: number): number[] {
  if (m >= n) return Array.from({ length: n }, (_, i) => i)
  return Array.from({ length: Math.max(0, m) }, (_, k) => Math.floor(((k + 0.5) * n) / m))
}
