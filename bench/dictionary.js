// @ts-check
/**
 * bench/dictionary: what the Chinese dictionary costs a starting bot. The baseline, measured in the same run, is
 * the old path: import node-nlp and compile its CC-CEDICT (its zh stemmer's Dictionary), then segment and
 * tokenize. Against it, the prebuilt dist/nlu/cedict.bin that `npm run build` writes (src/nlu/zh-dictionary.ts).
 * Each path runs in a fresh process (time to first segment() and zh tokens, RSS and JS heap after a full GC).
 * Then, with the prebuilt dictionary, the time until a generated knowledge base's matcher is ready (trained in
 * the worker, as at start) and the RSS with it. Prints figures and ratios; asserts nothing.
 *
 *   npm run bench            (all benches)
 *   node bench/dictionary.js [readyIntents=100] [rssIntents=1000]
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

const READY_INTENTS = Number(process.argv[2] ?? 100)
const RSS_INTENTS = Number(process.argv[3] ?? 1000)
const RUNS = 3

const prelude = `
  import { performance } from 'node:perf_hooks'
  import v8 from 'node:v8'
  import vm from 'node:vm'
  v8.setFlagsFromString('--expose-gc')
  const gc = vm.runInNewContext('gc')
  const memory = () => { gc(); const m = process.memoryUsage(); return { rss: m.rss, heap: m.heapUsed } }
  const start = performance.now()
`
// Resolved here, as the temporary module file lies outside the checkout.
const nodeNlpUrl = pathToFileURL(createRequire(import.meta.url).resolve('node-nlp')).href
const paths = {
  // What zh-dictionary.ts and zh-tokens.ts did before the dictionary was prebuilt.
  compiled: `${prelude}
    const { default: nodeNlp } = await import('${nodeNlpUrl}')
    const stemmer = nodeNlp.NlpUtil.getStemmer('zh')
    const log = console.log; console.log = () => {}; stemmer.dictionary.start(); console.log = log
    stemmer.dictionary.segment('我的快递到哪了')
    const firstSegmentMs = performance.now() - start
    stemmer.processText('我的快递到哪了')
    console.log(JSON.stringify({ firstSegmentMs, tokensMs: performance.now() - start, ...memory() }))`,
  prebuilt: `${prelude}
    const { getChineseDictionary, chineseDictionarySource } = await import('../dist/nlu/zh-dictionary.js')
    const { getZhTokenizer } = await import('../dist/nlu/zh-tokens.js')
    getChineseDictionary().segment('我的快递到哪了')
    const firstSegmentMs = performance.now() - start
    getZhTokenizer()('我的快递到哪了')
    if (chineseDictionarySource() !== 'prebuilt') throw new Error('dist/nlu/cedict.bin is missing or stale: npm run build')
    console.log(JSON.stringify({ firstSegmentMs, tokensMs: performance.now() - start, ...memory() }))`,
}

/** @param {number} intents */
const ready = (intents) => `${prelude}
  const { generate } = await import('./support/generated-knowledge.js')
  const { trainIntentMatcherInWorker } = await import('../dist/nlu/train-in-worker.js')
  const { kb } = generate(${intents})
  const matcher = await trainIntentMatcherInWorker(kb)
  await matcher.match('我的快递到哪了')
  console.log(JSON.stringify({ readyMs: performance.now() - start, ...memory() }))`

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'qundesk-bench-dictionary-'))
process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }))

/** Runs `source` as a module file of its own (a worker it starts must not inherit `--input-type`). @param {string} source */
function measure(source) {
  const file = path.join(scratch, 'measure.mjs')
  const here = pathToFileURL(import.meta.dirname).href
  fs.writeFileSync(file, source.replaceAll("'../dist/", `'${here}/../dist/`).replaceAll("'./support/", `'${here}/support/`))
  const result = spawnSync(process.execPath, [file], { cwd: import.meta.dirname, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(result.stderr)
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}')
}

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const mb = (/** @type {number} */ bytes) => `${(bytes / 1048576).toFixed(0)} MB`

console.log(`bench/dictionary  CC-CEDICT: node-nlp compiled at start (baseline) vs prebuilt dist/nlu/cedict.bin; median of ${RUNS} fresh processes`)
/** @type {Record<string, any>} */
const figures = {}
for (const [name, source] of Object.entries(paths)) {
  const runs = Array.from({ length: RUNS }, () => measure(source))
  figures[name] = Object.fromEntries(Object.keys(runs[0]).map((key) => [key, median(runs.map((r) => r[key]))]))
  const f = figures[name]
  console.log(`  ${name.padEnd(9)} first segment() ${f.firstSegmentMs.toFixed(0).padStart(5)} ms, zh tokens ${f.tokensMs.toFixed(0).padStart(5)} ms, RSS ${mb(f.rss)}, JS heap ${mb(f.heap)}`)
}
const { compiled, prebuilt } = figures
console.log(
  `  prebuilt vs compiled: first segment() ${(compiled.firstSegmentMs / prebuilt.firstSegmentMs).toFixed(0)}x faster, ` +
    `RSS ${mb(compiled.rss - prebuilt.rss)} less (${(prebuilt.rss / compiled.rss).toFixed(2)}x), JS heap ${(prebuilt.heap / compiled.heap).toFixed(2)}x`,
)
for (const intents of [READY_INTENTS, RSS_INTENTS]) {
  const r = measure(ready(intents))
  console.log(`  ${String(intents).padStart(5)} generated intents: matcher ready (import, dictionary, training in the worker, first match) ${(r.readyMs / 1000).toFixed(1)} s, RSS ${mb(r.rss)}`)
}
