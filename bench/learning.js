// @ts-check
/**
 * bench/learning: what accepted 学习候选 do for the matcher, measured on questions that are NOT among them.
 *
 * Each accepted candidate goes the way the console takes it: written into learned.yaml by the same writer
 * (addLearnedExample) and read back by the knowledge parser, so the figures include that round trip.
 *
 * 1. Shipped knowledge (knowledge/, always; offline). There is no labelled set of customer questions for it, so
 *    each intent keeps its first 3 examples as the knowledge base and the rest become "customer questions":
 *    alternately a held-out evaluation question and a candidate. The knowledge base is evaluated on the held-out
 *    half before and after N candidates are accepted (written to learned.yaml in a temporary copy of the folder,
 *    loaded with loadKnowledge as the bot does).
 * 2. nlu-dev (optional: read at run time from ../shared/nlu-dev next to the repo; research-licensed, so nothing
 *    from it is copied or printed beyond aggregate figures). Test questions of each intent alternate between the
 *    evaluation half and the candidates half; negatives measure false accepts. Candidates come in the order agents
 *    produce them: fixes of questions the baseline gets wrong first, then sent-as-drafted ones it gets right.
 *    learned.yaml is written in memory only and parsed back; its examples train as extra examples.
 *
 * Ratios are against the baseline (N = 0) of the same run. "accepted asked again" is the loop's direct effect: of the
 * accepted questions, how many the bot now answers with their intent.
 *
 *   npm run bench            (all benches)
 *   npm run build && node bench/learning.js
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { loadKnowledge, formatProblem } from '../dist/knowledge/load-knowledge.js'
import { parseKnowledgeFile } from '../dist/knowledge/parse-knowledge-file.js'
import { addLearnedExample, LEARNED_FILE } from '../dist/learning/learned-yaml.js'
import { decideIntent } from '../dist/nlu/decide-intent.js'
import { evaluateMatcher, parseEvalCases } from '../dist/nlu/evaluate-matcher.js'
import { trainIntentMatcher } from '../dist/nlu/intent-matcher.js'

const REPO = path.resolve(import.meta.dirname, '..')
const DEV = path.resolve(REPO, '..', 'shared', 'nlu-dev')
const STEPS = [0, 5, 10, 20, 40, Infinity]
const SEED_EXAMPLES = 3

/** @typedef {{ text: string, expect: string | null }} Case */

const pct = (/** @type {number} */ v) => `${(v * 100).toFixed(1)}%`.padStart(6)
const ratio = (/** @type {number} */ v, /** @type {number} */ base) => (base === 0 ? '   -' : `${(v / base).toFixed(2)}x`)

/** learned.yaml text for these candidates, as the console writes it. */
function learnedYaml(/** @type {Case[]} */ accepted) {
  /** @type {string | undefined} */
  let text
  for (const c of accepted) text = addLearnedExample(text, { intentId: /** @type {string} */ (c.expect), text: c.text, provenance: 'bench 采纳' })
  return text
}

/** Of the accepted questions, how many the bot now answers with their intent when asked again (the loop's direct effect). */
async function repeatsRight(/** @type {import('../dist/knowledge/knowledge-base.js').KnowledgeBase} */ kb, /** @type {Case[]} */ used, /** @type {Array<{ intentId: string, text: string }>} */ extraExamples = []) {
  if (used.length === 0) return '-'
  const matcher = await trainIntentMatcher(kb, { extraExamples })
  let right = 0
  for (const c of used) {
    const result = decideIntent(await matcher.match(c.text), kb)
    if (result.decision === 'accept' && result.intent?.intentId === c.expect) right++
  }
  return `${right}/${used.length}`
}

/** @param {string} label @param {number[]} steps @param {(n: number) => Promise<{ accuracy: number, top1: number, falseAccept: number, negatives: number, trainMs: number, used: number, ofMisses?: number, repeats: string }>} run */
async function table(label, steps, run) {
  console.log(`  ${label}`)
  console.log('    accepted  of misses | held-out accuracy  ratio |  top-1  ratio | falseAccept | accepted asked again: right | train')
  let base
  for (const step of steps) {
    const r = await run(step)
    base ??= r
    const n = step === Infinity ? `all ${r.used}` : String(r.used)
    console.log(
      `    ${n.padStart(8)}  ${String(r.ofMisses ?? '-').padStart(9)} | ${pct(r.accuracy).padStart(17)}  ${ratio(r.accuracy, base.accuracy).padStart(5)} | ${pct(r.top1)}  ${ratio(r.top1, base.top1).padStart(5)} | ${r.negatives === 0 ? '          -' : pct(r.falseAccept).padStart(11)} | ${r.repeats.padStart(27)} | ${r.trainMs.toFixed(0).padStart(4)} ms`,
    )
  }
}

