import { describe, expect, it } from 'vitest'
import { decideEscalation } from '../../../src/escalation/decide-escalation.js'
import { DEFAULT_ESCALATION_POLICY, type EscalationPolicy } from '../../../src/knowledge/escalation-policy.js'
import { detectEmotion } from '../../../src/nlu/emotion/detect-emotion.js'

const policy: EscalationPolicy = { ...DEFAULT_ESCALATION_POLICY, intents: ['complaint.*', 'service.human'] }
const decide = (question: string, intentId: string | null = null, previousMisses = 0, p = policy) =>
  decideEscalation({ question, intentId, emotion: detectEmotion(question), previousMisses }, p)

describe('decideEscalation', () => {
  it.each([
    ['转人工', null, 0, 'keyword'],
    ['麻烦帮我转人工客服', 'service.human', 0, 'keyword'],
    ['我要找客服！', null, 0, 'keyword'],
    ['幫我轉人工', null, 0, 'keyword'],
    ['我要投訴你們', null, 0, 'emotion'],
    ['再不处理我就去12315投诉', null, 0, 'emotion'],
    ['你们东西质量太差了', 'complaint.quality', 0, 'intent'],
    ['这个问题你们答不上来吗', null, 2, 'misses'],
  ] as const)('%s (intent %s, %i misses before) -> %s', (question, intentId, misses, reason) => {
    expect(decide(question, intentId, misses)?.reason).toBe(reason)
  })

  it.each([
    ['我的快递到哪了', 'logistics.track', 0],
    ['不用转人工了，已经好了', null, 0],
    ['我不是要投诉，就是问问进度', null, 0],
    ['怎么还没发货', 'logistics.track', 0],
    ['这个问题你们答不上来吗', null, 1],
    ['能开发票吗', 'invoice.request', 5],
  ] as const)('%s (intent %s, %i misses before) -> no escalation', (question, intentId, misses) => {
    expect(decide(question, intentId, misses)).toBeNull()
  })

  it('explains the trigger in Chinese for the agent', () => {
    expect(decide('转人工')).toEqual({ reason: 'keyword', detail: '客户要求人工：转人工' })
    expect(decide('嗯？', null, 2)).toEqual({ reason: 'misses', detail: '同一客户连续 3 次没有匹配到答案' })
    expect(decide('再不处理我就去12315投诉')!.detail).toMatch(/^情绪严重（.*12315.*）$/)
  })

  it('lets each rule be turned off', () => {
    const off: EscalationPolicy = { keywords: [], intents: [], emotion: 'none', consecutiveMisses: 0 }
    for (const [q, intent, misses] of [['转人工', null, 0], ['去12315投诉', null, 0], ['质量太差', 'complaint.quality', 0], ['嗯？', null, 9]] as const) {
      expect(decide(q, intent, misses, off)).toBeNull()
    }
  })

  it('escalates moderate emotion when the policy says so', () => {
    const strict: EscalationPolicy = { ...policy, emotion: 'moderate' }
    expect(decide('等了一个星期了还不发货，太过分了！！', 'logistics.track', 0, strict)?.reason).toBe('emotion')
    expect(decide('等了一个星期了还不发货，太过分了！！', 'logistics.track', 0)).toBeNull()
  })
})
