import { beforeAll, describe, expect, it } from 'vitest'
import { createKnowledgeBase } from '../../../src/knowledge/knowledge-base.js'
import type { Intent, KnowledgeBase } from '../../../src/knowledge/knowledge-base.js'
import { formatProblem, loadKnowledge } from '../../../src/knowledge/load-knowledge.js'
import { trainIntentMatcher } from '../../../src/nlu/intent-matcher.js'
import type { IntentMatcher } from '../../../src/nlu/intent-matcher.js'

async function load(dir: string): Promise<KnowledgeBase> {
  const result = await loadKnowledge(dir)
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'))
  return result.kb
}

function intent(id: string, examples: string[], extra: Partial<Intent> = {}): Intent {
  return { id, examples, answer: `${id} 的回答`, autoSend: false, source: { file: 'test.yaml', line: 1 }, ...extra }
}

describe('trainIntentMatcher on a small shop', () => {
  let matcher: IntentMatcher
  beforeAll(async () => {
    matcher = await trainIntentMatcher(await load('test/fixtures/knowledge/small-shop'))
  })

  it('knows how many intents it was trained on', () => {
    expect(matcher.intentCount).toBe(8)
  })

  it.each([
    ['我的包裹到哪了', 'logistics.track'],
    ['我的快递怎么还没到，物流好几天没动了', 'logistics.track'],
    ['几天能发货啊', 'logistics.ship_time'],
    ['退款多久到', 'returns.refund'],
    ['发票怎么开？', 'invoice.request'],
    ['验证码一直收不到', 'account.login'],
    ['积分能换钱吗', 'member.points'],
    ['人工', 'service.human'],
    ['这件衣服我穿什么尺码', 'product.size'],
  ])('accepts the paraphrase %s as %s', async (text, expected) => {
    const result = await matcher.match(text)
    expect(result.decision).toBe('accept')
    expect(result.intent?.intentId).toBe(expected)
    expect(result.top[0]).toEqual(result.intent)
  })

  it.each([['今天天气怎么样'], ['明天会下雨吗'], ['股票涨了吗'], ['买什么股票好'], ['你吃饭了吗'], ['陪我聊聊天'], ['哈哈哈哈'], ['周末一起去爬山吧']])(
    'rejects the off-topic %s',
    async (text) => {
      const result = await matcher.match(text)
      expect(result.decision).toBe('reject')
      expect(result.intent).toBeNull()
      expect(result.confident).toBe(false)
      expect(result.top[0]?.score ?? 0).toBeLessThan(result.threshold)
    },
  )

  it.each([
    ['帐号登录不了', 'account.login'],
    ['帐户登不上', 'account.login'],
  ])('forgives the homophone typo in %s (帐/账)', async (text, expected) => {
    const result = await matcher.match(text)
    expect(result.decision).toBe('accept')
    expect(result.intent?.intentId).toBe(expected)
  })

  it('returns up to three candidates, best first, with scores in [0,1]', async () => {
    const result = await matcher.match('退款什么时候到账')
    expect(result.top.length).toBeGreaterThan(0)
    expect(result.top.length).toBeLessThanOrEqual(3)
    const scores = result.top.map((t) => t.score)
    expect([...scores].sort((a, b) => b - a)).toEqual(scores)
    for (const score of scores) expect(score).toBeGreaterThanOrEqual(0)
    for (const score of scores) expect(score).toBeLessThanOrEqual(1)
  })

  it('is confident on a near-verbatim question and not on a vague one', async () => {
    expect((await matcher.match('退款什么时候到账')).confident).toBe(true)
    const vague = await matcher.match('多久')
    expect(vague.confident).toBe(false)
  })

  it.each([[''], ['   '], ['？？！'], ['😀😀']])('rejects the empty-ish text %j without throwing', async (text) => {
    const result = await matcher.match(text)
    expect(result).toMatchObject({ decision: 'reject', intent: null, confident: false, top: [] })
  })
})

