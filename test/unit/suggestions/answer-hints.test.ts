import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createKnowledgeBase, type Intent } from '../../../src/knowledge/knowledge-base.js'
import { answerHints } from '../../../src/suggestions/answer-hints.js'

const intent = (id: string, answer: string): Intent => ({ id, examples: [id], answer, autoSend: false, source: { file: 'h.yaml', line: 1 } })
const kb = createKnowledgeBase(
  [intent('logistics.track', '{{name}}您好，查物流请打开「我的订单」。'), intent('invoice.issue', '发票在订单详情里申请。'), intent('returns.refund', '退款 1-3 天到账。'), intent('service.hours', '客服 9 点到 21 点在线。')],
  ['h.yaml'],
  { bands: { global: { suggest: 0.5 }, groups: [{ match: 'VIP客户群', suggest: 0.8 }] } },
)

describe('answerHints', () => {
  it('offers nothing when the bot accepted an intent: the suggestion carries its answer', () => {
    expect(answerHints([{ intentId: 'logistics.track', score: 0.6 }], kb, '张三')).toEqual([])
  })

  it('offers the near misses, at least half the threshold, best first, rendered for the member', () => {
    const hints = answerHints([
      { intentId: 'logistics.track', score: 0.41 },
      { intentId: 'invoice.issue', score: 0.25 },
      { intentId: 'returns.refund', score: 0.24 },
    ], kb, '张三')
    expect(hints).toEqual([
      { intentId: 'logistics.track', score: 0.41, answer: '张三您好，查物流请打开「我的订单」。' },
      { intentId: 'invoice.issue', score: 0.25, answer: '发票在订单详情里申请。' },
    ])
  })

  it("measures against the group's stricter band: what the group would not accept is a hint there", () => {
    const top = [{ intentId: 'logistics.track', score: 0.6 }]
    expect(answerHints(top, kb, '张三', { id: 'r@chatroom', name: 'VIP客户群' })).toHaveLength(1)
  })

  it('skips intents the knowledge no longer has, and offers at most three', () => {
    expect(answerHints([{ intentId: 'gone.intent', score: 0.45 }], kb, '张三')).toEqual([])
    const many = ['logistics.track', 'invoice.issue', 'returns.refund', 'service.hours'].map((intentId) => ({ intentId, score: 0.4 }))
    expect(answerHints(many, kb, '张三')).toHaveLength(3)
  })

  it('keeps any member name safe in the rendered answer (no mentions, no control or bidi characters)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (name) => {
      for (const hint of answerHints([{ intentId: 'logistics.track', score: 0.4 }], kb, name)) {
        expect(hint.answer).not.toMatch(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/)
        expect(hint.answer).not.toContain('@')
        expect(hint.answer.endsWith('您好，查物流请打开「我的订单」。')).toBe(true)
      }
    }))
  })
})
