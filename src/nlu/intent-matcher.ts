import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { createLexicalIndex, flattenFeatures } from './lexical-index.js'
import { MATCHER_MODEL_FORMAT, trainMatcherModel } from './matcher-model.js'
import type { MatcherModel, TrainingInput } from './matcher-model.js'
import { CENTROID_CAP, LEXICAL_SHARE } from './matcher-settings.js'
import { createNeuralScorer } from './neural-scorer.js'
import { normalizeText } from './normalize-text.js'
import { createPreparedTextCache, encodePreparedTexts, type PreparedText, type PreparedTextCache } from './prepared-text-cache.js'
import { createSynonymRewriter } from './apply-synonyms.js'
import { createPinyinReader, type PinyinReader } from './read-pinyin.js'
import { extractFeatures } from './text-features.js'
import { getChineseDictionary, pinyinReadings } from './zh-dictionary.js'
import { getZhTokenizer } from './zh-tokens.js'
import { analyzedText } from '../core/text-limits.js'

export interface ScoredIntent {
  intentId: string
  /**
   * In [0,1], comparable across intents and knowledge bases; thresholds apply to it directly. A ranking is ordered
   * by the matcher's ranking evidence, so a runner-up can occasionally show a slightly higher score.
   */
  score: number
}

/**
 * Ranks and scores intents; it never accepts or rejects. Whether a ranking is answered, and auto-sent, is
 * `decideIntent`'s call, with the knowledge base's thresholds.
 */
export interface IntentMatcher {
  /** The best intents, best first, up to 3; empty when the text shares nothing with any intent (or is empty). */
  match(text: string): Promise<ScoredIntent[]>
  /** The same ranking with the evidence behind each of its intents (for `qundesk kb test`). */
  explain(text: string): Promise<MatchExplanation>
  readonly intentCount: number
}

/** Why an intent scored what it did. */
export interface IntentEvidence {
  intentId: string
  score: number
  /** Lexical cosine to the intent as a whole (all its examples). */
  centroid: number
  /** Lexical cosine to its closest example. */
  nearest: number
  /** node-nlp's classifier activation (0 when the classifier is off for very large knowledge bases). */
  classifier: number
  /** The ranking blend of the three. */
  blend: number
  /** True when the score is the centroid cap rather than the blend (an off-topic guard). */
  capped: boolean
}

export interface MatchExplanation {
  /** What `match` returns for the same text. */
  top: ScoredIntent[]
  evidence: IntentEvidence[]
  /** How the blend and the score are formed, with the weights in force. */
  formula: string
}

export interface TrainOptions {
  /** Agent-corrected questions (learning loop); entries for intents no longer in the KB are ignored. */
  extraExamples?: ReadonlyArray<{ intentId: string; text: string }>
  /**
   * Keeps each example's segmentation and features for the next training (a reload after an edit); the result is
   * the same with or without it. Swept after each training, so give each sequence of trainings its own.
   */
  cache?: PreparedTextCache
}

const TOP_N = 3

/**
 * Trains a matcher for a knowledge base. Intents are ranked by blending lexical evidence (TF-IDF cosine over
 * characters, bigrams, pinyin and words, against each intent's centroid and nearest example) with node-nlp's
 * classifier; the score that thresholds apply to (in `decideIntent`) is that blend capped by the centroid cosine.
 * Everything is bounded, so an off-topic question scores low everywhere and falls below any threshold, unlike
 * node-nlp's normalised scores where some intent always looks likely.
 *
 * Training's heavy part runs synchronously here; a running bot should use `trainIntentMatcherInWorker`, which
 * gives the same matcher without holding the event loop.
 *
 * @example
 * const matcher = await trainIntentMatcher(kb)
 * const top = await matcher.match('我的快递到哪了') // [{ intentId: 'logistics.track', score: 0.83 }, ...]
 * const decision = decideIntent(top, kb)
 */
export async function trainIntentMatcher(kb: KnowledgeBase, options: TrainOptions = {}): Promise<IntentMatcher> {
  const input = await prepareTrainingInput(kb, options)
  // Yield once so a retrain in a running bot does not hold the event loop for the whole build.
  await new Promise<void>((resolve) => setImmediate(resolve))
  return createMatcherFromModel(kb, trainMatcherModel(input))
}

/** Main-thread work per slice before `prepareTrainingInput` lets other callbacks run. */
const PREPARE_SLICE_MS = 5

