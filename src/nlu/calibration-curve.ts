import type { ScoredIntent } from './intent-matcher.js'

/**
 * One question held out of a knowledge base, with the ranking a matcher trained without it gave.
 * - `listed`: an example held out of its own intent (leave-one-example-out): the intent is still known, so the
 *   right decision is that intent.
 * - `unlisted`: an example of an intent left out altogether (leave-one-intent-out): an in-domain question the
 *   knowledge does not cover, so the right decision is "needs a human" and any accept is a false accept.
 */
export interface HeldOutQuestion {
  kind: 'listed' | 'unlisted'
  text: string
  /** The intent the example belongs to (for `unlisted`, the one the fold left out). */
  intentId: string
  top: readonly ScoredIntent[]
  /** Which of several knowledge bases calibrated together it came from (index); 0 when there is one. */
  source: number
}

/**
 * What the bot does with a held-out question's ranking under a global band (with the question's knowledge base):
 * the accepted intent (null: needs a human) and whether it is confident (auto-sendable).
 */
export type DecideAt = (question: HeldOutQuestion, band: { suggest: number; autoSend: number }) => { intentId: string | null; confident: boolean }

/** The held-out questions decided at one accept threshold (S); shares of `listed` or of `unlisted` questions. */
export interface CurvePoint {
  threshold: number
  /** Listed questions accepted with their own intent. */
  accuracy: number
  /** Listed questions accepted with another intent. */
  wrongAccept: number
  /** Listed questions sent to a human. accuracy + wrongAccept + miss = 1. */
  miss: number
  /** Unlisted questions accepted with some intent. */
  falseAccept: number
}

/** The held-out questions decided with a fixed S and one auto-send threshold (A). */
export interface AutoSendPoint {
  threshold: number
  /** Listed questions that would go out without an agent, with their own intent. */
  autoSent: number
  /** Listed questions that would go out without an agent, with another intent. */
  autoWrong: number
  /** Unlisted questions that would go out without an agent. */
  autoFalse: number
}

export interface ThresholdChoice<P> {
  threshold: number
  /** False when no threshold met the target: then the strictest point (fewest errors, highest threshold). */
  met: boolean
  point: P
}

/**
 * Thresholds from `from` to `to` in steps of `step`, rounded to the step's decimals (no 0.30000000000000004).
 *
 * @example
 * thresholdGrid(0.1, 0.3, 0.1) // [0.1, 0.2, 0.3]
 */
export function thresholdGrid(from = 0.05, to = 0.95, step = 0.01): number[] {
  const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9))
  const grid: number[] = []
  for (let i = 0; from + i * step <= to + step / 2; i++) grid.push(Number((from + i * step).toFixed(decimals)))
  return grid
}

/**
 * Decides every held-out question at each accept threshold (auto-send plays no part here) and returns the curve.
 * Pure: `decide` is the bot's own decision (`decideIntent` with the band in place of the global one).
 *
 * @example
 * const curve = acceptCurve(questions, thresholdGrid(), (q, band) => { const d = decideIntent(q.top, withBand(kb, band)); return { intentId: d.intent?.intentId ?? null, confident: d.confident } })
 */
export function acceptCurve(questions: readonly HeldOutQuestion[], thresholds: readonly number[], decide: DecideAt): CurvePoint[] {
  const listed = questions.filter((q) => q.kind === 'listed')
  const unlisted = questions.filter((q) => q.kind === 'unlisted')
  return thresholds.map((threshold) => {
    const band = { suggest: threshold, autoSend: threshold }
    let right = 0
    let wrong = 0
    for (const q of listed) {
      const got = decide(q, band).intentId
      if (got === q.intentId) right++
      else if (got !== null) wrong++
    }
    const falseAccepts = unlisted.filter((q) => decide(q, band).intentId !== null).length
    return {
      threshold,
      accuracy: share(right, listed.length),
      wrongAccept: share(wrong, listed.length),
      miss: share(listed.length - right - wrong, listed.length),
      falseAccept: share(falseAccepts, unlisted.length),
    }
  })
}

