// Imported by the training worker: keep it free of node-nlp (seconds to load) and of the dictionary (the worker
// should not hold a second copy); the main thread works out what the worker needs from them in a `TrainingInput`.
import { computeLexicalModelFromTerms, lexicalModelBuffers } from './lexical-index.js'
import type { EncodedDocuments, LexicalModel } from './lexical-index.js'
import { VIEW_WEIGHTS } from './matcher-settings.js'
import { neuralModelBuffers, neuralTrainingFits, trainNeuralModel } from './neural-scorer.js'
import type { NeuralModel } from './neural-scorer.js'

/** Bumped whenever TrainingInput or MatcherModel change shape, so a stale compiled worker is caught, not misread. */
export const MATCHER_MODEL_FORMAT = 3

/**
 * Everything training needs, as plain cloneable data: the normalised, de-duplicated examples plus what the
 * dictionary makes of them (their lexical features, which need segmentation and pinyin, and node-nlp's tokens),
 * worked out by `prepareTrainingInput` in the main thread, so training needs no dictionary of its own.
 */
export interface TrainingInput {
  format: number
  /** The KB's intent ids in order; example `intent` fields index into it. */
  intentIds: string[]
  texts: Array<{ intent: number; text: string }>
  /** `flattenFeatures(extractFeatures(text, dictionary))` for each of `texts`, encoded. */
  features: EncodedDocuments
  /** node-nlp's zh tokens (`getZhTokenizer()`) for each of `texts`. */
  tokens: Array<readonly string[]>
}

/**
 * A trained matcher as plain data: strings, numbers and typed arrays, so it crosses a worker boundary with its
 * buffers transferred (`matcherModelBuffers`). `createMatcherFromModel(kb, model)` turns it into a matcher.
 */
export interface MatcherModel {
  format: number
  intentIds: string[]
  lexical: LexicalModel
  neural: NeuralModel
}

/**
 * The expensive, synchronous part of training: TF-IDF over every view and node-nlp's classifier. Runs in the
 * training worker (see `trainIntentMatcherInWorker`) or in-process (`trainIntentMatcher`), with the same result.
 *
 * @example
 * const model = trainMatcherModel(await prepareTrainingInput(kb))
 * const matcher = createMatcherFromModel(kb, model)
 */
export function trainMatcherModel(input: TrainingInput): MatcherModel {
  if (input.format !== MATCHER_MODEL_FORMAT) {
    throw new Error(`training input has format ${input.format}, this code expects ${MATCHER_MODEL_FORMAT}: the compiled worker is stale, run \`npm run build\``)
  }
  const intentCount = input.intentIds.length
  const lexical = computeLexicalModelFromTerms(input.features, Int32Array.from(input.texts, (t) => t.intent), intentCount, VIEW_WEIGHTS)
  const neural = trainNeuralModel(
    input.texts.map(({ intent }, i) => ({ intent, tokens: input.tokens[i] ?? [] })),
    intentCount,
  )
  return {
    format: MATCHER_MODEL_FORMAT,
    intentIds: input.intentIds,
    lexical,
    neural,
  }
}

/**
 * The input as sent to the training worker: without node-nlp's tokens when the classifier is over its training
 * budget and will not be trained anyway (at 1,000 intents cloning them cost more than the TF-IDF training).
 */
export function trainingMessage(input: TrainingInput): TrainingInput {
  return neuralTrainingFits(input.tokens, input.intentIds.length) ? input : { ...input, tokens: [] }
}

/** The typed-array buffers inside a model, for `postMessage(model, matcherModelBuffers(model))`. */
export function matcherModelBuffers(model: MatcherModel): ArrayBuffer[] {
  return [...lexicalModelBuffers(model.lexical), ...neuralModelBuffers(model.neural)]
}

/**
 * The training input of the texts at `keep` (indices into `input.texts`, in the order given), with each text's
 * intent index mapped by `intentOf` and `intentIds` as given; what `prepareTrainingInput` gives for those texts
 * (the feature list may keep keys no text uses any more: they never reach the model).
 *
 * @example
 * selectTexts(input, [0, 2, 3], input.intentIds) // the input without its second text
 */
export function selectTexts(input: TrainingInput, keep: readonly number[], intentIds: string[], intentOf: (intent: number) => number = (intent) => intent): TrainingInput {
  const { features } = input
  const offsets = new Int32Array(keep.length + 1)
  keep.forEach((i, k) => (offsets[k + 1] = offsets[k]! + features.offsets[i + 1]! - features.offsets[i]!))
  const termIds = new Int32Array(offsets[keep.length]!)
  const counts = new Int32Array(termIds.length)
  keep.forEach((i, k) => {
    termIds.set(features.termIds.subarray(features.offsets[i]!, features.offsets[i + 1]!), offsets[k]!)
    counts.set(features.counts.subarray(features.offsets[i]!, features.offsets[i + 1]!), offsets[k]!)
  })
  return {
    format: input.format,
    intentIds,
    texts: keep.map((i) => ({ intent: intentOf(input.texts[i]!.intent), text: input.texts[i]!.text })),
    features: { terms: features.terms, offsets, termIds, counts },
    tokens: keep.map((i) => input.tokens[i]!),
  }
}
