import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  acceptCurve, autoSendCurve, chooseAcceptThreshold, chooseAutoSendThreshold, heldOutTop1, thresholdGrid,
  type AutoSendPoint, type CurvePoint, type DecideAt, type HeldOutQuestion,
} from '../../../src/nlu/calibration-curve.js'

/** The shape of decideIntent without per-intent thresholds: accept the best at or above S, confident at or above A. */
const decide: DecideAt = ({ top }, band) => {
  const best = top[0]
  if (!best || best.score < band.suggest) return { intentId: null, confident: false }
  return { intentId: best.intentId, confident: best.score >= band.autoSend }
}
const listed = (intentId: string, best: string, score: number): HeldOutQuestion => ({ kind: 'listed', text: 'q', intentId, top: [{ intentId: best, score }], source: 0 })
const unlisted = (score: number): HeldOutQuestion => ({ kind: 'unlisted', text: 'q', intentId: 'gone', top: [{ intentId: 'other', score }], source: 0 })

describe('thresholdGrid', () => {
  it.each([
    [0.1, 0.3, 0.1, [0.1, 0.2, 0.3]],
    [0.05, 0.1, 0.01, [0.05, 0.06, 0.07, 0.08, 0.09, 0.1]],
    [0.5, 0.5, 0.01, [0.5]],
  ])('from %d to %d by %d', (from, to, step, grid) => {
    expect(thresholdGrid(from, to, step)).toEqual(grid)
  })
})

describe('acceptCurve', () => {
  // Hand-computed: 4 listed (right at 0.6 and 0.4, wrong intent at 0.5, right at 0.2), 2 unlisted (0.45, 0.1).
  const questions = [listed('a', 'a', 0.6), listed('a', 'a', 0.4), listed('b', 'a', 0.5), listed('b', 'b', 0.2), unlisted(0.45), unlisted(0.1)]
  it.each([
    // threshold, accuracy, wrongAccept, miss, falseAccept
    [0.1, 3 / 4, 1 / 4, 0, 2 / 2],
    [0.3, 2 / 4, 1 / 4, 1 / 4, 1 / 2],
    [0.45, 1 / 4, 1 / 4, 2 / 4, 1 / 2],
    [0.55, 1 / 4, 0, 3 / 4, 0],
    [0.7, 0, 0, 1, 0],
  ])('at %d: accuracy %d, wrong %d, miss %d, false accept %d', (threshold, accuracy, wrongAccept, miss, falseAccept) => {
    expect(acceptCurve(questions, [threshold], decide)).toEqual([{ threshold, accuracy, wrongAccept, miss, falseAccept }])
  })

  it('gives top-1 over listed questions only', () => {
    expect(heldOutTop1(questions)).toBe(3 / 4)
  })
})

describe('chooseAcceptThreshold', () => {
  const point = (threshold: number, accuracy: number, falseAccept: number): CurvePoint => ({ threshold, accuracy, falseAccept, wrongAccept: 0, miss: 1 - accuracy })
  it.each([
    ['the best accuracy within the target', [point(0.2, 0.9, 0.2), point(0.3, 0.8, 0.05), point(0.4, 0.7, 0.01)], 0.05, 0.3, true],
    ['the middle of a plateau of equal accuracy', [point(0.2, 0.9, 0.2), point(0.3, 0.8, 0.05), point(0.4, 0.8, 0.03), point(0.5, 0.8, 0.02), point(0.6, 0.5, 0)], 0.05, 0.4, true],
    ['the strictest point when nothing meets the target', [point(0.2, 0.9, 0.3), point(0.3, 0.8, 0.2), point(0.4, 0.7, 0.2)], 0.05, 0.4, false],
  ] as const)('%s', (_name, curve, target, threshold, met) => {
    expect(chooseAcceptThreshold(curve, target)).toMatchObject({ threshold, met })
  })

  it('has nothing to choose from an empty curve', () => {
    expect(chooseAcceptThreshold([], 0.05)).toBeUndefined()
  })
})

