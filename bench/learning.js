// @ts-check
/**
 * bench/learning: what agents' "wrong intent" fixes do for the matcher. On the nlu-dev set (read at run time from
 * ../shared/nlu-dev next to the repo; research-licensed, so nothing from it is copied into the repo or printed
 * beyond aggregate figures), the test questions of each intent are split in two by alternating index: even
 * indices are the evaluation half, odd ones the corrections half. The matcher is trained on the dev knowledge
 * YAML, then again with the first N corrections as extra examples (the learning loop), and each time evaluated
 * on the evaluation half and on all negatives. Corrections come in the order agents would make them: questions
 * the baseline matcher gets wrong first, then the rest, each group in file order.
 *
 *   npm run bench            (all benches)
 *   node bench/learning.js
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import { loadKnowledge, formatProblem } from '../dist/knowledge/load-knowledge.js'
import { decideIntent } from '../dist/nlu/decide-intent.js'
import { evaluateMatcher, parseEvalCases } from '../dist/nlu/evaluate-matcher.js'
import { trainIntentMatcher } from '../dist/nlu/intent-matcher.js'

const DEV = path.resolve(import.meta.dirname, '..', '..', 'shared', 'nlu-dev')
const STEPS = [0, 5, 10, 20, Infinity]

const casesFile = path.join(DEV, 'cases.json')
const kbDir = path.join(DEV, 'knowledge-yaml')
const present = await Promise.all([casesFile, kbDir].map((p) => fs.access(p).then(() => true, () => false)))
if (present.includes(false)) {
  console.log(`bench/learning  skipped: the nlu-dev set is not at ${DEV} (needs cases.json and knowledge-yaml/)`)
  process.exit(0)
}

const loaded = await loadKnowledge(kbDir)
const kb = loaded.kb
if (!loaded.ok || !kb) throw new Error(`nlu-dev knowledge does not load:\n${(loaded.problems ?? []).map(formatProblem).join('\n')}`)
const cases = parseEvalCases(JSON.parse(await fs.readFile(casesFile, 'utf8')))

/** @type {typeof cases} */
const evaluation = []
/** @type {typeof cases} */
const corrections = []
/** @type {Map<string, number>} */
const seenPerIntent = new Map()
for (const c of cases) {
  if (c.expect === null) continue
  const index = seenPerIntent.get(c.expect) ?? 0
  seenPerIntent.set(c.expect, index + 1)
  ;(index % 2 === 0 ? evaluation : corrections).push(c)
}
const negatives = cases.filter((c) => c.expect === null)

// Agents correct what the bot got wrong: order the corrections half with the baseline's misses first.
const baseline = await trainIntentMatcher(kb)
/** @type {typeof cases} */
const misses = []
/** @type {typeof cases} */
const hits = []
for (const c of corrections) {
  const result = decideIntent(await baseline.match(c.text), kb)
  ;(result.decision === 'accept' && result.intent?.intentId === c.expect ? hits : misses).push(c)
}
const ordered = [...misses, ...hits]

const pct = (/** @type {number} */ v) => `${(v * 100).toFixed(1)}%`.padStart(6)
console.log(`bench/learning  nlu-dev: ${kb.intents.length} intents; ${evaluation.length} evaluation questions, ${corrections.length} corrections (${misses.length} of them baseline misses), ${negatives.length} negatives`)
const skipped = STEPS.filter((step) => step !== Infinity && step >= ordered.length)
if (skipped.length > 0) console.log(`  (only ${ordered.length} corrections, so N = ${skipped.join(', ')} would repeat the "all" row and is left out)`)
console.log('  corrections  of misses  evaluation: accuracy   top-1  | negatives: falseAccept | corrected questions asked again: right | train')
for (const step of STEPS) {
  if (step !== Infinity && step >= ordered.length) continue
  const used = ordered.slice(0, step)
  const extraExamples = used.map((c) => ({ intentId: /** @type {string} */ (c.expect), text: c.text }))
  const report = await evaluateMatcher(kb, [...evaluation, ...negatives], { extraExamples })
  // The loop's direct effect: does the bot now get the very questions that were corrected?
  const matcher = await trainIntentMatcher(kb, { extraExamples })
  let repeatsRight = 0
  for (const c of used) {
    const result = decideIntent(await matcher.match(c.text), kb)
    if (result.decision === 'accept' && result.intent?.intentId === c.expect) repeatsRight++
  }
  const label = step === Infinity ? `all ${used.length}` : String(step)
  const ofMisses = used.filter((c) => misses.includes(c)).length
  const repeats = used.length === 0 ? '-' : `${repeatsRight}/${used.length}`
  console.log(
    `  ${label.padStart(11)}  ${String(ofMisses).padStart(9)}  ${pct(report.accuracy).padStart(20)}  ${pct(report.top1)}  | ${pct(report.falseAccept).padStart(22)} | ${repeats.padStart(38)} | ${report.trainMs.toFixed(0).padStart(3)} ms`,
  )
}
