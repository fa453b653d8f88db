import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { QunDeskError } from '../core/errors.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { createMatcherFromModel, prepareTrainingInput, trainIntentMatcher } from './intent-matcher.js'
import type { IntentMatcher, TrainOptions } from './intent-matcher.js'
import { trainingMessage, type MatcherModel, type TrainingInput } from './matcher-model.js'

/**
 * Trains like `trainIntentMatcher`, with exactly the same resulting matches, but runs the expensive part (TF-IDF
 * and node-nlp's classifier) in a worker thread, so a bot that retrains on every knowledge edit keeps handling
 * messages meanwhile. The main thread only works out the examples' features with the process-wide dictionary (in
 * slices of a few ms; with `options.cache`, only for examples new since the last training), then rebuilds the
 * matcher from the worker's typed arrays (transferred, not copied).
 * Rejects with a `QunDeskError('internal')` when the worker fails. Without a compiled worker (see
 * `resolveTrainingWorker`) it trains in-process.
 *
 * One worker per training, ended afterwards: it loads neither node-nlp nor the dictionary, so it starts in tens
 * of ms (and we start it before preparing the examples, so that overlaps); retrains are rare next to that; and
 * ending it hands back all of training's memory at once instead of keeping a second heap for the process' life.
 *
 * @example
 * const matcher = await trainIntentMatcherInWorker(kb, { extraExamples })
 * await matcher.match('我的快递到哪了')
 */
export async function trainIntentMatcherInWorker(kb: KnowledgeBase, options: TrainOptions = {}): Promise<IntentMatcher> {
  const workerUrl = resolveTrainingWorker()
  if (!workerUrl) return trainIntentMatcher(kb, options)
  const worker = startTrainingWorker(workerUrl)
  let input: TrainingInput
  try {
    input = await prepareTrainingInput(kb, options)
  } catch (error) {
    worker.cancel()
    throw error
  }
  return createMatcherFromModel(kb, await worker.train(input))
}

/**
 * Where the compiled worker is. From dist/ it is the sibling `train-matcher.worker.js`. Under vitest this module
 * runs from src/nlu/*.ts and node 20 cannot start a .ts file as a worker, so we fall back to the compiled
 * dist/nlu/train-matcher.worker.js when it exists. `npm test` builds first; a dist/ whose data format is stale
 * is refused by the format check (`MATCHER_MODEL_FORMAT`), but one stale only in its algorithm is not, so rebuild
 * after changing src/nlu before running vitest directly. Undefined when neither exists.
 */
export function resolveTrainingWorker(): URL | undefined {
  const candidates = [new URL('./train-matcher.worker.js', import.meta.url), new URL('../../dist/nlu/train-matcher.worker.js', import.meta.url)]
  return candidates.find((url) => fs.existsSync(fileURLToPath(url)))
}

export interface TrainingWorker {
  /** Sends the input; resolves with the model, rejects when the worker throws or exits without one. Call once. */
  train(input: TrainingInput): Promise<MatcherModel>
  /** Ends the worker without training. */
  cancel(): void
}

/**
 * Starts a one-shot training worker from `workerUrl`, so it can boot while the caller prepares the input.
 *
 * @example
 * const model = await startTrainingWorker(resolveTrainingWorker()!).train(await prepareTrainingInput(kb))
 */
export function startTrainingWorker(workerUrl: URL): TrainingWorker {
  // Left referenced: at start nothing else may be holding the process open yet, and a retrain still running at
  // shutdown ends within seconds.
  const worker = new Worker(workerUrl)
  let intents = 0
  const result = new Promise<MatcherModel>((resolve, reject) => {
    let settled = false
    const fail = (message: string, cause?: unknown) => {
      if (settled) return
      settled = true
      const context = { worker: fileURLToPath(workerUrl), intents }
      reject(new QunDeskError('internal', `training the intent matcher in a worker failed: ${message}`, context, { cause }))
      void worker.terminate()
    }
    worker.once('message', (model: MatcherModel) => {
      if (settled) return
      settled = true
      resolve(model)
      void worker.terminate()
    })
    worker.once('error', (error) => fail(error instanceof Error ? error.message : String(error), error))
    worker.once('messageerror', (error) => fail(`its result could not be read (${error.message})`, error))
    worker.once('exit', (code) => fail(`the worker exited with code ${code} before sending a model`))
  })
  result.catch(() => {}) // a worker that fails before train() is called must not be an unhandled rejection
  return {
    train(input) {
      intents = input.intentIds.length
      worker.postMessage(trainingMessage(input))
      return result
    },
    cancel() {
      void worker.terminate()
    },
  }
}
