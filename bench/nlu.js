// @ts-check
/**
 * bench/nlu: the intent matcher on a generated 1,000-intent knowledge base, against node-nlp's own NlpManager
 * trained on the same KB in the same run (the baseline). Measures match latency (median/p99 after warm-up over
 * paraphrase-like and off-topic questions), training time in-process and in the worker (wall clock and how much
 * of it the main thread was busy or stalled), and RSS. Prints figures and ratios; asserts nothing.
 *
 *   npm run bench            (all benches)
 *   node bench/nlu.js [intents=1000]
 */
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import v8 from 'node:v8'
import vm from 'node:vm'
import nodeNlp from 'node-nlp'
import { EXAMPLES_PER_INTENT, generate } from './support/generated-knowledge.js'
import { decideIntent } from '../dist/nlu/decide-intent.js'
import { trainIntentMatcher } from '../dist/nlu/intent-matcher.js'
import { NEURAL_TRAINING_BUDGET } from '../dist/nlu/neural-scorer.js'
import { trainIntentMatcherInWorker } from '../dist/nlu/train-in-worker.js'
import { getChineseDictionary } from '../dist/nlu/zh-dictionary.js'

const INTENTS = Number(process.argv[2] ?? 1000)
const ROUNDS = 2

// ---- measuring -----------------------------------------------------------------------------------------------
/**
 * Runs `work`, noting wall time, how long the main thread was busy (event-loop utilisation) and its longest stall.
 * @template T
 * @param {() => Promise<T>} work
 */
async function watch(work) {
  let stall = 0
  let last = performance.now()
  const timer = setInterval(() => {
    const now = performance.now()
    stall = Math.max(stall, now - last)
    last = now
  }, 1)
  const elu = performance.eventLoopUtilization()
  const start = performance.now()
  const result = await work()
  const wallMs = performance.now() - start
  await new Promise((resolve) => setTimeout(resolve, 10)) // so the interval sees a stall lasting to the end
  clearInterval(timer)
  const busyMs = performance.eventLoopUtilization(elu).active // ms the loop was running code, not waiting
  return { result, wallMs, busyMs, stallMs: stall }
}

/** @param {number[]} sorted @param {number} p nearest-rank percentile */
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN

/**
 * @param {(text: string) => Promise<unknown>} match
 * @param {Array<{ text: string }>} queries
 */
async function latency(match, queries) {
  for (const q of queries.slice(0, 500)) await match(q.text) // warm-up
  /** @type {number[]} */
  const times = []
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of queries) {
      const start = performance.now()
      await match(q.text)
      times.push(performance.now() - start)
    }
  }
  times.sort((a, b) => a - b)
  return { samples: times.length, median: percentile(times, 0.5), p99: percentile(times, 0.99) }
}

// A full GC before reading memory, so the figures are what stays alive rather than training's garbage.
v8.setFlagsFromString('--expose-gc')
const gc = /** @type {() => void} */ (vm.runInNewContext('gc'))
const memory = () => {
  gc()
  const { rss, heapUsed } = process.memoryUsage()
  return `RSS ${(rss / 1048576).toFixed(0)} MB, JS heap ${(heapUsed / 1048576).toFixed(0)} MB`
}

// ---- run -----------------------------------------------------------------------------------------------------
const { kb, queries } = generate(INTENTS)
const paraphrases = queries.filter((q) => q.expect !== null)
const offTopic = queries.filter((q) => q.expect === null)
const pairs = kb.intents.length * kb.intents.length * EXAMPLES_PER_INTENT

const memoryStart = memory()
const dictStart = performance.now()
getChineseDictionary()
const dictMs = performance.now() - dictStart
const memoryDictionary = memory()

const inProcess = await watch(() => trainIntentMatcher(kb).then(() => undefined)) // dropped: only timed
const inWorker = await watch(() => trainIntentMatcherInWorker(kb))
const matcher = inWorker.result
const memoryOurs = memory()
const ours = await latency((text) => matcher.match(text), queries)
let oursTop1 = 0
let oursAccepted = 0
for (const q of paraphrases) {
  const r = decideIntent(await matcher.match(q.text), kb)
  if (r.top[0]?.intentId === q.expect) oursTop1++
  if (r.decision === 'accept' && r.intent?.intentId === q.expect) oursAccepted++
}
let oursFalseAccepts = 0
for (const q of offTopic) if (decideIntent(await matcher.match(q.text), kb).decision === 'accept') oursFalseAccepts++