// 1. Shipped knowledge, through learned.yaml files in a temporary copy of the folder.
{
  const shipped = await loadKnowledge(path.join(REPO, 'knowledge'))
  if (!shipped.ok) throw new Error(`knowledge/ does not load:\n${shipped.problems.map(formatProblem).join('\n')}`)
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'qundesk-bench-learning-'))
  try {
    await fs.cp(path.join(REPO, 'knowledge'), tmp, { recursive: true })
    // Cut every intent down to its seed examples; the rest are the customers' questions.
    /** @type {Case[]} */ const heldOut = []
    /** @type {Case[]} */ const candidates = []
    const bySeed = new Map()
    for (const intent of shipped.kb.intents) {
      bySeed.set(intent.id, intent.examples.slice(0, SEED_EXAMPLES))
      intent.examples.slice(SEED_EXAMPLES).forEach((text, i) => (i % 2 === 0 ? heldOut : candidates).push({ text, expect: intent.id }))
    }
    const { parseDocument } = await import('yaml')
    for (const file of await fs.readdir(tmp)) {
      if (!/\.ya?ml$/.test(file)) continue
      const doc = parseDocument(await fs.readFile(path.join(tmp, file), 'utf8'))
      const intents = doc.get('intents')
      if (!intents || typeof intents !== 'object' || !('items' in intents)) continue
      for (const item of /** @type {any} */ (intents).items) {
        const seed = bySeed.get(item.get('id'))
        if (seed) item.set('examples', doc.createNode(seed))
      }
      await fs.writeFile(path.join(tmp, file), doc.toString())
    }
    const bySeedTotal = [...bySeed.values()].reduce((n, e) => n + e.length, 0)
    const steps = STEPS.filter((s) => s === Infinity || s < candidates.length)
    console.log(`bench/learning  shipped knowledge: ${shipped.kb.intents.length} intents cut to ${SEED_EXAMPLES} examples each; ${heldOut.length} held-out questions, ${candidates.length} candidates (accepted in file order, round-robin over intents)`)
    // Round-robin over intents, so the first N accepted spread like real traffic rather than filling one intent.
    const byIntent = new Map()
    for (const c of candidates) byIntent.set(c.expect, [...(byIntent.get(c.expect) ?? []), c])
    /** @type {Case[]} */ const ordered = []
    for (let round = 0; ordered.length < candidates.length; round++) for (const list of byIntent.values()) if (list[round]) ordered.push(list[round])
    await table('(learned.yaml written and loaded with loadKnowledge, as after 采纳)', steps, async (step) => {
      const used = ordered.slice(0, step)
      const yaml = learnedYaml(used)
      if (yaml) await fs.writeFile(path.join(tmp, LEARNED_FILE), yaml)
      else await fs.rm(path.join(tmp, LEARNED_FILE), { force: true })
      const loaded = await loadKnowledge(tmp)
      if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'))
      const report = await evaluateMatcher(loaded.kb, heldOut)
      const examples = loaded.kb.intents.reduce((n, i) => n + i.examples.length, 0)
      if (examples !== bySeedTotal + used.length) throw new Error(`learned.yaml did not load: ${examples} examples`)
      return { ...report, used: used.length, repeats: await repeatsRight(loaded.kb, used) }
    })
  } finally {
    await fs.rm(tmp, { recursive: true, force: true })
  }
}

// 2. nlu-dev, when present.
{
  const casesFile = path.join(DEV, 'cases.json')
  const kbDir = path.join(DEV, 'knowledge-yaml')
  const present = await Promise.all([casesFile, kbDir].map((p) => fs.access(p).then(() => true, () => false)))
  if (present.includes(false)) {
    console.log(`bench/learning  nlu-dev skipped: not at ${DEV} (needs cases.json and knowledge-yaml/)`)
  } else {
    const loaded = await loadKnowledge(kbDir)
    const kb = loaded.ok ? loaded.kb : undefined
    if (!kb) throw new Error(`nlu-dev knowledge does not load:\n${(loaded.ok ? [] : loaded.problems).map(formatProblem).join('\n')}`)
    const cases = parseEvalCases(JSON.parse(await fs.readFile(casesFile, 'utf8')))
    /** @type {Case[]} */ const evaluation = []
    /** @type {Case[]} */ const candidates = []
    const seenPerIntent = new Map()
    for (const c of cases) {
      if (c.expect === null) continue
      const index = seenPerIntent.get(c.expect) ?? 0
      seenPerIntent.set(c.expect, index + 1)
      ;(index % 2 === 0 ? evaluation : candidates).push(c)
    }
    const negatives = cases.filter((c) => c.expect === null)
    const baseline = await trainIntentMatcher(kb)
    /** @type {Case[]} */ const misses = []
    /** @type {Case[]} */ const hits = []
    for (const c of candidates) {
      const result = decideIntent(await baseline.match(c.text), kb)
      ;(result.decision === 'accept' && result.intent?.intentId === c.expect ? hits : misses).push(c)
    }
    const ordered = [...misses, ...hits]
    const steps = STEPS.filter((s) => s === Infinity || s < ordered.length)
    console.log(`bench/learning  nlu-dev: ${kb.intents.length} intents; ${evaluation.length} held-out questions, ${candidates.length} candidates (${misses.length} fixes of baseline misses, then ${hits.length} sent as drafted), ${negatives.length} negatives`)
    await table('(learned.yaml written in memory, parsed back, trained as the bot trains)', steps, async (step) => {
      const used = ordered.slice(0, step)
      const yaml = learnedYaml(used)
      const learned = yaml ? parseKnowledgeFile(yaml, LEARNED_FILE).learned ?? [] : []
      const extraExamples = learned.flatMap((l) => l.examples.map((text) => ({ intentId: l.intentId, text })))
      if (extraExamples.length !== used.length) throw new Error('learned.yaml did not round-trip')
      const report = await evaluateMatcher(kb, [...evaluation, ...negatives], { extraExamples })
      return { ...report, used: used.length, ofMisses: used.filter((c) => misses.includes(c)).length, repeats: await repeatsRight(kb, used, extraExamples) }
    })
  }
}
