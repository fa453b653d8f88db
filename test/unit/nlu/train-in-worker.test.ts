import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/core/logger.js'
import { createKnowledgeBase } from '../../../src/knowledge/knowledge-base.js'
import type { KnowledgeBase } from '../../../src/knowledge/knowledge-base.js'
import { formatProblem, loadKnowledge } from '../../../src/knowledge/load-knowledge.js'
import { prepareTrainingInput, trainIntentMatcher } from '../../../src/nlu/intent-matcher.js'
import { createMatcherRuntime } from '../../../src/nlu/matcher-runtime.js'
import { resolveTrainingWorker, startTrainingWorker, trainIntentMatcherInWorker } from '../../../src/nlu/train-in-worker.js'
import { SAMPLE_QUESTIONS, generateIntents, toKnowledgeYaml, loadOrThrow, matchAll } from './generated-knowledge.js'

const load = loadOrThrow

/** Runs `work` while a 2 ms interval notes how long the event loop went without turning. */
async function watchEventLoop<T>(work: () => Promise<T>): Promise<{ result: T; ticks: number; maxLagMs: number; wallMs: number }> {
  let ticks = 0
  let maxLagMs = 0
  let last = performance.now()
  const timer = setInterval(() => {
    const now = performance.now()
    maxLagMs = Math.max(maxLagMs, now - last)
    last = now
    ticks++
  }, 2)
  const start = performance.now()
  const result = await work()
  const wallMs = performance.now() - start
  await new Promise((resolve) => setTimeout(resolve, 20)) // let the interval see a stretch that blocked until the end
  clearInterval(timer)
  return { result, ticks, maxLagMs, wallMs }
}

let tmp: string
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'qundesk-train-worker-'))
})
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true })
})

describe('trainIntentMatcherInWorker', () => {
  it('uses the compiled worker (under vitest: dist/nlu/train-matcher.worker.js)', () => {
    expect(resolveTrainingWorker(), 'no compiled training worker: run `npm run build` first').toBeDefined()
  })

  it.each([
    ['the small-shop fixture', () => load('test/fixtures/knowledge/small-shop')],
    ['150 generated intents', async () => createKnowledgeBase(generateIntents(150), ['generated.yaml'])],
  ])('matches exactly like trainIntentMatcher on %s', async (_name, makeKb) => {
    const kb = await makeKb()
    const options = { extraExamples: [{ intentId: kb.intents[1]!.id, text: '客服改过意图的问题' }] }
    expect(await matchAll(await trainIntentMatcherInWorker(kb, options))).toEqual(await matchAll(await trainIntentMatcher(kb, options)))
  })

  it('rejects with the worker error when training throws', async () => {
    const file = path.join(tmp, 'throws.worker.mjs')
    await fs.writeFile(file, "throw new Error('perceptron exploded')\n")
    const input = await prepareTrainingInput(await load('test/fixtures/knowledge/small-shop'))
    await expect(startTrainingWorker(pathToFileURL(file)).train(input)).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringMatching(/^training the intent matcher in a worker failed: .*perceptron exploded/),
    })
  })

  it('rejects when the worker exits without sending a model', async () => {
    const file = path.join(tmp, 'exits.worker.mjs')
    await fs.writeFile(file, 'process.exit(3)\n')
    const input = await prepareTrainingInput(await load('test/fixtures/knowledge/small-shop'))
    await expect(startTrainingWorker(pathToFileURL(file)).train(input)).rejects.toThrow(/exited with code 3 before sending a model/)
  })

  it('rejects input from another build (a stale worker) and says how to fix it', async () => {
    const input = await prepareTrainingInput(await load('test/fixtures/knowledge/small-shop'))
    await expect(startTrainingWorker(resolveTrainingWorker()!).train({ ...input, format: -1 })).rejects.toThrow(/npm run build/)
  })
})

// 300 intents keep node-nlp's classifier in training (~1 s, always retrained in full); at 1,000 intents it is over
// its budget and the TF-IDF training left is too short (since it runs on typed arrays) to tell a stall from noise.
describe('matcher runtime reload with 300 intents (node-nlp trained)', () => {
  it('keeps the event loop turning while it retrains, unlike training in-process', { timeout: 180_000 }, async () => {
    const dir = path.join(tmp, 'kb-300')
    await fs.mkdir(dir)
    for (const file of toKnowledgeYaml(generateIntents(300))) await fs.writeFile(path.join(dir, file.name), file.text)
    const service = createMatcherRuntime({ dir, logger: createLogger({ level: 'silent' }) })
    await service.start()
    const kb = service.current().kb
    expect(kb.intents.length).toBe(300)

    const inProcess = await watchEventLoop(() => trainIntentMatcher(kb))
    const reload = await watchEventLoop(() => service.reload())

    expect(reload.result).toEqual({ ok: true, version: 2, intents: 300 })
    expect((await service.current().matcher.match('订单地址怎么修改'))[0]?.intentId).toBeDefined()
    // In-process, training holds the loop for its whole synchronous part; with the worker only short slices do.
    // Relative, with wide margins: both sides slow down together on a busy machine.
    const figures = `in-process: ${inProcess.wallMs.toFixed(0)} ms, longest stall ${inProcess.maxLagMs.toFixed(0)} ms; reload: ${reload.wallMs.toFixed(0)} ms, longest stall ${reload.maxLagMs.toFixed(0)} ms, ${reload.ticks} ticks`
    expect(inProcess.maxLagMs, figures).toBeGreaterThan(50)
    expect(reload.maxLagMs, figures).toBeLessThan(inProcess.maxLagMs / 2)
    expect(reload.ticks, figures).toBeGreaterThan(20)
    service.stop()
  })
})