/**
 * With the accept threshold fixed at `suggest`, decides every held-out question at each auto-send threshold.
 *
 * @example
 * autoSendCurve(questions, 0.3, thresholdGrid(0.3), decide)
 */
export function autoSendCurve(questions: readonly HeldOutQuestion[], suggest: number, thresholds: readonly number[], decide: DecideAt): AutoSendPoint[] {
  const listed = questions.filter((q) => q.kind === 'listed')
  const unlisted = questions.filter((q) => q.kind === 'unlisted')
  return thresholds.filter((t) => t >= suggest).map((threshold) => {
    const band = { suggest, autoSend: threshold }
    let sent = 0
    let wrong = 0
    for (const q of listed) {
      const d = decide(q, band)
      if (!d.confident || d.intentId === null) continue
      if (d.intentId === q.intentId) sent++
      else wrong++
    }
    const falseSent = unlisted.filter((q) => decide(q, band).confident).length
    return { threshold, autoSent: share(sent, listed.length), autoWrong: share(wrong, listed.length), autoFalse: share(falseSent, unlisted.length) }
  })
}

/**
 * The accept threshold to propose: among the points whose false-accept rate meets `target`, those with the best
 * accuracy; of these, the middle one (a plateau's middle is as far as the held-out data allows from both the
 * accuracy drop above it and the false accepts below it). When no point meets the target, the point with the fewest
 * false accepts (the highest such threshold), with `met: false`. Undefined for an empty curve.
 *
 * @example
 * chooseAcceptThreshold(curve, 0.05) // { threshold: 0.31, met: true, point: { accuracy: 0.82, falseAccept: 0.046, ... } }
 */
export function chooseAcceptThreshold(curve: readonly CurvePoint[], target: number): ThresholdChoice<CurvePoint> | undefined {
  if (curve.length === 0) return undefined
  const sorted = [...curve].sort((a, b) => a.threshold - b.threshold)
  const feasible = sorted.filter((p) => p.falseAccept <= target)
  if (feasible.length === 0) {
    const fewest = Math.min(...sorted.map((p) => p.falseAccept))
    const point = sorted.filter((p) => p.falseAccept === fewest).at(-1)!
    return { threshold: point.threshold, met: false, point }
  }
  const best = Math.max(...feasible.map((p) => p.accuracy))
  const tied = feasible.filter((p) => p.accuracy === best)
  const point = tied[Math.floor((tied.length - 1) / 2)]!
  return { threshold: point.threshold, met: true, point }
}

/**
 * The auto-send threshold to propose: the lowest (most questions answered without an agent) at which both wrong
 * auto-sends of listed questions and auto-sends of unlisted ones stay within `target`. When none does, the point
 * with the fewest such errors (highest threshold), with `met: false`. Undefined for an empty curve.
 *
 * @example
 * chooseAutoSendThreshold(autoSendCurve(questions, 0.3, thresholdGrid(), decide), 0.01)
 */
export function chooseAutoSendThreshold(curve: readonly AutoSendPoint[], target: number): ThresholdChoice<AutoSendPoint> | undefined {
  if (curve.length === 0) return undefined
  const sorted = [...curve].sort((a, b) => a.threshold - b.threshold)
  const errors = (p: AutoSendPoint) => Math.max(p.autoWrong, p.autoFalse)
  const point = sorted.find((p) => errors(p) <= target)
  if (point) return { threshold: point.threshold, met: true, point }
  const fewest = Math.min(...sorted.map(errors))
  const strictest = sorted.filter((p) => errors(p) === fewest).at(-1)!
  return { threshold: strictest.threshold, met: false, point: strictest }
}

/** Listed questions whose best-ranked intent is their own, whatever the threshold. */
export function heldOutTop1(questions: readonly HeldOutQuestion[]): number {
  const listed = questions.filter((q) => q.kind === 'listed')
  return share(listed.filter((q) => q.top[0]?.intentId === q.intentId).length, listed.length)
}

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole
}