/**
 * Collects the training examples (normalised, de-duplicated, extra examples for known intents only) and works out
 * with the process-wide dictionary what training needs of each (features, node-nlp tokens), so
 * `trainMatcherModel` can run where no dictionary is compiled (the training worker). Works in slices of a few
 * milliseconds between which the event loop turns. With `options.cache`, texts prepared for the previous training
 * are taken from it (the same result, without segmenting them again).
 *
 * @example
 * const input = await prepareTrainingInput(kb, { extraExamples: [{ intentId: 'logistics.track', text: '包裹呢' }] })
 */
export async function prepareTrainingInput(kb: KnowledgeBase, options: TrainOptions = {}): Promise<TrainingInput> {
  const dictionary = getChineseDictionary()
  const tokenize = getZhTokenizer()
  const prepareText = (text: string) => ({ features: flattenFeatures(extractFeatures(text, dictionary)), tokens: tokenize(text) })
  const cache = options.cache ?? createPreparedTextCache()
  const intents = kb.intents
  const indexOf = new Map(intents.map((intent, i) => [intent.id, i]))
  const texts: Array<{ intent: number; text: string }> = []
  const seen = new Set<string>()
  const normalizeQuestion = questionNormalizer(kb)
  const normalize = (text: string) => cache.normalized(text, kb.synonyms, normalizeQuestion)
  const addText = (intent: number, text: string) => {
    const normalized = normalize(text)
    const key = `${intent}\u0000${normalized}`
    if (normalized === '' || seen.has(key)) return
    seen.add(key)
    texts.push({ intent, text: normalized })
  }
  const pause = createSlicer(PREPARE_SLICE_MS)
  for (let i = 0; i < intents.length; i++) {
    for (const example of intents[i]!.examples) addText(i, example)
    await pause()
  }
  for (const extra of options.extraExamples ?? []) {
    const i = indexOf.get(extra.intentId)
    if (i !== undefined) addText(i, extra.text)
    await pause()
  }

  const prepared: PreparedText[] = []
  for (const { text } of texts) {
    prepared.push(cache.get(text, prepareText))
    await pause()
  }
  const features = encodePreparedTexts(prepared, cache.terms())
  cache.sweep()
  return {
    format: MATCHER_MODEL_FORMAT,
    intentIds: intents.map((intent) => intent.id),
    texts,
    features,
    tokens: prepared.map((p) => p.tokens),
  }
}

/**
 * Rebuilds a matcher from a trained `MatcherModel` (from `trainMatcherModel`, possibly in a worker) for the same
 * knowledge base; cheap next to training, and it matches exactly like the matcher trained in-process. Throws
 * when the model was trained for other intents.
 *
 * @example
 * const matcher = createMatcherFromModel(kb, trainMatcherModel(await prepareTrainingInput(kb)))
 */
