import { beforeAll, describe, expect, it } from 'vitest'
import { createKnowledgeBase } from '../../../src/knowledge/knowledge-base.js'
import type { Intent, KnowledgeBase } from '../../../src/knowledge/knowledge-base.js'
import { formatProblem, loadKnowledge } from '../../../src/knowledge/load-knowledge.js'
import { decideIntent } from '../../../src/nlu/decide-intent.js'
import { trainIntentMatcher } from '../../../src/nlu/intent-matcher.js'
import type { IntentMatcher } from '../../../src/nlu/intent-matcher.js'

async function load(dir: string): Promise<KnowledgeBase> {
  const result = await loadKnowledge(dir)
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'))
  return result.kb
}

/**
 * The knowledge with the band these paraphrase expectations were written for (matching: suggest 0.25, auto_send
 * 0.5, the defaults before leave-one-out calibration). At the calibrated defaults (0.49 / 0.59, decide-intent.ts)
 * many of these paraphrases go to a human instead: that is the price of at most 5% false accepts on unlisted
 * in-domain questions. The ranking is what these tests check.
 */
function withParaphraseBand(kb: KnowledgeBase): KnowledgeBase {
  return createKnowledgeBase(kb.intents.map((i) => ({ ...i })), [...kb.files], { escalation: kb.escalation, bands: { global: { suggest: 0.25, autoSend: 0.5 }, groups: [] } })
}

function intent(id: string, examples: string[], extra: Partial<Intent> = {}): Intent {
  return { id, examples, answer: `${id} 的回答`, autoSend: false, source: { file: 'test.yaml', line: 1 }, ...extra }
}

describe('trainIntentMatcher on a small shop', () => {
  let kb: KnowledgeBase
  let matcher: IntentMatcher
  beforeAll(async () => {
    kb = await load('test/fixtures/knowledge/small-shop')
    matcher = await trainIntentMatcher(kb)
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
  ])('ranks the paraphrase %s as %s, high enough to be accepted', async (text, expected) => {
    const top = await matcher.match(text)
    expect(top[0]?.intentId).toBe(expected)
    expect(decideIntent(top, withParaphraseBand(kb))).toMatchObject({ decision: 'accept', intent: top[0] })
  })

  it.each([['今天天气怎么样'], ['明天会下雨吗'], ['股票涨了吗'], ['买什么股票好'], ['你吃饭了吗'], ['陪我聊聊天'], ['哈哈哈哈'], ['周末一起去爬山吧']])(
    'scores the off-topic %s below the accept threshold',
    async (text) => {
      const top = await matcher.match(text)
      const decision = decideIntent(top, kb)
      expect(decision).toMatchObject({ decision: 'reject', intent: null, confident: false })
      expect(top[0]?.score ?? 0).toBeLessThan(decision.threshold)
    },
  )

  it.each([
    ['帐号登录不了', 'account.login'],
    ['帐户登不上', 'account.login'],
  ])('forgives the homophone typo in %s (帐/账)', async (text, expected) => {
    const top = await matcher.match(text)
    expect(top[0]?.intentId).toBe(expected)
    expect(decideIntent(top, withParaphraseBand(kb)).decision).toBe('accept')
  })

  it('returns up to three candidates, best first, with scores in [0,1]', async () => {
    const top = await matcher.match('退款什么时候到账')
    expect(top.length).toBeGreaterThan(0)
    expect(top.length).toBeLessThanOrEqual(3)
    const scores = top.map((t) => t.score)
    expect([...scores].sort((a, b) => b - a)).toEqual(scores)
    for (const score of scores) expect(score).toBeGreaterThanOrEqual(0)
    for (const score of scores) expect(score).toBeLessThanOrEqual(1)
  })

  it('scores a near-verbatim question confidently and a vague one not', async () => {
    expect(decideIntent(await matcher.match('退款什么时候到账'), kb).confident).toBe(true)
    expect(decideIntent(await matcher.match('多久'), kb).confident).toBe(false)
  })

  it.each([[''], ['   '], ['？？！'], ['😀😀']])('ranks nothing for the empty-ish text %j, without throwing', async (text) => {
    expect(await matcher.match(text)).toEqual([])
    const { top, evidence } = await matcher.explain(text)
    expect({ top, evidence }).toEqual({ top: [], evidence: [] })
  })
})