describe('trainIntentMatcher options', () => {
  const kb = createKnowledgeBase(
    [
      intent('shop.hours', ['客服几点上班', '你们几点下班', '周末有人吗', '晚上有客服吗']),
      intent('logistics.delivery', ['发货后几天能到', '快递大概多久到', '寄到北京要几天', '明天能到吗']),
      intent('returns.policy', ['可以退货吗', '支持七天无理由吗', '拆开了还能退吗', '不喜欢能退吗']),
    ],
    ['test.yaml'],
  )

  it('learns from agent-corrected extra examples', async () => {
    const question = '东西不合适寄回去'
    const before = await trainIntentMatcher(kb)
    expect((await before.match(question)).intent?.intentId).not.toBe('returns.policy')
    const after = await trainIntentMatcher(kb, {
      extraExamples: [
        { intentId: 'returns.policy', text: '东西不合适想寄回去' },
        { intentId: 'no.longer.exists', text: '这条会被忽略' },
      ],
    })
    const result = await after.match(question)
    expect(result.decision).toBe('accept')
    expect(result.intent?.intentId).toBe('returns.policy')
  })

  it('applies a per-intent threshold override', async () => {
    const strict = createKnowledgeBase(
      kb.intents.map((i) => (i.id === 'shop.hours' ? { ...i, threshold: 0.99 } : { ...i })),
      ['test.yaml'],
    )
    const loose = await trainIntentMatcher(kb)
    const tight = await trainIntentMatcher(strict)
    const question = '客服几点上班啊'
    expect((await loose.match(question)).decision).toBe('accept')
    const result = await tight.match(question)
    expect(result).toMatchObject({ decision: 'reject', threshold: 0.99 })
    expect(result.top[0]?.intentId).toBe('shop.hours')
  })

  it('takes accept and auto-send thresholds from options', async () => {
    const never = await trainIntentMatcher(kb, { acceptThreshold: 1 })
    expect((await never.match('客服几点上班')).decision).toBe('reject')
    const noAuto = await trainIntentMatcher(kb, { autoSendThreshold: 1 })
    const result = await noAuto.match('客服几点上班')
    expect(result).toMatchObject({ decision: 'accept', confident: false })
  })
})

describe('the shipped knowledge base', () => {
  let kb: KnowledgeBase
  let matcher: IntentMatcher
  beforeAll(async () => {
    const result = await loadKnowledge('knowledge')
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'))
    expect(result.warnings.map(formatProblem)).toEqual([])
    kb = result.kb
    matcher = await trainIntentMatcher(kb)
  })

  it('has at least 30 intents with 5–10 examples and never auto-sends complaints or handoff', () => {
    expect(kb.intents.length).toBeGreaterThanOrEqual(30)
    for (const i of kb.intents) {
      expect(i.examples.length, i.id).toBeGreaterThanOrEqual(5)
      expect(i.examples.length, i.id).toBeLessThanOrEqual(10)
      expect(i.answer, i.id).toContain('{{name}}')
    }
    expect(kb.intents.filter((i) => i.autoSend).length).toBeGreaterThanOrEqual(3)
    for (const i of kb.intents.filter((x) => x.id.startsWith('complaint.') || x.id === 'service.human')) expect(i.autoSend, i.id).toBe(false)
  })

  it.each([
    ['亲，我昨天买的东西到哪了？', 'logistics.track'],
    ['能给我发顺丰吗', 'logistics.courier_choice'],
    ['退货运费要我自己出吗', 'returns.shipping_fee'],
    ['发票抬头写错了', 'invoice.change'],
    ['这券咋用不了', 'coupon.how_to_use'],
    ['我的帐号登不上去了', 'account.login'],
    ['收到的杯子碎了', 'aftersales.damaged'],
    ['花呗能用吗', 'payment.methods'],
    ['你们客服太差劲了我要投诉', 'complaint.service'],
    ['转人工客服', 'service.human'],
  ])('answers %s with %s', async (text, expected) => {
    const result = await matcher.match(text)
    expect(result.decision).toBe('accept')
    expect(result.intent?.intentId).toBe(expected)
  })
})
