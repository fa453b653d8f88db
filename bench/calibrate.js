// @ts-check
/**
 * bench/calibrate: `qundesk kb calibrate` (leave-one-out, FOLD_LIMITS folds per knowledge base) on generated
 * knowledge bases of 100 intents (in-process: the baseline measured in the same run) and 1,000 intents (8 examples
 * each) the way the console's 阈值校准 runs it: in its worker thread, while the main thread keeps matching a
 * question every 20 ms. Prints folds, wall time, time per fold, and the main thread's match latency and event-loop
 * delay during the run against the same measured idle; asserts nothing.
 *
 *   npm run bench            (all benches)
 *   node bench/calibrate.js [intents=1000]
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { stringify } from 'yaml'
import { calibrateKnowledgeInWorker } from '../dist/nlu/calibrate-in-worker.js'
import { calibrateMatcher, FOLD_LIMITS } from '../dist/nlu/calibrate-matcher.js'
import { trainIntentMatcher } from '../dist/nlu/intent-matcher.js'
import { generate } from './support/generated-knowledge.js'

const LARGE = Number(process.argv[2] ?? 1000)
const BASE = 100
const IDLE_MS = 5000
const EVERY_MS = 20

const base = await (async () => {
  const { kb } = generate(BASE)
  const started = performance.now()
  const report = await calibrateMatcher([kb])
  return { ms: performance.now() - started, report }
})()

// The large knowledge base as a folder, as the bot's knowledge is.
const { kb, queries } = generate(LARGE)
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qundesk-bench-calibrate-'))
await fs.writeFile(path.join(dir, 'generated.yaml'), stringify({ intents: kb.intents.map((i) => ({ id: i.id, examples: [...i.examples], answer: i.answer })) }))
const matcher = await trainIntentMatcher(kb)

/**
 * Matches a question every EVERY_MS on the main thread until `until` settles, noting each match's time and the
 * event loop's delay.
 * @param {Promise<unknown>} until
 */
async function serve(until) {
  const latencies = []
  const delay = monitorEventLoopDelay({ resolution: 10 })
  delay.enable()
  let done = false
  void until.finally(() => { done = true })
  for (let q = 0; !done; q++) {
    const started = performance.now()
    await matcher.match(queries[q % queries.length].text)
    latencies.push(performance.now() - started)
    await new Promise((r) => setTimeout(r, EVERY_MS))
  }
  delay.disable()
  latencies.sort((a, b) => a - b)
  const at = (/** @type {number} */ p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0
  return { matches: latencies.length, p50: at(0.5), p99: at(0.99), loopP99: delay.percentile(99) / 1e6 }
}

const idle = await serve(new Promise((r) => setTimeout(r, IDLE_MS)))
const started = performance.now()
let lastProgress = ''
const run = calibrateKnowledgeInWorker({ dir, targetFalseAccept: 0.05, targetAutoSendError: 0.01 }, (p) => { lastProgress = `${p.phase} ${p.done}/${p.total}` })
const busy = await serve(run.result)
const outcome = await run.result
const largeMs = performance.now() - started
await fs.rm(dir, { recursive: true, force: true })
if (!outcome.ok) throw new Error(`the generated knowledge did not load: ${JSON.stringify(outcome.problems[0])}`)
const large = outcome.report

console.log(`bench/calibrate — kb calibrate at most ${FOLD_LIMITS.intents} intents left out and ${FOLD_LIMITS.examples} examples held out per knowledge base; node ${process.version}, ${os.cpus().length} cpus`)
console.log(`  ${String(BASE).padStart(5)} intents, in-process: ${base.report.folds} folds (${base.report.leftOutIntents} intents left out, ${base.report.listed} examples held out) in ${(base.ms / 1000).toFixed(1)} s, ${(base.ms / base.report.folds).toFixed(0)} ms per fold; proposed S ${base.report.accept?.threshold ?? '—'}`)
console.log(`  ${String(LARGE).padStart(5)} intents, in the worker: ${large.folds} folds (${large.leftOutIntents} intents left out, ${large.listed} examples held out${large.sampled ? ', sampled' : ''}) in ${(largeMs / 1000).toFixed(1)} s, ${(largeMs / large.folds).toFixed(0)} ms per fold; proposed S ${large.accept?.threshold ?? '—'} (last progress: ${lastProgress})`)
console.log(`  ratio ${LARGE}/${BASE} intents: time ${(largeMs / base.ms).toFixed(1)}x, per fold ${((largeMs / large.folds) / (base.ms / base.report.folds)).toFixed(1)}x`)
const f = (/** @type {number} */ ms) => `${ms.toFixed(2)} ms`
console.log(`  main thread matching every ${EVERY_MS} ms (${LARGE} intents): idle ${idle.matches} matches p50 ${f(idle.p50)} p99 ${f(idle.p99)} loop delay p99 ${f(idle.loopP99)}; during the run ${busy.matches} matches p50 ${f(busy.p50)} p99 ${f(busy.p99)} loop delay p99 ${f(busy.loopP99)}`)
console.log(`  ratio during/idle: match p99 ${(busy.p99 / idle.p99).toFixed(2)}x, loop delay p99 ${(busy.loopP99 / idle.loopP99).toFixed(2)}x`)
