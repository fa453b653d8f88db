import fs from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/core/logger.js'
import { decideIntent } from '../../src/nlu/decide-intent.js'
import { createMatcherRuntime } from '../../src/nlu/matcher-runtime.js'
import { SAMPLE_QUESTIONS } from '../unit/nlu/generated-knowledge.js'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

const COUPON_YAML = `intents:
  - id: coupon.usage
    examples: [优惠券怎么用, 优惠券用不了, 领的券在哪里用, 怎么使用优惠券, 满减券怎么不能用]
    answer: "{{name}}您好，优惠券在结算页「使用优惠券」处选择即可。"
`

describe('knowledge hot reload', () => {
  it('refuses to start on broken knowledge, saying which file and line in Chinese', async () => {
    const work = await makeWorkdir()
    const broken = path.join(work.kbDir, 'broken.yaml')
    await fs.writeFile(broken, 'intents:\n  - id: broken.one\n    examples: []\n    answer: 没有\n')
    await expect(startTestApp(work)).rejects.toThrow(`知识库 ${work.kbDir} 有问题：\n${broken}:3: intents[0] (broken.one) 没有例句 — 每个意图至少需要一条客户会问的话`)
  })

  it('picks up a new YAML file without a restart and answers with it', async () => {
    const work = await makeWorkdir()
    t = await startTestApp(work)
    expect(t.app.knowledge.current().kb.get('coupon.usage')).toBeUndefined()
    await fs.writeFile(path.join(work.kbDir, 'coupon.yaml'), COUPON_YAML)
    await waitFor(() => t!.app.knowledge.current().kb.get('coupon.usage'))
    const { kb, matcher } = t.app.knowledge.current()
    expect(decideIntent(await matcher.match('优惠券怎么用不了'), kb).intent?.intentId).toBe('coupon.usage')
    expect((await t.api<{ intents: number }>('GET', '/api/health')).body.intents).toBe(5)
  })

  it('keeps answering with the last good knowledge when an edit is invalid, and reports file:line', async () => {
    const work = await makeWorkdir()
    t = await startTestApp(work)
    const before = t.app.knowledge.current().version
    await fs.writeFile(path.join(work.kbDir, 'broken.yaml'), 'intents:\n  - id: broken.one\n    examples: [坏的\n    answer: 没有\n')
    const result = await t.app.knowledge.reload()
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.problems[0]!.file).toBe(path.join(work.kbDir, 'broken.yaml'))
      expect(result.problems[0]!.line).toBeGreaterThan(0)
      expect(result.problems[0]!.message).toBe('YAML 语法错误：[ … ] 列表没有用 ] 结束，或缩进不够')
    }
    expect(t.app.knowledge.current().version).toBe(before)
    t.world.ask(t.world.alice, '我的快递到哪了')
    const suggestion = await waitFor(async () => (await t!.app.suggestions.list({ status: 'pending' }))[0])
    expect(suggestion.intentId).toBe('logistics.track')

    // Fixing the file is picked up again.
    await fs.writeFile(path.join(work.kbDir, 'broken.yaml'), COUPON_YAML)
    await waitFor(() => t!.app.knowledge.current().kb.get('coupon.usage'))
    expect(t.app.knowledge.current().version).toBeGreaterThan(before)
  })

  it('after an edit to one file, ranks every question exactly as a cold start on the same files, and drops no question', async () => {
    const work = await makeWorkdir()
    await fs.writeFile(path.join(work.kbDir, 'coupon.yaml'), COUPON_YAML)
    t = await startTestApp(work)
    const before = t.app.knowledge.current().version
    const shop = path.join(work.kbDir, 'shop.yaml')
    const text = await fs.readFile(shop, 'utf8')
    const edited = text.replace('      - 我的快递到哪了\n', '      - 我的快递到哪了\n      - 快递寄到哪一站了\n').replace(/\n  - id: returns\.refund[\s\S]*?(?=\n  - id:|\n*$)/, '')
    expect(edited).not.toContain('returns.refund')
    await fs.writeFile(shop, edited)
    // Questions asked while it retrains are answered with one version or the other, none dropped.
    t.world.ask(t.world.alice, '我的快递到哪了')
    t.world.ask(t.world.bob, '优惠券怎么用不了')
    await waitFor(() => t!.app.knowledge.current().version > before && t!.app.knowledge.current().kb.get('returns.refund') === undefined)
    await waitFor(async () => (await t!.app.suggestions.list()).length === 2)

    const reloaded = t.app.knowledge.current()
    expect(reloaded.kb.get('logistics.track')?.examples).toContain('快递寄到哪一站了')
    expect(reloaded.kb.get('coupon.usage')).toBeDefined()
    const cold = createMatcherRuntime({ dir: work.kbDir, logger: createLogger({ level: 'silent' }) })
    const fresh = await cold.start()
    const questions = [...SAMPLE_QUESTIONS, '快递寄到哪一站了', '退款什么时候到账', ...fresh.kb.intents.flatMap((intent) => intent.examples)]
    for (const question of questions) {
      expect(await reloaded.matcher.explain(question), question).toEqual(await fresh.matcher.explain(question))
    }
    cold.stop()
  })
})
