import fs from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { HealthView } from '../../src/console/contract.js'
import { decideIntent } from '../../src/nlu/decide-intent.js'
import { BREAKER_COOL_DOWN_MS, BREAKER_FAILURES } from '../../src/embeddings/semantic-help.js'
import { startFakeEmbeddings, type FakeEmbeddings } from '../support/fake-embeddings-server.js'
import { captureLog } from '../support/wecom-test-kit.js'
import { insertLearnedExample } from '../../src/storage/learned-example.repository.js'
import { createMockWorld, makeWorkdir, startTestApp, waitFor, withWorkdirDb, type TestApp } from './test-context.js'

const KEY = 'sk-embeddings-secret-9f8e7d6c5b4a'
const TIMEOUT_MS = 400
/** A paraphrase the offline matcher rejects (货 is not in the examples; the fake model knows it means 快递). */
const PARAPHRASE = '我的货到哪儿啦'
/** Normalised, de-duplicated examples of test/fixtures/kb-small-shop. */
const EXAMPLE_COUNT = 21

let t: TestApp | undefined
let provider: FakeEmbeddings
beforeEach(async () => {
  provider = await startFakeEmbeddings({ apiKey: KEY })
})
afterEach(async () => {
  await t?.stop()
  t = undefined
  await provider.close()
})

const embeddingsEnv = () => ({
  QUNDESK_EMBEDDINGS_URL: provider.baseUrl, QUNDESK_EMBEDDINGS_MODEL: provider.model, QUNDESK_EMBEDDINGS_API_KEY: KEY,
  QUNDESK_EMBEDDINGS_TIMEOUT_MS: String(TIMEOUT_MS),
})

async function health(app: TestApp): Promise<HealthView> {
  return (await app.api<HealthView>('GET', '/api/health')).body
}

/** Asks and waits for the suggestion the question became. */
async function ask(app: TestApp, question: string) {
  app.world.ask(app.world.alice, question)
  return waitFor(async () => (await app.app.suggestions.list()).find((s) => s.question === question))
}

/** What the offline matcher alone decides for the question (the bot's decision without a provider). */
async function offline(app: TestApp, question: string) {
  const { kb, matcher } = app.app.knowledge.current()
  const decision = decideIntent(await matcher.match(question), kb, { id: '', name: 'VIP客户群' })
  return { intentId: decision.intent?.intentId ?? null, score: decision.top[0]?.score ?? null }
}

async function examplesEmbedded(app: TestApp) {
  await waitFor(async () => (await health(app)).embeddings!.textsEmbedded + (await health(app)).embeddings!.cacheHits >= EXAMPLE_COUNT)
}

