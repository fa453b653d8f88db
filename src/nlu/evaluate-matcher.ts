import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { decideIntent } from './decide-intent.js'
import { trainIntentMatcher } from './intent-matcher.js'
import type { TrainOptions } from './intent-matcher.js'

/** One labelled question: `expect` is the intent id it should match, or null when the bot should stay silent. */
export interface EvalCase {
  text: string
  expect: string | null
}

export interface EvalReport {
  /** Positives whose best-ranked intent is right, ignoring the threshold. */
  top1: number
  /** Positives accepted with the right intent (decided as the bot decides, with the `matching:` bands, in no group). */
  accuracy: number
  /** Negatives (expect null) for which some intent was accepted. */
  falseAccept: number
  positives: number
  negatives: number
  top1Hits: number
  accepted: number
  falseAccepts: number
  trainMs: number
  matchMsMedian: number
  matchMsP99: number
}

/**
 * Validates `{"cases":[{"text": "...", "expect": "intent.id" | null}]}` and returns the cases.
 * Throws an Error naming the first bad case and how to fix it.
 *
 * @example
 * parseEvalCases({ cases: [{ text: '快递到哪了', expect: 'logistics.track' }, { text: '今天天气', expect: null }] })
 */
export function parseEvalCases(json: unknown): EvalCase[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !('cases' in json)) {
    throw new Error('eval file must be an object like {"cases": [{"text": "...", "expect": "intent.id" | null}]}')
  }
  const cases = (json as { cases: unknown }).cases
  if (!Array.isArray(cases)) throw new Error('"cases" must be a list of {"text", "expect"} objects')
  if (cases.length === 0) throw new Error('"cases" is empty — add at least one {"text", "expect"} case')
  return cases.map((item: unknown, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new Error(`cases[${i}] must be an object {"text", "expect"}`)
    const { text, expect } = item as { text?: unknown; expect?: unknown }
    if (typeof text !== 'string' || text.trim() === '') throw new Error(`cases[${i}].text must be a non-empty string`)
    if (expect === undefined) throw new Error(`cases[${i}].expect is missing — use an intent id, or null for questions the bot must not answer`)
    if (expect !== null && (typeof expect !== 'string' || expect.trim() === '')) throw new Error(`cases[${i}].expect must be an intent id string or null`)
    return { text, expect: expect === null ? null : expect.trim() }
  })
}

/**
 * Trains a matcher on `kb`, matches and decides every case as the bot would (`decideIntent`, with the knowledge's
 * thresholds and global `matching:` band; group bands do not apply) and reports top-1, accuracy after the
 * threshold, false accepts on negatives, and timings (a match includes its decision). Cases expecting an id the KB
 * does not have count as misses (they cannot be hit).
 *
 * @example
 * const report = await evaluateMatcher(kb, parseEvalCases(JSON.parse(text)))
 * console.log(`top1 ${(report.top1 * 100).toFixed(1)}%  falseAccept ${(report.falseAccept * 100).toFixed(1)}%`)
 */
export async function evaluateMatcher(kb: KnowledgeBase, cases: EvalCase[], options?: TrainOptions): Promise<EvalReport> {
  const trainStart = performance.now()
  const matcher = await trainIntentMatcher(kb, options)
  const trainMs = performance.now() - trainStart

  let positives = 0
  let negatives = 0
  let top1Hits = 0
  let accepted = 0
  let falseAccepts = 0
  const durations: number[] = []
  for (const c of cases) {
    const start = performance.now()
    const result = decideIntent(await matcher.match(c.text), kb)
    durations.push(performance.now() - start)
    if (c.expect === null) {
      negatives++
      if (result.decision === 'accept') falseAccepts++
    } else {
      positives++
      if (result.top[0]?.intentId === c.expect) top1Hits++
      if (result.decision === 'accept' && result.intent?.intentId === c.expect) accepted++
    }
  }
  durations.sort((a, b) => a - b)
  return {
    top1: ratio(top1Hits, positives),
    accuracy: ratio(accepted, positives),
    falseAccept: ratio(falseAccepts, negatives),
    positives,
    negatives,
    top1Hits,
    accepted,
    falseAccepts,
    trainMs,
    matchMsMedian: percentile(durations, 0.5),
    matchMsP99: percentile(durations, 0.99),
  }
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
}
