import { describe, expect, it } from 'vitest'
import { createKnowledgeBase, type Intent } from '../../../src/knowledge/knowledge-base.js'
import type { Band } from '../../../src/knowledge/matching-bands.js'
import { decideIntent } from '../../../src/nlu/decide-intent.js'

const intent = (id: string, extra: Partial<Intent> = {}): Intent => ({ id, examples: ['例句'], answer: '回答', autoSend: true, source: { file: 'test.yaml', line: 1 }, ...extra })

/** Intents `a` (with `own` thresholds) and `b`, the global band, and a band for the group `match` names. */
function kbWith(own: Partial<Intent> = {}, global: Band = {}, group?: Band, match = 'VIP客户群') {
  return createKnowledgeBase([intent('a', own), intent('b')], ['test.yaml'], { bands: { global, groups: group ? [{ ...group, match }] : [] } })
}
const ranking = (score: number, runnerUp = 0) => [{ intentId: 'a', score }, { intentId: 'b', score: runnerUp }]
const VIP = { id: 'vip@chatroom', name: 'VIP客户群' }

describe('decideIntent', () => {
  it.each([
    // score, runner-up, intent's own, global band, group band -> decision, confident, threshold, bands
    ['defaults: accept at 0.49', 0.5, 0, {}, {}, undefined, 'accept', false, 0.49, 'default'],
    ['defaults: reject below 0.49', 0.45, 0, {}, {}, undefined, 'reject', false, 0.49, 'default'],
    ['defaults: confident at 0.59', 0.6, 0, {}, {}, undefined, 'accept', true, 0.49, 'default'],
    ['global band', 0.3, 0, {}, { suggest: 0.35 }, undefined, 'reject', false, 0.35, 'matching:'],
    ['the intent band over the global one', 0.3, 0, { threshold: 0.2 }, { suggest: 0.35 }, undefined, 'accept', false, 0.2, 'intent a'],
    ["the intent's auto-send threshold", 0.6, 0, { autoSendThreshold: 0.7 }, {}, undefined, 'accept', false, 0.49, 'default'],
    ['the global auto-send band', 0.6, 0, {}, { autoSend: 0.7 }, undefined, 'accept', false, 0.49, 'default'],
    ['auto-send never below the accept threshold', 0.45, 0, {}, { suggest: 0.4, autoSend: 0.3 }, undefined, 'accept', true, 0.4, 'matching:'],
    ['a stricter group band raises accept', 0.3, 0, { threshold: 0.2 }, {}, { suggest: 0.4 }, 'reject', false, 0.4, 'intent a + group VIP客户群'],
    ['a stricter group band raises auto-send', 0.6, 0, {}, {}, { autoSend: 0.8 }, 'accept', false, 0.49, 'default + group VIP客户群'],
    ['at or above the group auto-send band', 0.9, 0, {}, {}, { autoSend: 0.8 }, 'accept', true, 0.49, 'default + group VIP客户群'],
    ['a looser group band lowers nothing', 0.3, 0, {}, { suggest: 0.35, autoSend: 0.8 }, { suggest: 0.1, autoSend: 0.2 }, 'reject', false, 0.35, 'matching: + group VIP客户群'],
    ['a looser group band keeps auto-send', 0.6, 0, {}, {}, { autoSend: 0.2 }, 'accept', true, 0.49, 'default + group VIP客户群'],
  ] as const)('%s: score %d, runner-up %d, intent %j, global %j, group %j -> %s, confident %s, threshold %d from %s', (_name, score, runnerUp, own, global, group, decision, confident, threshold, bands) => {
    const result = decideIntent(ranking(score, runnerUp), kbWith(own, global, group), VIP)
    expect(result).toMatchObject({ decision, confident, threshold, bands })
    expect(result.intent).toEqual(decision === 'accept' ? { intentId: 'a', score } : null)
    expect(result.top).toEqual(ranking(score, runnerUp))
  })

  it.each([
    [0.6, 0.5, true],
    [0.6, 0.56, false],
    [0.6, 0.6, false],
  ])('auto-sends only clear of the runner-up by 0.05: score %d, runner-up %d -> confident %s', (score, runnerUp, confident) => {
    expect(decideIntent(ranking(score, runnerUp), kbWith())).toMatchObject({ decision: 'accept', confident })
  })

  it("applies a group's band by the group's id or its name, and no other group's", () => {
    const kb = kbWith({}, {}, { suggest: 0.7 })
    expect(decideIntent(ranking(0.55), kb, { id: 'r1@chatroom', name: 'VIP客户群' }).decision).toBe('reject')
    expect(decideIntent(ranking(0.55), kbWith({}, {}, { suggest: 0.7 }, 'vip@chatroom'), { id: 'vip@chatroom', name: '改过名的群' }).decision).toBe('reject')
    expect(decideIntent(ranking(0.55), kb, { id: 'r2@chatroom', name: '普通客户群' })).toMatchObject({ decision: 'accept', bands: 'default' })
    expect(decideIntent(ranking(0.55), kb)).toMatchObject({ decision: 'accept', bands: 'default' })
  })

  it('rejects an empty ranking, with the threshold that would have applied', () => {
    expect(decideIntent([], kbWith())).toEqual({ decision: 'reject', intent: null, confident: false, top: [], threshold: 0.49, bands: 'default' })
    expect(decideIntent([], kbWith({}, { suggest: 0.3 }, { suggest: 0.4 }), VIP)).toMatchObject({ decision: 'reject', threshold: 0.4, bands: 'matching: + group VIP客户群' })
  })

  it('decides a lone candidate against a runner-up of 0', () => {
    expect(decideIntent([{ intentId: 'a', score: 0.65 }], kbWith())).toMatchObject({ decision: 'accept', confident: true })
  })
})
