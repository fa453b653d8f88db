import { describe, expect, it } from 'vitest'
import { decideAiDraft } from '../../../src/drafting/decide-ai-draft.js'
import { countTokens, draftCost, estimateTokens } from '../../../src/drafting/draft-cost.js'

const waiting = { kind: 'needs_human', status: 'pending', text: null, groupId: 'r1@chatroom', groupName: 'VIP客户群' }
const top = [{ intentId: 'a', score: 0.4 }, { intentId: 'b', score: 0.3 }, { intentId: 'gone', score: 0.2 }, { intentId: 'c', score: 0.1 }, { intentId: 'd', score: 0.05 }]
const known = (id: string) => id !== 'gone'

describe('decideAiDraft', () => {
  it('asks for a needs-human item in an opted-in group (by name or id), from the best three intents that have answers', () => {
    expect(decideAiDraft(waiting, ['VIP客户群'], top, known)).toEqual(['a', 'b', 'c'])
    expect(decideAiDraft(waiting, ['r1@chatroom'], top, known)).toEqual(['a', 'b', 'c'])
  })

  it.each([
    ['a group not opted in', waiting, ['闲聊群']],
    ['no group opted in (the default)', waiting, []],
    ['an answered question', { ...waiting, kind: 'answer', text: '可以开发票' }, ['VIP客户群']],
    ['an item that already has a draft', { ...waiting, text: '草稿' }, ['VIP客户群']],
    ['an item already decided', { ...waiting, status: 'sent' }, ['VIP客户群']],
    ['a tag action', { ...waiting, kind: 'outreach' }, ['VIP客户群']],
  ])('asks nothing for %s', (_what, suggestion, groups) => {
    expect(decideAiDraft(suggestion, groups, top, known)).toBeNull()
  })

  it('asks nothing when the matcher ranked no intent with an answer (nothing to ground the draft in)', () => {
    expect(decideAiDraft(waiting, ['VIP客户群'], [], known)).toBeNull()
    expect(decideAiDraft(waiting, ['VIP客户群'], [{ intentId: 'gone', score: 0.5 }, { intentId: 'a', score: 0 }], known)).toBeNull()
  })
})

describe('token counts and cost', () => {
  it('takes the server usage when there is one, else estimates (about a token per Chinese character, one per 4 other characters)', () => {
    expect(countTokens([], '好', { promptTokens: 10, completionTokens: 2 })).toEqual({ promptTokens: 10, completionTokens: 2, estimated: false })
    expect(estimateTokens('您好，请问能开发票吗')).toBe(10)
    expect(estimateTokens('hello world!')).toBe(3)
    const estimated = countTokens([{ role: 'user', content: '能开发票吗' }], '可以', null)
    expect(estimated).toEqual({ promptTokens: 2 + 4 + 5, completionTokens: 2, estimated: true })
  })

  it('prices tokens per 1000 at the configured rates', () => {
    expect(draftCost({ promptTokens: 1000, completionTokens: 500 }, { input: 0.002, output: 0.006 })).toBe(0.005)
    expect(draftCost({ promptTokens: 1000, completionTokens: 500 }, { input: 0, output: 0 })).toBe(0)
  })
})
