import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { EscalationReason } from '../../../src/core/vocabulary.js'
import { handoffAckText, type HandoffAckSettings } from '../../../src/escalation/handoff-ack.js'

const DEFAULT = '已为您转接人工客服，请稍候～'
const settings = (over: Partial<HandoffAckSettings> = {}): HandoffAckSettings => ({ handoffAck: DEFAULT, handoffAckByReason: {}, handoffAckByGroup: {}, ...over })

describe('handoffAckText', () => {
  it('uses the default text for any reason and group', () => {
    expect(handoffAckText(settings(), 'keyword', 'r1')).toBe(DEFAULT)
    expect(handoffAckText(settings(), 'sla', 'r2')).toBe(DEFAULT)
  })

  it('prefers a reason\'s own text, then the group\'s, and is silent where either says ""', () => {
    const s = settings({ handoffAckByReason: { keyword: '马上转人工～', sla: '' }, handoffAckByGroup: { vip: 'VIP 专线稍后联系您', quiet: '' } })
    expect(handoffAckText(s, 'keyword', 'vip')).toBe('马上转人工～')
    expect(handoffAckText(s, 'emotion', 'vip')).toBe('VIP 专线稍后联系您')
    expect(handoffAckText(s, 'sla', 'vip')).toBeUndefined()
    expect(handoffAckText(s, 'keyword', 'quiet')).toBeUndefined()
    expect(handoffAckText(s, 'emotion', 'other')).toBe(DEFAULT)
  })

  it('is silent everywhere when the default is empty, unless a reason or group has its own text', () => {
    const s = settings({ handoffAck: '  ', handoffAckByReason: { intent: '投诉已记录，专员马上联系您' } })
    expect(handoffAckText(s, 'keyword', 'r1')).toBeUndefined()
    expect(handoffAckText(s, 'intent', 'r1')).toBe('投诉已记录，专员马上联系您')
  })

  it('never reads a group id such as "__proto__" or "constructor" from the object prototype', () => {
    fc.assert(fc.property(fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'), fc.constantFrom<EscalationReason>('keyword', 'emotion', 'intent', 'misses', 'sla'), (group, reason) => {
      expect(handoffAckText(settings(), reason, group)).toBe(DEFAULT)
    }))
  })
})
