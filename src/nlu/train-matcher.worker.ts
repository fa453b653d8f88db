// Worker entry for `trainIntentMatcherInWorker`: waits for one TrainingInput, trains the matcher model, posts it
// back with its typed arrays transferred, and exits. A thrown error reaches the parent as an 'error' event.
import { parentPort } from 'node:worker_threads'
import { matcherModelBuffers, trainMatcherModel } from './matcher-model.js'
import type { TrainingInput } from './matcher-model.js'

const port = parentPort
if (!port) throw new Error('train-matcher.worker.js is a worker thread entry; use trainIntentMatcherInWorker() instead of running it')
port.once('message', (input: TrainingInput) => {
  const model = trainMatcherModel(input)
  port.postMessage(model, matcherModelBuffers(model))
  port.close()
})