describe('optional embedding provider', () => {
  it('is off by default: the offline matcher leaves the paraphrase to an agent, and health shows no provider', async () => {
    t = await startTestApp(await makeWorkdir())
    expect((await ask(t, PARAPHRASE)).intentId).toBeNull()
    expect((await health(t)).embeddings).toBeUndefined()
  })

  it('blends the provider\'s vectors into the ranking: the paraphrase is matched, vectors are cached, and a restart asks only for what is new', async () => {
    const work = await makeWorkdir()
    t = await startTestApp(work, { env: embeddingsEnv() })
    await examplesEmbedded(t)
    expect(provider.requests.every((r) => r.authorization === `Bearer ${KEY}`)).toBe(true)
    const suggestion = await ask(t, PARAPHRASE)
    expect(suggestion).toMatchObject({ intentId: 'logistics.track' })
    expect(suggestion.score).toBeGreaterThan(0.49)
    const view = await health(t)
    expect(view.embeddings).toMatchObject({ status: 'ok', model: provider.model, blended: 1, fallbacks: 0, breaker: { state: 'closed' } })
    expect(view.embeddings!.latencyMs).not.toBeNull()

    const rows = await t.app.db.selectFrom('embedding_cache').select(['kind', 'dimension']).execute()
    expect(rows.filter((r) => r.kind === 'example')).toHaveLength(EXAMPLE_COUNT)
    expect(rows.filter((r) => r.kind === 'question')).toHaveLength(1)

    // Same database, new process: the examples and the question come from the cache; nothing is asked again.
    const world = t.world
    await t.stop()
    const before = provider.requests.length
    t = await startTestApp(work, { env: embeddingsEnv(), world: createMockWorld(world) })
    await waitFor(async () => (await health(t!)).embeddings!.cacheHits >= EXAMPLE_COUNT)
    t.world.bob.say(`@客服助手\u2005${PARAPHRASE}`, [t.world.me]).to(t.world.room)
    await waitFor(async () => (await t!.app.suggestions.list()).filter((s) => s.question === PARAPHRASE).length === 2)
    expect(provider.requests.length).toBe(before)
    expect((await health(t)).embeddings).toMatchObject({ blended: 1, textsEmbedded: 0 })
  })

  it('embeds the agents\' intent fixes with the examples, cached as questions (retention deletes them)', async () => {
    const work = await makeWorkdir()
    await withWorkdirDb(work, (db) => insertLearnedExample(db, { intentId: 'logistics.track', text: '我的宝贝咋还没到', suggestionId: null, createdBy: '小王', createdAt: new Date().toISOString() }))
    t = await startTestApp(work, { env: embeddingsEnv() })
    await waitFor(() => provider.embedded().includes('我的宝贝咋还没到'))
    const rows = await waitFor(async () => {
      const r = await t!.app.db.selectFrom('embedding_cache').select('kind').execute()
      return r.length === EXAMPLE_COUNT + 1 ? r : undefined
    })
    expect(rows.filter((r) => r.kind === 'question')).toHaveLength(1)
  })

  it('decides a blended ranking with matching.semantic, and an offline one (provider down) with the usual band', async () => {
    const work = await makeWorkdir()
    await fs.writeFile(path.join(work.kbDir, 'matching.yaml'), 'matching:\n  semantic:\n    suggest: 0.95\n')
    t = await startTestApp(work, { env: embeddingsEnv() })
    await examplesEmbedded(t)
    // Blended, but below the (deliberately strict) semantic band: left to an agent.
    expect(await ask(t, PARAPHRASE)).toMatchObject({ intentId: null })
    expect((await health(t)).embeddings!.blended).toBe(1)
    provider.fault = { kind: 'status', status: 500 }
    const question = '客服几点下班呀'
    expect(await ask(t, question)).toMatchObject(await offline(t, question))
  })

  it('answers with the offline matcher, within the timeout, when the provider errs, answers garbage or is slow', async () => {
    t = await startTestApp(await makeWorkdir(), { env: embeddingsEnv() })
    await examplesEmbedded(t)
    const cases = [
      // Not examples themselves (an example's vector is cached: its question would not reach the provider).
      { fault: { kind: 'status', status: 500 } as const, question: '客服几点下班呀' },
      { fault: { kind: 'wrong-dimension' } as const, question: '可以开发票吗' },
      // Slow: the reply must not wait for the provider.
      { fault: { kind: 'slow', ms: 5000 } as const, question: '退款多久能到' },
    ]
    for (const { fault, question } of cases) {
      provider.fault = fault
      const started = Date.now()
      const suggestion = await ask(t, question)
      expect(Date.now() - started, `${fault.kind}: decided offline without waiting for the provider`).toBeLessThan(TIMEOUT_MS + 2500)
      // Exactly the offline decision, as without a provider.
      expect({ intentId: suggestion.intentId, score: suggestion.score }, fault.kind).toEqual(await offline(t, question))
    }
    // The offline decision stands as without a provider: service.hours is auto-sent.
    await waitFor(() => t!.world.said.some((text) => text.includes('9:00-21:00')))
    // The slow request is counted once it times out (the reply did not wait for that).
    const view = await waitFor(async () => {
      const v = await health(t!)
      return v.embeddings!.failures.timeout === 1 ? v : undefined
    })
    expect(view.embeddings).toMatchObject({ fallbacks: 3, blended: 0, failures: { http: 1, malformed: 1, timeout: 1 } })
    // The vector of the wrong dimension was not cached: only the example vectors are.
    expect(await t.app.db.selectFrom('embedding_cache').select('kind').where('kind', '=', 'question').execute()).toEqual([])
  })

  it('opens the breaker after repeated failures (no more requests, health degraded for the provider only), and closes it after the cool-down', async () => {
    let offsetMs = 0
    const clock = () => new Date(Date.now() + offsetMs)
    t = await startTestApp(await makeWorkdir(), { env: embeddingsEnv(), clock })
    await examplesEmbedded(t)
    provider.fault = { kind: 'status', status: 503 }
    // Not examples themselves (an example's vector is cached: its question would not reach the provider).
    const questions = ['客服几点下班呀', '可以开发票吗', '退款多久能到', '物流怎么查']
    for (const question of questions.slice(0, BREAKER_FAILURES)) expect((await ask(t, question)).intentId).toBe((await offline(t, question)).intentId)
    let view = await health(t)
    expect(view.embeddings).toMatchObject({ status: 'degraded', breaker: { state: 'open', consecutiveFailures: BREAKER_FAILURES } })
    // The app itself is fine: the offline matcher answers.
    expect(view.status).toBe('ok')

    // Open: the next question does not touch the provider at all.
    const requests = provider.requests.length
    expect((await ask(t, questions[3]!)).intentId).toBe((await offline(t, questions[3]!)).intentId)
    expect(provider.requests.length).toBe(requests)
    expect((await health(t)).embeddings!.failures.breaker_open).toBeGreaterThanOrEqual(1)

    // After the cool-down one trial goes through; the provider is back, so the paraphrase is matched with its help.
    provider.fault = undefined
    offsetMs = BREAKER_COOL_DOWN_MS + 1000
    expect((await ask(t, PARAPHRASE)).intentId).toBe('logistics.track')
    view = await health(t)
    expect(view.embeddings).toMatchObject({ status: 'ok', breaker: { state: 'closed', consecutiveFailures: 0 }, blended: 1 })
  })

  it('never writes the API key to the log or to health, even when the provider echoes it', async () => {
    const log = captureLog()
    provider.fault = { kind: 'status', status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }) }
    t = await startTestApp(await makeWorkdir(), { env: { ...embeddingsEnv(), QUNDESK_LOG_LEVEL: 'trace' }, logger: log.logger })
    expect((await ask(t, '客服几点下班呀')).intentId).toBe('service.hours')
    const view = await health(t)
    expect(view.embeddings!.lastError?.message).toContain('401')
    expect(JSON.stringify(view)).not.toContain(KEY)
    expect(log.raw.some((line) => line.includes('embedding provider configured'))).toBe(true)
    expect(log.raw.some((line) => line.includes('Incorrect API key provided'))).toBe(true)
    expect(log.raw.join('')).not.toContain(KEY)
  })
})
