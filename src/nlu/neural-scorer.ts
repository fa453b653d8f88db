import { createRequire } from 'node:module'
import type { NeuralNetworkSettings, NlpFeatures } from 'node-nlp'

export interface NeuralScorer {
  /** False when the KB was too big to train within budget; `score` then returns zeros. */
  readonly active: boolean
  /** node-nlp's per-intent activation for an already normalised text, clipped to [0,1] (1 = trained target). */
  score(normalizedText: string): Float64Array
}

/**
 * A trained classifier as plain data: node-nlp's `NeuralNetwork#toJSON()` with the perceptrons packed into one
 * typed array (they are Float32Array inside node-nlp, so nothing is lost) and the biases kept as float64.
 */
export interface NeuralModel {
  active: boolean
  intentCount: number
  /** The settings `toJSON()` reports (those that differ from node-nlp's defaults). */
  settings: Record<string, unknown>
  /** node-nlp's input features (zh tokens) in its own order. */
  features: string[]
  /** node-nlp's output names (`i<intent index>`) in its own order; one perceptron each. */
  labels: string[]
  /** labels.length rows of features.length weights. */
  weights: Float32Array
  biases: Float64Array
}

/** Enough for the perceptrons to converge on FAQ-sized corpora (they usually stop after ~25). */
const MAX_ITERATIONS = 100
/**
 * node-nlp trains every perceptron on every example each epoch, synchronously, so cost grows with
 * intents x examples (8 x intents² at 8 examples each). Past this many pairs we leave node-nlp out and rely on
 * the lexical scores alone. Training runs in a worker now (`trainIntentMatcherInWorker`), so this no longer bounds
 * event-loop blocking but the time until an edit or an agent's fix goes live, and first start. Measured 2026-11
 * on a 2-core VM, generated KB, 8 examples per intent: 200 intents (320k pairs) 0.6 s, 300 (720k) 1.0 s,
 * 400 (1.28M) 2.9 s, 600 (2.9M) 5.1 s, 1,000 (8M) 39 s. 1M pairs is about 350 intents in ~2 s. node-nlp adds
 * ~7 points of accuracy on the 54-intent dev set, so we keep it as long as training stays within seconds.
 */
export const NEURAL_TRAINING_BUDGET = 1_000_000

/**
 * Trains node-nlp's own classifier (one perceptron per intent, as `NlpManager` does for `zh`) on node-nlp's zh
 * tokens of each example (see `getZhTokenizer`), and exports it. Needs no dictionary, so it can run in a worker.
 *
 * @example
 * const model = trainNeuralModel([{ intent: 0, tokens: ['kuai4', 'di4'] }], 1)
 * createNeuralScorer(model, getZhTokenizer()).score('快递在哪')[0] // close to 1
 */
export function trainNeuralModel(docs: ReadonlyArray<{ intent: number; tokens: readonly string[] }>, intentCount: number): NeuralModel {
  // Decided before building node-nlp's corpus: over the budget (1,000 intents) that alone took longer than TF-IDF.
  const active = neuralTrainingFits(docs.map((doc) => doc.tokens), intentCount)
  if (!active) return { active, intentCount, settings: {}, features: [], labels: [], weights: new Float32Array(0), biases: new Float64Array(0) }
  const NeuralNetwork = loadNeuralNetwork()
  const network = new NeuralNetwork({ iterations: MAX_ITERATIONS, log: false })
  const corpus = docs.filter((doc) => doc.tokens.length > 0).map((doc) => ({ input: toInput(doc.tokens), output: { [label(doc.intent)]: 1 } }))
  network.train(corpus)
  const json = network.toJSON()
  const features = json.features ?? []
  const labels = json.intents ?? []
  const perceptrons = json.perceptrons ?? []
  const weights = new Float32Array(labels.length * features.length)
  const biases = new Float64Array(labels.length)
  perceptrons.forEach((row, p) => {
    // toJSON() gives [...weights, bias] per perceptron.
    for (let f = 0; f < features.length; f++) weights[p * features.length + f] = row[f]!
    biases[p] = row[features.length]!
  })
  return { active, intentCount, settings: json.settings, features, labels, weights, biases }
}

/** Whether node-nlp's classifier is trained for examples with these tokens (some, and within `NEURAL_TRAINING_BUDGET`). */
export function neuralTrainingFits(tokens: ReadonlyArray<readonly string[]>, intentCount: number): boolean {
  let trained = 0
  for (const t of tokens) if (t.length > 0) trained++
  return trained > 0 && trained * intentCount <= NEURAL_TRAINING_BUDGET
}

/**
 * Loads a `NeuralModel` back into a node-nlp `NeuralNetwork` (`fromJSON`) and scores with it; activations are
 * identical to the network that was exported. `tokenize` must be the tokenizer the training tokens came from.
 */
export function createNeuralScorer(model: NeuralModel, tokenize: (normalizedText: string) => readonly string[]): NeuralScorer {
  const { active, intentCount } = model
  if (!active) return { active, score: () => new Float64Array(intentCount) }
  const NeuralNetwork = loadNeuralNetwork()
  const network = new NeuralNetwork()
  const width = model.features.length
  const perceptrons = model.labels.map((_, p) => {
    const row = new Float64Array(width + 1)
    row.set(model.weights.subarray(p * width, (p + 1) * width))
    row[width] = model.biases[p]!
    return row
  })
  network.fromJSON({ settings: model.settings, features: model.features, intents: model.labels, perceptrons })
  const labels = Array.from({ length: intentCount }, (_, i) => label(i))

  return {
    active,
    score(normalizedText) {
      const scores = new Float64Array(intentCount)
      const input = toInput(tokenize(normalizedText))
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

/** The buffers of a model, for `postMessage(..., transferList)`. */
export function neuralModelBuffers(model: NeuralModel): ArrayBuffer[] {
  return [model.weights.buffer as ArrayBuffer, model.biases.buffer as ArrayBuffer]
}

function label(intent: number): string {
  return `i${intent}`
}

function toInput(tokens: readonly string[]): NlpFeatures {
  const input: NlpFeatures = {}
  for (const token of tokens) input[token] = 1
  return input
}

/** The parts of node-nlp's NeuralNetwork used here, including toJSON/fromJSON (not in node-nlp.d.ts). */
interface NeuralNetworkJson {
  settings: Record<string, unknown>
  features?: string[]
  intents?: string[]
  /** One row per perceptron: its weights, then its bias. */
  perceptrons?: Array<ArrayLike<number>>
}
interface NetworkInstance {
  train(corpus: Array<{ input: NlpFeatures; output: NlpFeatures }>): unknown
  run(input: NlpFeatures): Record<string, number> | undefined
  toJSON(): NeuralNetworkJson
  fromJSON(json: NeuralNetworkJson): void
}
type NetworkClass = new (settings?: NeuralNetworkSettings) => NetworkInstance

let networkClass: NetworkClass | undefined

/**
 * node-nlp's `NeuralNetwork` is @nlpjs/neural's (node-nlp re-exports it), so we load that package, resolved from
 * node-nlp's own folder. Importing 'node-nlp' itself loads every language (~1.2 s), which the training worker
 * does not need.
 */
function loadNeuralNetwork(): NetworkClass {
  if (networkClass) return networkClass
  const fromHere = createRequire(import.meta.url)
  const fromNodeNlp = createRequire(fromHere.resolve('node-nlp'))
  networkClass = (fromNodeNlp('@nlpjs/neural') as { NeuralNetwork: NetworkClass }).NeuralNetwork
  return networkClass
}
