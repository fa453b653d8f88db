/**
 * The optional embedding provider (issue 18): any server of the OpenAI-compatible `/v1/embeddings` API (Ollama,
 * Xinference, vLLM, TEI, the hosted Chinese providers) serving a model such as bge-m3. Off unless
 * QUNDESK_EMBEDDINGS_URL is set; the offline matcher stays the default and the fallback.
 */
export interface EmbeddingsConfig {
  /** QUNDESK_EMBEDDINGS_URL without a trailing slash, e.g. http://127.0.0.1:11434/v1; requests go to `${baseUrl}/embeddings`. */
  baseUrl: string
  /** QUNDESK_EMBEDDINGS_MODEL, e.g. bge-m3; also part of the cache key, so a new model never reads another's vectors. */
  model: string
  /** QUNDESK_EMBEDDINGS_API_KEY: sent as `Authorization: Bearer`; from the env only, never logged nor shown. */
  apiKey?: string
  /** QUNDESK_EMBEDDINGS_TIMEOUT_MS (default 2000): the longest a message waits for the provider before the offline matcher decides alone. */
  timeoutMs: number
  /** QUNDESK_EMBEDDINGS_WEIGHT (default 0.5): the semantic share of the blended score, 0–1. */
  weight: number
  /** QUNDESK_EMBEDDINGS_BATCH (default 64): texts per request when the knowledge's examples are embedded. */
  batchSize: number
}

const DEFAULT_TIMEOUT_MS = 2000
const DEFAULT_WEIGHT = 0.5
const DEFAULT_BATCH = 64

/**
 * Reads the embedding provider's settings from an env you pass in: undefined when QUNDESK_EMBEDDINGS_URL is unset
 * (the provider is off), each problem pushed to `problems` with its fix. Kept apart from `loadConfig` so
 * `qundesk kb calibrate` reads just this part.
 *
 * @example
 * const problems: string[] = []
 * readEmbeddingsConfig({ QUNDESK_EMBEDDINGS_URL: 'http://127.0.0.1:11434/v1', QUNDESK_EMBEDDINGS_MODEL: 'bge-m3' }, problems)
 * // { baseUrl: 'http://127.0.0.1:11434/v1', model: 'bge-m3', timeoutMs: 2000, weight: 0.5, batchSize: 64 }
 */
export function readEmbeddingsConfig(env: Record<string, string | undefined>, problems: string[]): EmbeddingsConfig | undefined {
  const str = (name: string): string | undefined => {
    const value = env[name]?.trim()
    return value ? value : undefined
  }
  const url = str('QUNDESK_EMBEDDINGS_URL')
  const model = str('QUNDESK_EMBEDDINGS_MODEL')
  const apiKey = str('QUNDESK_EMBEDDINGS_API_KEY')
  if (url === undefined) {
    // A model or key without a URL is a half-done setup: say so rather than silently running without embeddings.
    if (model !== undefined || apiKey !== undefined) problems.push('QUNDESK_EMBEDDINGS_MODEL / QUNDESK_EMBEDDINGS_API_KEY are set but QUNDESK_EMBEDDINGS_URL is not — set it to the provider\'s base URL, e.g. http://127.0.0.1:11434/v1 (Ollama), or unset the others to keep embeddings off')
    return undefined
  }
  let baseUrl = url.replace(/\/+$/, '')
  if (hasCredentials(baseUrl)) {
    // Not echoed: the value holds a secret.
    problems.push('QUNDESK_EMBEDDINGS_URL must not carry a user or password — put the key in QUNDESK_EMBEDDINGS_API_KEY (sent as Authorization: Bearer)')
    baseUrl = ''
  } else if (!isHttpUrl(baseUrl)) {
    problems.push(`QUNDESK_EMBEDDINGS_URL="${url}" must be an http(s) base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:11434/v1 (Ollama) or http://127.0.0.1:9997/v1 (Xinference)`)
    baseUrl = ''
  } else if (/[?#]/.test(baseUrl)) {
    problems.push('QUNDESK_EMBEDDINGS_URL must be a plain base URL without ?query or #fragment, e.g. http://127.0.0.1:11434/v1 — put a key in QUNDESK_EMBEDDINGS_API_KEY')
    baseUrl = ''
  } else if (/\/embeddings$/.test(baseUrl)) {
    problems.push(`QUNDESK_EMBEDDINGS_URL="${url}" must be the base URL (ending in /v1), not the /embeddings endpoint itself — QunDesk adds /embeddings`)
  }
  if (model === undefined) problems.push('QUNDESK_EMBEDDINGS_URL is set but QUNDESK_EMBEDDINGS_MODEL is not — name the model the provider serves, e.g. bge-m3 or bge-small-zh-v1.5')
  const timeoutText = str('QUNDESK_EMBEDDINGS_TIMEOUT_MS')
  const timeoutMs = timeoutText === undefined ? DEFAULT_TIMEOUT_MS : /^\d+$/.test(timeoutText) ? Number(timeoutText) : NaN
  if (!(timeoutMs >= 50 && timeoutMs <= 60_000)) problems.push(`QUNDESK_EMBEDDINGS_TIMEOUT_MS="${timeoutText}" must be a whole number of milliseconds from 50 to 60000 (default ${DEFAULT_TIMEOUT_MS}): how long a message waits for the provider before the offline matcher decides alone`)
  const weightText = str('QUNDESK_EMBEDDINGS_WEIGHT')
  const weight = weightText === undefined ? DEFAULT_WEIGHT : /^\d+(\.\d+)?$/.test(weightText) ? Number(weightText) : NaN
  if (!(weight >= 0 && weight <= 1)) problems.push(`QUNDESK_EMBEDDINGS_WEIGHT="${weightText}" must be a number from 0 to 1 (default ${DEFAULT_WEIGHT}): the semantic share of the score; rerun \`qundesk kb calibrate --write\` after changing it`)
  const batchText = str('QUNDESK_EMBEDDINGS_BATCH')
  const batchSize = batchText === undefined ? DEFAULT_BATCH : /^\d+$/.test(batchText) ? Number(batchText) : NaN
  if (!(batchSize >= 1 && batchSize <= 2048)) problems.push(`QUNDESK_EMBEDDINGS_BATCH="${batchText}" must be a whole number from 1 to 2048 (default ${DEFAULT_BATCH}): texts per request; lower it if the provider refuses large batches`)
  return Object.freeze({
    baseUrl,
    model: model ?? '',
    ...(apiKey !== undefined ? { apiKey } : {}),
    timeoutMs: Number.isFinite(timeoutMs) ? timeoutMs : DEFAULT_TIMEOUT_MS,
    weight: Number.isFinite(weight) ? weight : DEFAULT_WEIGHT,
    batchSize: Number.isFinite(batchSize) ? batchSize : DEFAULT_BATCH,
  })
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

function hasCredentials(value: string): boolean {
  try {
    const url = new URL(value)
    return url.username !== '' || url.password !== ''
  } catch {
    return false
  }
}
