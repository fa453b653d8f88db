// Worker entry for `calibrateKnowledgeInWorker`: waits for one request, loads the knowledge folder, calibrates it
// (posting each fold's progress) and posts the report, then exits. A thrown error reaches the parent as 'error'.
import { parentPort } from 'node:worker_threads'
import { loadKnowledge } from '../knowledge/load-knowledge.js'
import { calibrateMatcher } from './calibrate-matcher.js'
import type { CalibrationRequest, CalibrationWorkerMessage } from './calibrate-in-worker.js'

const port = parentPort
if (!port) throw new Error('calibrate-knowledge.worker.js is a worker thread entry; use calibrateKnowledgeInWorker() instead of running it')
const post = (message: CalibrationWorkerMessage) => port.postMessage(message)
port.once('message', (request: CalibrationRequest) => {
  void (async () => {
    const loaded = await loadKnowledge(request.dir)
    if (!loaded.ok) return post({ type: 'invalid', problems: loaded.problems })
    const report = await calibrateMatcher([loaded.kb], {
      targetFalseAccept: request.targetFalseAccept,
      targetAutoSendError: request.targetAutoSendError,
      onProgress: ({ phase, done, total }) => post({ type: 'progress', phase, done, total }),
    })
    post({ type: 'report', report, files: [...loaded.kb.files] })
  })().then(() => port.close(), (error: unknown) => {
    // Rethrown outside the promise so it reaches the parent as the worker's 'error' event.
    setImmediate(() => { throw error })
  })
})