export function createMatcherFromModel(kb: KnowledgeBase, model: MatcherModel): IntentMatcher {
  if (model.format !== MATCHER_MODEL_FORMAT) {
    throw new Error(`matcher model has format ${model.format}, this code expects ${MATCHER_MODEL_FORMAT}: the compiled worker is stale, run \`npm run build\``)
  }
  const intents = kb.intents
  if (model.intentIds.length !== intents.length || intents.some((intent, i) => intent.id !== model.intentIds[i])) {
    throw new Error('matcher model was trained for a different knowledge base (intent ids differ); train it again for this one')
  }
  const dictionary = getChineseDictionary()
  const indexOf = new Map(intents.map((intent, i) => [intent.id, i]))
  const lexical = createLexicalIndex(model.lexical)
  const neural = createNeuralScorer(model.neural, getZhTokenizer())

  const normalize = questionNormalizer(kb)
  // Built on the first question that has Latin letters in it; most knowledge bases never need it.
  let pinyinReader: PinyinReader | undefined
  const readPinyin = (normalized: string): string => {
    if (!/[a-z]{2}/.test(normalized)) return normalized
    pinyinReader ??= createPinyinReader(intents.flatMap((intent) => intent.examples.map(normalize)), pinyinReadings)
    return pinyinReader.read(normalized)
  }

  // Without node-nlp (very large KBs) the lexical part carries the whole blend, so scores keep their scale.
  const lexicalShare = neural.active ? LEXICAL_SHARE : 1

  /** Every intent's evidence for the text; undefined when there is nothing to score (empty-ish text, no intents). */
  const scoreAll = (text: string) => {
    // Segmentation and scoring grow with the text: only its first ANALYZED_TEXT_MAX_CHARS are read.
    // Pinyin typed without Han (kuaidi daonale) is read back into the examples' words first.
    const normalized = readPinyin(normalize(analyzedText(text)))
    if (normalized === '' || intents.length === 0) return undefined
    const { centroid, nearest } = lexical.score(extractFeatures(normalized, dictionary))
    return { centroid, nearest, activation: neural.score(normalized) }
  }

  const rank = ({ centroid, nearest, activation }: NonNullable<ReturnType<typeof scoreAll>>): ScoredIntent[] => {
    const ranked: Ranked[] = []
    for (let i = 0; i < intents.length; i++) {
      const evidence = lexicalShare * ((centroid[i]! + nearest[i]!) / 2) + (1 - lexicalShare) * activation[i]!
      if (evidence > 0) insertTop(ranked, { index: i, evidence, score: isCapped(centroid[i]!, nearest[i]!, evidence) ? CENTROID_CAP * centroid[i]! : evidence })
    }
    return ranked.map((r) => ({ intentId: intents[r.index]!.id, score: round(r.score) }))
  }

  return {
    intentCount: intents.length,
    async match(text) {
      const scores = scoreAll(text)
      return scores ? rank(scores) : []
    },
    async explain(text) {
      const scores = scoreAll(text)
      const top = scores ? rank(scores) : []
      const evidence = !scores ? [] : top.map((t) => {
        const i = indexOf.get(t.intentId)!
        const blend = lexicalShare * ((scores.centroid[i]! + scores.nearest[i]!) / 2) + (1 - lexicalShare) * scores.activation[i]!
        return {
          intentId: t.intentId, score: t.score, centroid: round(scores.centroid[i]!), nearest: round(scores.nearest[i]!),
          classifier: round(scores.activation[i]!), blend: round(blend), capped: isCapped(scores.centroid[i]!, scores.nearest[i]!, blend),
        }
      })
      // For people (kb test prints it): the evidence's key names in brackets, so the line reads against `--json`.
      const formula = `融合 = ${lexicalShare} × (质心 + 最近例句) / 2 + ${round(1 - lexicalShare)} × 分类器；分数 = min(融合, ${CENTROID_CAP} × 质心)，问题正好是意图的例句时取融合（blend、centroid、nearest、classifier）`
      return { top, evidence, formula }
    },
  }
}

/**
 * How examples and questions are read before matching: the knowledge base's synonyms (order → 订单), then
 * `normalizeText` (traditional → simplified, case, punctuation, digits). The embedding provider is sent the same
 * form (and its vectors cached under it), so `kb calibrate`'s held-out texts and the bot's questions read alike.
 */
export function questionNormalizer(kb: KnowledgeBase): (text: string) => string {
  const rewrite = createSynonymRewriter(kb.synonyms)
  return (text) => normalizeText(rewrite(text))
}

/**
 * Nearest-example cosine from which the question counts as one of the intent's own examples (the same text once
 * normalised; float sums land a hair under 1).
 */
const EXAMPLE_ITSELF = 0.9999

/**
 * Whether the centroid cap sets the score. The cap guards against a question that shares one phrase with one example;
 * a question that IS one of the intent's examples is not that, and keeps its blend: with thresholds calibrated by
 * leave-one-out (paraphrases, never the examples themselves), a capped example written in the knowledge could
 * otherwise fall below the accept threshold (17% of the shop knowledge's examples did at 0.49, 2026-12-02).
 */
function isCapped(centroid: number, nearest: number, blend: number): boolean {
  return nearest < EXAMPLE_ITSELF && CENTROID_CAP * centroid < blend
}

/** Returns a function to await between small steps: it yields to the event loop once `ms` have passed since the last yield. */
function createSlicer(ms: number): () => Promise<void> | undefined {
  let sliceStart = performance.now()
  return () => {
    if (performance.now() - sliceStart < ms) return undefined
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        sliceStart = performance.now()
        resolve()
      }),
    )
  }
}

interface Ranked {
  index: number
  /** Blend of all evidence: best at telling similar intents apart. */
  evidence: number
  /** Evidence capped by the centroid fit: best at telling on-topic from off-topic. */
  score: number
}

/** Keeps `top` sorted by evidence, best first, with at most TOP_N entries; ties keep KB order. */
function insertTop(top: Ranked[], candidate: Ranked): void {
  if (top.length === TOP_N && candidate.evidence <= top[TOP_N - 1]!.evidence) return
  let at = top.length
  while (at > 0 && top[at - 1]!.evidence < candidate.evidence) at--
  top.splice(at, 0, candidate)
  if (top.length > TOP_N) top.pop()
}

/** Four decimals keeps logs and API answers readable and makes equal scores compare equal. */
function round(score: number): number {
  return Math.round(Math.min(1, Math.max(0, score)) * 10000) / 10000
}