describe('trainIntentMatcher on three intents', () => {
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
    expect(decideIntent(await before.match(question), kb).intent?.intentId).not.toBe('returns.policy')
    const after = await trainIntentMatcher(kb, {
      extraExamples: [
        { intentId: 'returns.policy', text: '东西不合适想寄回去' },
        { intentId: 'no.longer.exists', text: '这条会被忽略' },
      ],
    })
    const top = await after.match(question)
    expect(top[0]?.intentId).toBe('returns.policy')
    expect(decideIntent(top, withParaphraseBand(kb)).decision).toBe('accept')
  })
  it('ranks the same whatever the thresholds: a per-intent threshold only changes the decision', async () => {
    const strict = createKnowledgeBase(
      kb.intents.map((i) => (i.id === 'shop.hours' ? { ...i, threshold: 0.99 } : { ...i })),
      ['test.yaml'],
    )
    const question = '客服几点上班啊'
    const top = await (await trainIntentMatcher(kb)).match(question)
    expect(await (await trainIntentMatcher(strict)).match(question)).toEqual(top)
    expect(top[0]?.intentId).toBe('shop.hours')
    expect(decideIntent(top, kb).decision).toBe('accept')
    expect(decideIntent(top, strict)).toMatchObject({ decision: 'reject', threshold: 0.99, bands: 'intent shop.hours' })
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
    expect(decideIntent(await matcher.match(text), withParaphraseBand(kb)).intent?.intentId).toBe(expected)
  })
})

describe('a question that is one of the examples', () => {
  it('keeps its blend instead of the centroid cap, so the knowledge always answers its own words', async () => {
    // 包裹什么时候到 shares little with the other logistics examples: its centroid cosine is low (0.38), so the cap
    // alone would score it 0.46, below the default accept threshold.
    const loaded = await loadKnowledge(new URL('../../fixtures/kb-small-shop', import.meta.url).pathname)
    if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'))
    const matcher = await trainIntentMatcher(loaded.kb)
    const { top, evidence } = await matcher.explain('包裹什么时候到')
    expect(evidence[0]).toMatchObject({ intentId: 'logistics.track', nearest: 1, capped: false })
    expect(top[0]!.score).toBe(evidence[0]!.blend)
    expect(decideIntent(top, loaded.kb).decision).toBe('accept')
    // A paraphrase is still capped.
    const paraphrase = await matcher.explain('包裹大概什么时候能到啊')
    expect(paraphrase.evidence[0]!.nearest).toBeLessThan(1)
    if (paraphrase.evidence[0]!.capped) expect(paraphrase.top[0]!.score).toBeLessThan(paraphrase.evidence[0]!.blend)
  })
})

describe('how people really type, on the shipped knowledge base', () => {
  let kb: KnowledgeBase
  let matcher: IntentMatcher
  beforeAll(async () => {
    kb = await load('knowledge')
    matcher = await trainIntentMatcher(kb)
  })

  it.each([
    ['kuaidi daonale', 'logistics.track'],
    ['tui kuan', 'returns.refund_progress'],
    ['fapiao zenme kai', 'invoice.request'],
    ['我的order到哪了', 'logistics.track'],
    ['refund什么时候到', 'returns.refund_progress'],
    ['invoice怎么开', 'invoice.request'],
    ['这个size偏大吗', 'product.size'],
    ['有coupon吗', 'coupon.where_to_get'],
    ['請問發票怎麼開', 'invoice.request'],
    ['我要投訴你們客服', 'complaint.service'],
  ])('ranks %s first as %s', async (text, expected) => {
    // Understanding, not the band: whether the score clears the calibrated threshold is kb calibrate's business.
    expect((await matcher.match(text))[0]?.intentId).toBe(expected)
  })
})
