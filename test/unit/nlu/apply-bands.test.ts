import { describe, expect, it } from 'vitest'
import { applyBands } from '../../../src/nlu/apply-bands.js'
import type { MatchResult } from '../../../src/nlu/intent-matcher.js'

const match = (score: number, runnerUp = 0): MatchResult => ({
  decision: 'reject', intent: null, confident: false, threshold: 0.25,
  top: [{ intentId: 'a', score }, { intentId: 'b', score: runnerUp }],
})

describe('applyBands', () => {
  it.each([
    // score, runner-up, intent band, global band, group band -> decision, confident, threshold
    [0.3, 0, {}, {}, undefined, 'accept', false, 0.25],
    [0.2, 0, {}, {}, undefined, 'reject', false, 0.25],
    [0.6, 0, {}, {}, undefined, 'accept', true, 0.25],
    [0.6, 0.58, {}, {}, undefined, 'accept', false, 0.25],
    [0.3, 0, {}, { suggest: 0.35 }, undefined, 'reject', false, 0.35],
    [0.3, 0, { suggest: 0.2 }, { suggest: 0.35 }, undefined, 'accept', false, 0.2],
    [0.3, 0, { suggest: 0.2 }, {}, { suggest: 0.4 }, 'reject', false, 0.4],
    [0.6, 0, {}, {}, { autoSend: 0.8 }, 'accept', false, 0.25],
    [0.9, 0, {}, {}, { autoSend: 0.8 }, 'accept', true, 0.25],
    [0.6, 0, { autoSend: 0.7 }, {}, undefined, 'accept', false, 0.25],
    [0.45, 0, {}, { suggest: 0.4, autoSend: 0.3 }, undefined, 'accept', true, 0.4],
  ] as const)('score %d (runner-up %d), intent %j, global %j, group %j -> %s, confident %s, threshold %d', (score, runnerUp, intent, global, group, decision, confident, threshold) => {
    const result = applyBands(match(score, runnerUp), { intent, global, group })
    expect(result).toMatchObject({ decision, confident, threshold })
    expect(result.intent?.intentId ?? null).toBe(decision === 'accept' ? 'a' : null)
  })

  it('leaves an empty match alone', () => {
    const empty: MatchResult = { decision: 'reject', intent: null, confident: false, top: [], threshold: 0.25 }
    expect(applyBands(empty, { intent: {}, global: {} })).toBe(empty)
  })
})
