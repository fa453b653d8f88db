import fs from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startFakeEmbeddings, type FakeEmbeddings } from '../support/fake-embeddings-server.js'
import { runQundesk as qundesk } from './run-qundesk.js'
import { makeWorkdir } from './test-context.js'

const KEY = 'sk-eval-secret-abcdef012345'

let provider: FakeEmbeddings
beforeEach(async () => {
  provider = await startFakeEmbeddings({ apiKey: KEY })
})
afterEach(async () => {
  await provider.close()
})
const env = () => ({ QUNDESK_EMBEDDINGS_URL: provider.baseUrl, QUNDESK_EMBEDDINGS_MODEL: provider.model, QUNDESK_EMBEDDINGS_API_KEY: KEY })

/**
 * The calibration fixture with a semantic band: 「货送到没」 shares no word with 查物流's examples, so the offline matcher
 * ranks it low (under matching: 0.25, handed to a human); the fake provider knows 货/送到 as logistics words, so the
 * blended ranking puts logistics.track over matching.semantic's 0.4, as the bot with that provider would answer.
 */
async function workdir() {
  const work = await makeWorkdir('knowledge/calibrate-with-matching')
  await fs.writeFile(path.join(work.kbDir, 'matching.yaml'), 'matching:\n  suggest: 0.25\n  auto_send: 0.5\n  semantic:\n    suggest: 0.4\n    auto_send: 0.7\n')
  const cases = path.join(work.dir, 'cases.json')
  await fs.writeFile(cases, JSON.stringify({
    cases: [
      { text: '货送到没', expect: 'logistics.track' },
      { text: '我的货到哪儿啦', expect: 'logistics.track' },
      { text: '今天天气怎么样', expect: null },
    ],
  }))
  return { ...work, cases }
}

describe('qundesk kb eval / kb test with the embedding provider (the real CLI, a loopback provider)', () => {
  it('kb eval decides the blended rankings with matching.semantic, as the bot does; --no-embeddings gives the offline figures', async () => {
    const work = await workdir()
    const blended = await qundesk(['kb', 'eval', '--kb', work.kbDir, '--cases', work.cases, '--json', '--failures'], env())
    expect(blended.code).toBe(0)
    expect(blended.stderr).toContain(`用嵌入服务 ${provider.model}`)
    expect(blended.stderr).toContain('--no-embeddings')
    const report = JSON.parse(blended.stdout)
    expect(report).toMatchObject({ semanticWeight: 0.5, positives: 2, negatives: 1, accepted: 2, falseAccepts: 0, failures: [] })
    // The knowledge's 20 examples and the 3 questions, normalised, in one request (batch 64), with the key.
    expect(provider.requests).toHaveLength(1)
    expect(provider.requests[0]!.input).toHaveLength(23)
    expect(provider.requests[0]!.input.slice(-3)).toEqual(['货送到没', '我的货到哪儿啦', '今天天气怎么样'])
    expect(provider.requests[0]!.authorization).toBe(`Bearer ${KEY}`)

    const text = await qundesk(['kb', 'eval', '--kb', work.kbDir, '--cases', work.cases], env())
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^答对 accuracy\s+100\.0%\s+\(2\/2\)$/m)
    expect(text.stdout).toContain('语义：排名融合了嵌入服务（权重 0.5），按 matching.semantic 判断')

    const offline = await qundesk(['kb', 'eval', '--kb', work.kbDir, '--cases', work.cases, '--json', '--failures', '--no-embeddings'], env())
    expect(offline.code).toBe(0)
    expect(offline.stderr).not.toContain('用嵌入服务')
    const figures = JSON.parse(offline.stdout)
    expect(figures).toMatchObject({ semanticWeight: null, positives: 2, accepted: 1, failures: [{ text: '货送到没', expected: 'logistics.track', got: null, threshold: 0.25 }] })
    expect(provider.requests).toHaveLength(2)
  }, 120_000)

  it('kb test shows the blended decision and says the score is blended; --no-embeddings the offline one', async () => {
    const work = await workdir()
    const blended = await qundesk(['kb', 'test', '货送到没', '--kb', work.kbDir], env())
    expect(blended.code).toBe(0)
    expect(blended.stderr).toContain(`用嵌入服务 ${provider.model}`)
    expect(blended.stdout).toMatch(/^判定：采用 logistics\.track（分数 0\.\d+ ≥ 阈值 0\.400）/)
    expect(blended.stdout).toContain(`依据：阈值来自 matching.semantic:；分数融合了嵌入服务（${provider.model}，权重 0.5）`)
    expect(blended.stdout).toContain('离线：returns.refund')

    const json = JSON.parse((await qundesk(['kb', 'test', '货送到没', '--kb', work.kbDir, '--json'], env())).stdout)
    expect(json).toMatchObject({ decision: 'accept', intent: { intentId: 'logistics.track' }, bands: 'matching.semantic:', semanticWeight: 0.5 })
    expect(json.offlineTop[0].intentId).toBe('returns.refund')

    const offline = await qundesk(['kb', 'test', '货送到没', '--kb', work.kbDir, '--no-embeddings'], env())
    expect(offline.code).toBe(0)
    expect(offline.stdout).toContain('判定：需要人工（最高分低于阈值 0.250）')
    expect(offline.stdout).toContain('依据：阈值来自 matching:；')
    expect(offline.stdout).not.toContain('嵌入服务')
  }, 120_000)

  it('a provider that fails stops kb eval and kb test with exit 1 and the fix', async () => {
    const work = await workdir()
    provider.fault = { kind: 'status', status: 500 }
    for (const args of [['kb', 'eval', '--kb', work.kbDir, '--cases', work.cases], ['kb', 'test', '货送到没', '--kb', work.kbDir]]) {
      const res = await qundesk(args, env())
      expect(res.code).toBe(1)
      expect(res.stderr).toContain('嵌入服务出错：embedding provider answered 500')
      expect(res.stderr).toContain('QUNDESK_EMBEDDINGS_URL')
      expect(res.stderr).toContain('--no-embeddings')
      expect(res.stderr + res.stdout).not.toContain(KEY)
      expect(res.stdout).toBe('')
    }
  }, 120_000)
})