// node-nlp's NlpManager, as documented for zh; autoSave off so no model file is written.
/** @type {any} */
const NlpManager = /** @type {any} */ (nodeNlp).NlpManager
const manager = new NlpManager({ languages: ['zh'], autoSave: false, autoLoad: false, nlu: { log: false } })
for (const intent of kb.intents) for (const example of intent.examples) manager.addDocument('zh', example, intent.id)
const nlpTrain = await watch(() => manager.train())
const memoryNlp = memory()
const nlp = await latency((text) => manager.process('zh', text), queries)
let nlpTop1 = 0
for (const q of paraphrases) if ((await manager.process('zh', q.text)).intent === q.expect) nlpTop1++
let nlpFalseAccepts = 0
for (const q of offTopic) if ((await manager.process('zh', q.text)).intent !== 'None') nlpFalseAccepts++

const pct = (/** @type {number} */ n, /** @type {number} */ d) => `${((100 * n) / d).toFixed(1)}%`
const ms = (/** @type {number} */ v) => `${v.toFixed(v < 10 ? 3 : 0)} ms`
const verdict = `${ours.p99 <= 1 ? 'met' : 'MISSED'}${kb.intents.length === 1000 ? '' : ` here at ${kb.intents.length} intents`}`
console.log(`bench/nlu  ${kb.intents.length} generated intents x ${EXAMPLES_PER_INTENT} examples (${pairs.toLocaleString('en')} intent x example pairs; node-nlp budget ${NEURAL_TRAINING_BUDGET.toLocaleString('en')}: ours ${pairs <= NEURAL_TRAINING_BUDGET ? 'with' : 'WITHOUT'} node-nlp's classifier)`)
console.log(`           ${queries.length} queries (${paraphrases.length} paraphrases in unseen wordings, ${offTopic.length} off-topic) x ${ROUNDS} rounds after 500 warm-up; node ${process.version}, ${os.cpus().length} cpus`)
console.log(`  dictionary  CC-CEDICT prebuilt (dist/nlu/cedict.bin), loaded once : ${ms(dictMs)}  before: ${memoryStart}; after: ${memoryDictionary}`)
console.log(`  ours        train in-process   : wall ${ms(inProcess.wallMs)}, main thread busy ${ms(inProcess.busyMs)}, longest stall ${ms(inProcess.stallMs)}`)
console.log(`  ours        train in worker    : wall ${ms(inWorker.wallMs)}, main thread busy ${ms(inWorker.busyMs)} (in slices), longest stall ${ms(inWorker.stallMs)}`)
console.log(`  ours        after training     : ${memoryOurs} (dictionary + one matcher)`)
console.log(`  ours        match              : median ${ms(ours.median)}, p99 ${ms(ours.p99)} over ${ours.samples} samples   [goal p99 <= 1 ms at 1,000 intents: ${verdict}]`)
console.log(`  ours        quality            : paraphrase top-1 ${pct(oursTop1, paraphrases.length)}, accepted right ${pct(oursAccepted, paraphrases.length)}, off-topic accepted ${pct(oursFalseAccepts, offTopic.length)}`)
console.log(`  node-nlp    NlpManager train   : wall ${ms(nlpTrain.wallMs)}, main thread busy ${ms(nlpTrain.busyMs)}, longest stall ${ms(nlpTrain.stallMs)}`)
console.log(`  node-nlp    after training     : ${memoryNlp} (dictionary + our matcher + NlpManager)`)
console.log(`  node-nlp    process()          : median ${ms(nlp.median)}, p99 ${ms(nlp.p99)} over ${nlp.samples} samples`)
console.log(`  node-nlp    quality            : paraphrase top-1 ${pct(nlpTop1, paraphrases.length)}, off-topic answered (intent != None) ${pct(nlpFalseAccepts, offTopic.length)}`)
console.log(`  ratio       ours / node-nlp    : match median ${(ours.median / nlp.median).toFixed(2)}x, p99 ${(ours.p99 / nlp.p99).toFixed(2)}x; ` +
  `training wall ${(inProcess.wallMs / nlpTrain.wallMs).toFixed(3)}x in-process, ${(inWorker.wallMs / nlpTrain.wallMs).toFixed(3)}x in worker; ` +
  `longest main-thread stall in worker ${(inWorker.stallMs / nlpTrain.stallMs).toFixed(4)}x`)
