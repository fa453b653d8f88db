// @ts-check
/**
 * bench/scale-account's memory breakdown, run in a child process of its own (node --expose-gc): RSS after a full
 * GC as each part of QunDesk is loaded in turn, then the match latency of the matcher trained last. Prints one
 * JSON line: { steps: [{ step, rss, heap }], match: { median, p99, quietestP99, samples } }.
 *
 *   node --expose-gc bench/support/rss-steps.js [intents=1000]
 */
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
await import('node-nlp')
note('+ node-nlp')
await import('../../dist/main.js')
note('+ the rest of QunDesk (fastify, kysely, better-sqlite3, pino …)')
const { getChineseDictionary } = await import('../../dist/nlu/zh-dictionary.js')
getChineseDictionary()
note('+ CC-CEDICT compiled')
const { generate } = await import('./generated-knowledge.js')
const { trainIntentMatcher } = await import('../../dist/nlu/intent-matcher.js')
const { kb, queries } = generate(INTENTS)
const matcher = await trainIntentMatcher(kb)
note(`+ matcher trained on ${INTENTS} intents`)

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
