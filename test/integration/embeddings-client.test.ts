import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createEmbeddingsClient } from '../../src/embeddings/embeddings-client.js'
import { EmbeddingsError } from '../../src/embeddings/embeddings-error.js'
import { FAKE_DIMENSION, fakeEmbedding, startFakeEmbeddings, type FakeEmbeddings } from '../support/fake-embeddings-server.js'

const KEY = 'sk-loopback-secret-0123456789'

let provider: FakeEmbeddings
beforeEach(async () => {
  provider = await startFakeEmbeddings({ apiKey: KEY })
})
afterEach(async () => {
  await provider.close()
})

function client(overrides: { timeoutMs?: number; batchSize?: number; apiKey?: string; model?: string } = {}) {
  const outcomes: Array<{ ms: number; texts: number; error?: EmbeddingsError }> = []
  const c = createEmbeddingsClient({
    config: { baseUrl: provider.baseUrl, model: overrides.model ?? provider.model, apiKey: overrides.apiKey ?? KEY, timeoutMs: overrides.timeoutMs ?? 1000, batchSize: overrides.batchSize ?? 64 },
    onRequest: (o) => outcomes.push(o),
  })
  return { c, outcomes }
}

async function failure(promise: Promise<unknown>): Promise<EmbeddingsError> {
  try {
    await promise
  } catch (e) {
    expect(e).toBeInstanceOf(EmbeddingsError)
    return e as EmbeddingsError
  }
  throw new Error('expected the request to fail')
}

describe('embeddings client against a loopback OpenAI-compatible server', () => {
  it('sends {model, input} with the bearer key, batches, and returns vectors in input order', async () => {
    const { c, outcomes } = client({ batchSize: 2 })
    const texts = ['我的快递到哪了', '怎么查物流', '能开发票吗', '退款多久到', '客服几点下班']
    const vectors = await c.embed(texts)
    expect(vectors.map((v) => [...v])).toEqual(texts.map((t) => [...Float32Array.from(fakeEmbedding(t))]))
    expect(provider.requests.map((r) => r.input)).toEqual([texts.slice(0, 2), texts.slice(2, 4), texts.slice(4)])
    expect(provider.requests.every((r) => r.authorization === `Bearer ${KEY}` && r.model === provider.model)).toBe(true)
    expect(outcomes.map((o) => [o.texts, o.error])).toEqual([[2, undefined], [2, undefined], [1, undefined]])
  })

  it.each([
    [{ kind: 'status', status: 500 } as const, 'http', 'answered 500'],
    [{ kind: 'status', status: 429 } as const, 'http', 'rate limit exceeded'],
    [{ kind: 'malformed-json' } as const, 'malformed', 'something other than JSON'],
    [{ kind: 'drop' } as const, 'network', 'unreachable'],
  ])('reports %j as %s', async (fault, kind, message) => {
    provider.fault = fault
    const { c, outcomes } = client()
    const error = await failure(c.embed(['快递到哪了']))
    expect(error.kind).toBe(kind)
    expect(error.message).toContain(message)
    expect(outcomes[0]!.error?.kind).toBe(kind)
  })

  it('gives up on a slow answer at the timeout', async () => {
    provider.fault = { kind: 'slow', ms: 2000 }
    const started = Date.now()
    const error = await failure(client({ timeoutMs: 200 }).c.embed(['快递到哪了']))
    expect(error.kind).toBe('timeout')
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('refuses a model that changes dimension between batches', async () => {
    let calls = 0
    const c = createEmbeddingsClient({
      config: { baseUrl: provider.baseUrl, model: provider.model, apiKey: KEY, timeoutMs: 1000, batchSize: 1 },
      // The second batch comes back at half the dimension (each answer is consistent in itself).
      fetch: async (url, init) => {
        if (++calls === 2) provider.fault = { kind: 'wrong-dimension' }
        return fetch(url, init)
      },
    })
    const error = await failure(c.embed(['四', '五']))
    expect(error.kind).toBe('malformed')
    expect(error.message).toContain(`changed dimension between batches (${FAKE_DIMENSION} before, ${FAKE_DIMENSION / 2} now)`)
  })

  it('names a wrong model or URL by the status, and reports a server that is gone as network', async () => {
    expect((await failure(client({ model: 'no-such-model' }).c.embed(['x']))).message).toContain('404')
    const wrongKey = await failure(client({ apiKey: 'sk-wrong' }).c.embed(['x']))
    expect(wrongKey.status).toBe(401)
    await provider.close()
    expect((await failure(client().c.embed(['x']))).kind).toBe('network')
    provider = await startFakeEmbeddings({ apiKey: KEY })
  })

  it('masks the key if a server echoes it in an error', async () => {
    provider.fault = { kind: 'status', status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }) }
    const error = await failure(client().c.embed(['x']))
    expect(error.message).toContain('Incorrect API key provided: ***')
    expect(error.message).not.toContain(KEY)
  })
})
