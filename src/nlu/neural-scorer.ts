import nodeNlp from 'node-nlp'
import type { NlpFeatures } from 'node-nlp'
import { getChineseDictionary } from './zh-dictionary.js'

export interface NeuralScorer {
  /** False when the KB was too big to train within budget; `score` then returns zeros. */
  readonly active: boolean
  /** node-nlp's per-intent activation for an already normalised text, clipped to [0,1] (1 = trained target). */
  score(normalizedText: string): Float64Array
}

/** Enough for the perceptrons to converge on FAQ-sized corpora (they usually stop after ~25). */
const MAX_ITERATIONS = 100
/**
 * node-nlp trains every perceptron on every example each epoch, synchronously, so cost grows with
 * intents x examples. Past this many pairs (about 175 intents with 8 examples each) training would block
 * the event loop for seconds, so we leave node-nlp out and rely on the lexical scores alone.
 */
export const NEURAL_TRAINING_BUDGET = 250_000

/**
 * Trains node-nlp's own classifier (one perceptron per intent, as `NlpManager` does for `zh`) on its own
 * zh tokens: dictionary words spelt as toned pinyin. We read the raw activations rather than NlpManager's
 * normalised scores, because normalising across intents hides how weak the best match is.
 *
 * @example
 * const scorer = trainNeuralScorer([{ intent: 0, text: '快递到哪了' }], 1)
 * scorer.score('快递在哪')[0] // close to 1
 */
export function trainNeuralScorer(docs: ReadonlyArray<{ intent: number; text: string }>, intentCount: number): NeuralScorer {
  getChineseDictionary() // compile the shared dictionary once, quietly, before the stemmer needs it
  const stemmer = nodeNlp.NlpUtil.getStemmer('zh')
  const processText = stemmer.processText?.bind(stemmer)
  if (!processText) throw new Error('node-nlp zh stemmer has no processText(); check the node-nlp version')
  const toInput = (text: string): NlpFeatures => {
    const input: NlpFeatures = {}
    for (const token of processText(text)) input[token] = 1
    return input
  }
  const label = (intent: number) => `i${intent}`
  const network = new nodeNlp.NeuralNetwork({ iterations: MAX_ITERATIONS, log: false })
  const corpus = docs
    .map((doc) => ({ input: toInput(doc.text), output: { [label(doc.intent)]: 1 } }))
    .filter((item) => Object.keys(item.input).length > 0)
  const active = corpus.length > 0 && corpus.length * intentCount <= NEURAL_TRAINING_BUDGET
  if (active) network.train(corpus)
  const labels = Array.from({ length: intentCount }, (_, i) => label(i))

  return {
    active,
    score(normalizedText) {
      const scores = new Float64Array(intentCount)
      if (!active) return scores
      const input = toInput(normalizedText)
      if (Object.keys(input).length === 0) return scores
      const output = network.run(input)
      if (!output) return scores
      for (let i = 0; i < intentCount; i++) {
        const value = output[labels[i]!] ?? 0
        scores[i] = value > 1 ? 1 : value < 0 ? 0 : value
      }
      return scores
    },
  }
}
