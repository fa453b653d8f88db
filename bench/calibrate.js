// @ts-check
/**
 * bench/calibrate: `qundesk kb calibrate` (leave-one-out, FOLD_LIMITS folds per knowledge base) on generated
 * knowledge bases of 100 and 1,000 intents (8 examples each), the 100-intent run being the baseline measured in the
 * same run. Prints folds, wall time, time per fold and the ratios; asserts nothing.
 *
 *   npm run bench            (all benches)
 *   node bench/calibrate.js [intents=1000]
 */
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import { calibrateMatcher, FOLD_LIMITS } from '../dist/nlu/calibrate-matcher.js'
import { generate } from './support/generated-knowledge.js'

const LARGE = Number(process.argv[2] ?? 1000)
const BASE = 100

async function measure(/** @type {number} */ intents) {
  const { kb } = generate(intents)
  const started = performance.now()
  const report = await calibrateMatcher([kb])
  return { intents, ms: performance.now() - started, report }
}

const base = await measure(BASE)
const large = await measure(LARGE)
console.log(`bench/calibrate — kb calibrate at most ${FOLD_LIMITS.intents} intents left out and ${FOLD_LIMITS.examples} examples held out per knowledge base; node ${process.version}, ${os.cpus().length} cpus`)
for (const { intents, ms, report } of [base, large]) {
  console.log(`  ${String(intents).padStart(5)} intents: ${report.folds} folds (${report.leftOutIntents} intents left out, ${report.listed} examples held out${report.sampled ? ', sampled' : ''}) in ${(ms / 1000).toFixed(1)} s, ${(ms / report.folds).toFixed(0)} ms per fold; proposed S ${report.accept?.threshold ?? '—'}`)
}
console.log(`  ratio ${LARGE}/${BASE} intents: time ${(large.ms / base.ms).toFixed(1)}x, per fold ${((large.ms / large.report.folds) / (base.ms / base.report.folds)).toFixed(1)}x`)
