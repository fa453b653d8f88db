import type { EmbeddingsConfig } from '../config/read-embeddings-config.js'
import { EmbeddingsError } from './embeddings-error.js'
import { parseEmbeddingsResponse } from './parse-embeddings-response.js'

export interface EmbeddingsClient {
  /**
   * The vectors of `texts`, in order, asked in batches of `batchSize`, each request bounded by the timeout (and by
   * `signal`). Throws `EmbeddingsError` for anything short of a valid answer to every batch.
   */
  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<Float32Array[]>
  /** The model asked for (QUNDESK_EMBEDDINGS_MODEL); part of the cache key. */
  readonly model: string
}

/** The most of an error answer's body quoted in a message: enough for `{"error":{"message":"model not found"}}`. */
const ERROR_BODY_CHARS = 200

/**
 * A client of the OpenAI-compatible `POST {base}/embeddings` API with plain fetch (the `openai` package is not a
 * dependency, and the protocol is one request): `{ model, input: string[] }`, `Authorization: Bearer` when a key is
 * set. The key is only ever put in that header: error messages quote the server's answer with the key masked out,
 * in case a server echoes it.
 *
 * @example
 * const client = createEmbeddingsClient({ config: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'bge-m3', timeoutMs: 2000, weight: 0.5, batchSize: 64 } })
 * const [v] = await client.embed(['快递到哪了'])
 */
export function createEmbeddingsClient(deps: {
  config: Pick<EmbeddingsConfig, 'baseUrl' | 'model' | 'apiKey' | 'timeoutMs' | 'batchSize'>
  /** Requests are observed here (for the metrics): milliseconds and the error, if any. */
  onRequest?: (outcome: { ms: number; texts: number; error?: EmbeddingsError }) => void
  fetch?: typeof fetch
}): EmbeddingsClient {
  const { config } = deps
  const doFetch = deps.fetch ?? fetch
  const url = `${config.baseUrl}/embeddings`
  const mask = (text: string) => (config.apiKey ? text.split(config.apiKey).join('***') : text)

  async function request(input: readonly string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    const timeout = AbortSignal.timeout(config.timeoutMs)
    const combined = signal ? AbortSignal.any([timeout, signal]) : timeout
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' }
    if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`
    let response: Response
    let text: string
    try {
      response = await doFetch(url, { method: 'POST', headers, body: JSON.stringify({ model: config.model, input }), signal: combined })
      // The body read is under the same signal: a server that sends headers and then stalls is a timeout too.
      text = await response.text()
    } catch (error) {
      if (timeout.aborted) throw new EmbeddingsError('timeout', `embedding provider did not answer within ${config.timeoutMs} ms (${url})`)
      if (signal?.aborted) throw new EmbeddingsError('timeout', `embedding request abandoned (${url})`)
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)
      throw new EmbeddingsError('network', mask(`embedding provider unreachable at ${url}: ${cause}`))
    }
    if (!response.ok) {
      throw new EmbeddingsError('http', mask(`embedding provider answered ${response.status} at ${url}: ${text.slice(0, ERROR_BODY_CHARS)}`), response.status)
    }
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      throw new EmbeddingsError('malformed', `embedding provider answered ${response.status} with something other than JSON at ${url}`)
    }
    return parseEmbeddingsResponse(body, input.length)
  }

  return {
    model: config.model,
    async embed(texts, options = {}) {
      const out: Float32Array[] = []
      let dimension: number | undefined
      for (let i = 0; i < texts.length; i += config.batchSize) {
        const batch = texts.slice(i, i + config.batchSize)
        const started = performance.now()
        try {
          const vectors = await request(batch, options.signal)
          // Each batch is checked on its own; across batches the model must not change its mind either.
          dimension ??= vectors[0]?.length
          if (vectors.some((v) => v.length !== dimension)) throw new EmbeddingsError('malformed', `embedding provider changed dimension between batches (${dimension} before, ${vectors.find((v) => v.length !== dimension)?.length} now)`)
          deps.onRequest?.({ ms: performance.now() - started, texts: batch.length })
          out.push(...vectors)
        } catch (error) {
          const failure = error instanceof EmbeddingsError ? error : new EmbeddingsError('network', mask(String(error)))
          deps.onRequest?.({ ms: performance.now() - started, texts: batch.length, error: failure })
          throw failure
        }
      }
      return out
    },
  }
}
