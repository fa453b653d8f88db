// Imported by the training worker: keep it free of node-nlp (seconds to load) and of the dictionary (the worker
// should not hold a second copy); the main thread records what the worker needs from them in a `TrainingInput`.
import { computeLexicalModel, lexicalModelBuffers } from './lexical-index.js'
import type { LexicalModel } from './lexical-index.js'
import { VIEW_WEIGHTS } from './matcher-settings.js'
import { neuralModelBuffers, trainNeuralModel } from './neural-scorer.js'
import type { NeuralModel } from './neural-scorer.js'
import { extractFeatures } from './text-features.js'
import type { ChineseDictionary } from './zh-dictionary.js'

/** Bumped whenever TrainingInput or MatcherModel change shape, so a stale compiled worker is caught, not misread. */
export const MATCHER_MODEL_FORMAT = 2

/**
 * Everything training needs, as plain cloneable data: the normalised, de-duplicated examples plus what the
 * dictionary says about them (segmentation, pinyin, node-nlp tokens), recorded by `prepareTrainingInput` in the
 * main thread, so training needs no dictionary of its own.
 */
export interface TrainingInput {
  format: number
  /** The KB's intent ids in order; example `intent` fields index into it. */
  intentIds: string[]
  texts: Array<{ intent: number; text: string }>
  /** `dictionary.segment(text)` for each of `texts`. */
  segments: string[][]
  /** node-nlp's zh tokens (`getZhTokenizer()`) for each of `texts`. */
  tokens: string[][]
  /** `dictionary.pinyin(char)` for every Han character in `texts`. */
  pinyin: Array<[string, string | undefined]>
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
  const dictionary = recordedDictionary(input)
  const intentCount = input.intentIds.length
  const docs = input.texts.map(({ intent, text }) => ({ intent, features: extractFeatures(text, dictionary) }))
  const lexical = computeLexicalModel(docs, intentCount, VIEW_WEIGHTS)
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

/** The typed-array buffers inside a model, for `postMessage(model, matcherModelBuffers(model))`. */
export function matcherModelBuffers(model: MatcherModel): ArrayBuffer[] {
  return [...lexicalModelBuffers(model.lexical), ...neuralModelBuffers(model.neural)]
}

/** Answers exactly what the real dictionary answered for the training texts, and only for them. */
function recordedDictionary(input: TrainingInput): ChineseDictionary {
  const segments = new Map<string, string[]>()
  input.texts.forEach(({ text }, i) => segments.set(text, input.segments[i] ?? []))
  const pinyin = new Map(input.pinyin)
  return {
    segment(text) {
      const words = segments.get(text)
      if (!words) throw new Error(`no recorded segmentation for "${text}" (prepareTrainingInput records every training text)`)
      return words
    },
    pinyin(char) {
      if (!pinyin.has(char)) throw new Error(`no recorded pinyin for "${char}" (prepareTrainingInput records every Han character)`)
      return pinyin.get(char)
    },
  }
}
