import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { FileProblem } from '../core/file-problem.js'
import { QunDeskError } from '../core/errors.js'
import type { CalibrationReport } from './calibrate-matcher.js'

export interface CalibrationRequest {
  /** The knowledge folder, loaded by the worker exactly as `qundesk kb calibrate --kb DIR` loads it. */
  dir: string
  targetFalseAccept: number
  targetAutoSendError: number
}

export type CalibrationProgress = { phase: 'intents' | 'examples'; done: number; total: number }

export type CalibrationWorkerMessage =
  | ({ type: 'progress' } & CalibrationProgress)
  | { type: 'invalid'; problems: FileProblem[] }
  | { type: 'report'; report: CalibrationReport; files: string[] }

export type CalibrationOutcome =
  | { ok: true; report: CalibrationReport; files: string[] }
  /** The folder does not load (the problems with file:line). */
  | { ok: false; problems: FileProblem[] }

export interface CalibrationRun {
  result: Promise<CalibrationOutcome>
  /** Ends the worker; `result` then rejects. */
  cancel(): void
}

/**
 * `qundesk kb calibrate` for a running bot: the same leave-one-out calibration of a knowledge folder, in a worker
 * thread of its own, so that the minutes a large knowledge base takes (1,000 intents: some 450 trainings) never hold
 * up a message. The worker loads the folder and its own dictionary and ends afterwards, handing back its memory.
 * Offline matcher only: the embedding provider's band is calibrated with the CLI.
 *
 * @example
 * const run = calibrateKnowledgeInWorker({ dir: 'knowledge', targetFalseAccept: 0.05, targetAutoSendError: 0.01 }, (p) => console.log(p.done, p.total))
 * const outcome = await run.result // { ok: true, report: { accept: { threshold: 0.41, met: true, ... }, ... } }
 */
export function calibrateKnowledgeInWorker(request: CalibrationRequest, onProgress?: (progress: CalibrationProgress) => void): CalibrationRun {
  const url = resolveCalibrationWorker()
  if (!url) {
    const result = Promise.reject(new QunDeskError('internal', 'the calibration worker is not built (dist/nlu/calibrate-knowledge.worker.js): run npm run build'))
    result.catch(() => {})
    return { result, cancel: () => {} }
  }
  const worker = new Worker(url)
  // A calibration left running must not keep a stopping process alive.
  worker.unref()
  let cancelled = false
  const result = new Promise<CalibrationOutcome>((resolve, reject) => {
    let settled = false
    const fail = (message: string, cause?: unknown) => {
      if (settled) return
      settled = true
      reject(new QunDeskError('internal', `calibrating the knowledge in a worker failed: ${message}`, { dir: request.dir }, { cause }))
      void worker.terminate()
    }
    worker.on('message', (message: CalibrationWorkerMessage) => {
      if (settled) return
      if (message.type === 'progress') return onProgress?.({ phase: message.phase, done: message.done, total: message.total })
      settled = true
      resolve(message.type === 'invalid' ? { ok: false, problems: message.problems } : { ok: true, report: message.report, files: message.files })
      void worker.terminate()
    })
    worker.once('error', (error) => fail(error instanceof Error ? error.message : String(error), error))
    worker.once('messageerror', (error) => fail(`its result could not be read (${error.message})`, error))
    worker.once('exit', (code) => fail(cancelled ? 'cancelled' : `the worker exited with code ${code} before sending a report`))
  })
  result.catch(() => {})
  worker.postMessage(request)
  return {
    result,
    cancel() {
      cancelled = true
      void worker.terminate()
    },
  }
}

/** The compiled worker beside this module, or dist's when running from src under vitest (see `resolveTrainingWorker`). */
function resolveCalibrationWorker(): URL | undefined {
  const candidates = [new URL('./calibrate-knowledge.worker.js', import.meta.url), new URL('../../dist/nlu/calibrate-knowledge.worker.js', import.meta.url)]
  return candidates.find((url) => fs.existsSync(fileURLToPath(url)))
}
