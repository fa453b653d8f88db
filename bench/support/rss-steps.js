// @ts-check
/**
 * bench/scale-account's memory breakdown, run in a child process of its own (node --expose-gc): RSS after a full
 * GC as each part of QunDesk is loaded in turn, then the match latency of the matcher trained last. Prints one
 * JSON line: { steps: [{ step, rss, heap }], match: { median, p99, quietestP99, samples } }.
 *
 *   node --expose-gc bench/support/rss-steps.js [intents=1000]
 */
import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'

const INTENTS = Number(process.argv[2] ?? 1000)
const gc = /** @type {() => void} */ (/** @type {any} */ (globalThis).gc ?? (() => undefined))
/** @type {Array<{ step: string; rss: number; heap: number }>} */
const steps = []
const note = (/** @type {string} */ step) => {
  gc()
  const { rss, heapUsed } = process.memoryUsage()
  steps.push({ step, rss: rss / 1048576, heap: heapUsed / 1048576 })
}

note('node')
await import('wechaty')
await import('wechaty-puppet-service')
note('+ wechaty, wechaty-puppet-service (loaded, not started)')
// What `bin/qundesk.js start` imports before it starts anything: the CLI and, through it, every module of the app
// (fastify, kysely, better-sqlite3, pino ...). Demo-only and on-demand modules (wechaty-puppet-mock, pg, xlsx,
// the recognizers) are not among them.
await import('../../dist/cli.js')
note('+ QunDesk as `qundesk start` imports it (fastify, kysely, better-sqlite3, pino …)')
// The classifier the matcher runs on: only @nlpjs/neural (src/nlu/neural-scorer.ts), resolved from node-nlp's folder
// as the app does; never node-nlp itself, which loads every language.
const nodeNlpRequire = createRequire(createRequire(import.meta.url).resolve('node-nlp'))
nodeNlpRequire('@nlpjs/neural')
note('+ @nlpjs/neural (the classifier; node-nlp itself is not loaded)')
const { getChineseDictionary, getConversionTables, chineseDictionarySource } = await import('../../dist/nlu/zh-dictionary.js')
getChineseDictionary()
getConversionTables()
note(`+ Chinese dictionary (${chineseDictionarySource() === 'prebuilt' ? 'prebuilt dist/nlu/cedict.bin' : 'no dist/nlu/cedict.bin: compiled from node-nlp\'s CC-CEDICT'})`)
const { generate } = await import('./generated-knowledge.js')
const { trainIntentMatcherInWorker } = await import('../../dist/nlu/train-in-worker.js')
const { kb, queries } = generate(INTENTS)
// As the app trains: in a worker thread (ended afterwards), so this is the matcher kept, not training's garbage.
const matcher = await trainIntentMatcherInWorker(kb)
// The ended worker's heap goes back to the system over the next second or two: wait until RSS stops falling.
for (let last = Infinity, i = 0; i < 20; i++) {
  gc()
  const { rss } = process.memoryUsage()
  if (rss >= last - 1048576) break
  last = rss
  await new Promise((resolve) => setTimeout(resolve, 500))
}
note(`+ matcher for ${INTENTS} intents (trained in a worker, as the app does)`)

for (const q of queries.slice(0, 500)) await matcher.match(q.text)
// Three rounds over every query: the p99 of all of them, and of the quietest round (a shared machine's other work
// lands in one round or another).
const ROUNDS = 3
/** @type {number[]} */
const times = []
/** @type {number[]} */
const roundP99 = []
/** @param {number[]} sorted @param {number} p */
const at = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN
for (let round = 0; round < ROUNDS; round++) {
  /** @type {number[]} */
  const these = []
  for (const q of queries) {
    const start = performance.now()
    await matcher.match(q.text)
    these.push(performance.now() - start)
  }
  times.push(...these)
  roundP99.push(at(these.sort((a, b) => a - b), 0.99))
}
times.sort((a, b) => a - b)
console.log(JSON.stringify({ steps, match: { median: at(times, 0.5), p99: at(times, 0.99), quietestP99: Math.min(...roundP99), samples: times.length } }))