describe('chooseAutoSendThreshold', () => {
  const point = (threshold: number, autoWrong: number, autoFalse: number): AutoSendPoint => ({ threshold, autoSent: 1 - threshold, autoWrong, autoFalse })
  it.each([
    ['the lowest threshold within the target', [point(0.3, 0.05, 0), point(0.4, 0.01, 0.01), point(0.5, 0, 0)], 0.01, 0.4, true],
    ['both kinds of error count', [point(0.3, 0, 0.05), point(0.4, 0, 0.02), point(0.5, 0, 0.01)], 0.01, 0.5, true],
    ['the strictest point when nothing meets it', [point(0.3, 0.05, 0), point(0.4, 0.03, 0.02), point(0.5, 0.03, 0)], 0.01, 0.5, false],
  ] as const)('%s', (_name, curve, target, threshold, met) => {
    expect(chooseAutoSendThreshold(curve, target)).toMatchObject({ threshold, met })
  })

  it('decides auto-send at or above the accept threshold only', () => {
    const curve = autoSendCurve([listed('a', 'a', 0.6), listed('b', 'a', 0.55), unlisted(0.7)], 0.5, [0.4, 0.5, 0.58, 0.65, 0.75], decide)
    expect(curve).toEqual([
      { threshold: 0.5, autoSent: 1 / 2, autoWrong: 1 / 2, autoFalse: 1 },
      { threshold: 0.58, autoSent: 1 / 2, autoWrong: 0, autoFalse: 1 },
      { threshold: 0.65, autoSent: 0, autoWrong: 0, autoFalse: 1 },
      { threshold: 0.75, autoSent: 0, autoWrong: 0, autoFalse: 0 },
    ])
  })
})

const score = fc.double({ min: 0, max: 1, noNaN: true })
const question: fc.Arbitrary<HeldOutQuestion> = fc.oneof(
  fc.record({ intent: fc.constantFrom('a', 'b', 'c'), best: fc.constantFrom('a', 'b', 'c'), score }).map((q) => listed(q.intent, q.best, q.score)),
  score.map(unlisted),
)
const questions = fc.array(question, { minLength: 1, maxLength: 60 })
const grid = thresholdGrid(0.05, 0.95, 0.05)

describe('calibration properties', () => {
  it('each point splits the listed questions into right, wrong and missed', () => {
    fc.assert(fc.property(questions, (qs) => {
      for (const p of acceptCurve(qs, grid, decide)) {
        const listedCount = qs.filter((q) => q.kind === 'listed').length
        expect(p.accuracy + p.wrongAccept + p.miss).toBeCloseTo(listedCount === 0 ? 0 : 1, 9)
      }
    }))
  })

  it('a stricter threshold never accepts more (accuracy and false accepts fall or stay)', () => {
    fc.assert(fc.property(questions, (qs) => {
      const curve = acceptCurve(qs, grid, decide)
      for (let i = 1; i < curve.length; i++) {
        expect(curve[i]!.falseAccept).toBeLessThanOrEqual(curve[i - 1]!.falseAccept)
        expect(curve[i]!.accuracy).toBeLessThanOrEqual(curve[i - 1]!.accuracy)
      }
    }))
  })

  it('the chosen threshold meets the target with the best accuracy of those that do, or no point meets it', () => {
    fc.assert(fc.property(questions, fc.double({ min: 0, max: 1, noNaN: true }), (qs, target) => {
      const curve = acceptCurve(qs, grid, decide)
      const choice = chooseAcceptThreshold(curve, target)!
      const feasible = curve.filter((p) => p.falseAccept <= target)
      expect(choice.met).toBe(feasible.length > 0)
      if (choice.met) {
        expect(choice.point.falseAccept).toBeLessThanOrEqual(target)
        for (const p of feasible) expect(p.accuracy).toBeLessThanOrEqual(choice.point.accuracy)
      } else {
        for (const p of curve) expect(p.falseAccept).toBeGreaterThanOrEqual(choice.point.falseAccept)
      }
    }))
  })

  it('the auto-send choice is at or above the accept threshold and within the target when met', () => {
    fc.assert(fc.property(questions, fc.constantFrom(...grid), fc.double({ min: 0, max: 0.2, noNaN: true }), (qs, suggest, target) => {
      const choice = chooseAutoSendThreshold(autoSendCurve(qs, suggest, grid, decide), target)!
      expect(choice.threshold).toBeGreaterThanOrEqual(suggest)
      if (choice.met) expect(Math.max(choice.point.autoWrong, choice.point.autoFalse)).toBeLessThanOrEqual(target)
    }))
  })
})
