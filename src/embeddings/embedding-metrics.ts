import type { BreakerState } from './circuit-breaker.js'
import type { EmbeddingsFailure } from './embeddings-error.js'

/** The embedding provider as /api/health shows it (no URL with secrets, no key). */
export interface EmbeddingsStatus {
  /** ok: the breaker is closed; degraded: it is open or trying again (messages are decided by the offline matcher meanwhile). */
  status: 'ok' | 'degraded'
  model: string
  breaker: { state: BreakerState; consecutiveFailures: number; openedAt: string | null }
  /** Requests sent to the provider (a batch is one) and how many failed, by kind. */
  requests: number
  failures: Record<EmbeddingsFailure, number>
  /** Texts whose vectors came from the provider / from the database cache. */
  textsEmbedded: number
  cacheHits: number
  /** Questions ranked with the provider's help / decided by the offline matcher alone because it failed, was slow or resting. */
  blended: number
  fallbacks: number
  /** Request latency over the last LATENCY_WINDOW requests (null before the first). */
  latencyMs: { last: number; p50: number; p95: number } | null
  lastError: { kind: EmbeddingsFailure; message: string; at: string } | null
}

/** Requests whose latency the percentiles cover. */
const LATENCY_WINDOW = 200

export interface EmbeddingMetrics {
  request(outcome: { ms: number; texts: number; error?: { kind: EmbeddingsFailure; message: string } }): void
  /** An answer the client accepted that turned out unusable (another dimension than the examples'). */
  failure(error: { kind: EmbeddingsFailure; message: string }): void
  /** A request not sent because the breaker is open. */
  skipped(): void
  cacheHits(count: number): void
  blended(): void
  fallback(): void
  snapshot(breaker: EmbeddingsStatus['breaker'], model: string): EmbeddingsStatus
}

/**
 * Counters for the embedding provider, kept in memory per process (like the outbox counts, they are read by
 * /api/health; a restart starts them again).
 *
 * @example
 * const metrics = createEmbeddingMetrics(() => new Date())
 * metrics.request({ ms: 12, texts: 1 }); metrics.snapshot(breakerView, 'bge-m3').requests // 1
 */
export function createEmbeddingMetrics(now: () => Date): EmbeddingMetrics {
  const failures: Record<EmbeddingsFailure, number> = { timeout: 0, network: 0, http: 0, malformed: 0, breaker_open: 0 }
  let requests = 0
  let textsEmbedded = 0
  let hits = 0
  let blended = 0
  let fallbacks = 0
  const latencies: number[] = []
  let lastError: EmbeddingsStatus['lastError'] = null

  return {
    request({ ms, texts, error }) {
      requests++
      latencies.push(ms)
      if (latencies.length > LATENCY_WINDOW) latencies.shift()
      if (error) {
        failures[error.kind]++
        lastError = { kind: error.kind, message: error.message, at: now().toISOString() }
      } else textsEmbedded += texts
    },
    failure(error) {
      failures[error.kind]++
      lastError = { kind: error.kind, message: error.message, at: now().toISOString() }
    },
    skipped() {
      failures.breaker_open++
    },
    cacheHits(count) {
      hits += count
    },
    blended() {
      blended++
    },
    fallback() {
      fallbacks++
    },
    snapshot(breaker, model) {
      const sorted = [...latencies].sort((a, b) => a - b)
      const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!)
      return {
        status: breaker.state === 'closed' ? 'ok' : 'degraded',
        model,
        breaker,
        requests,
        failures: { ...failures },
        textsEmbedded,
        cacheHits: hits,
        blended,
        fallbacks,
        latencyMs: sorted.length === 0 ? null : { last: Math.round(latencies[latencies.length - 1]!), p50: at(0.5), p95: at(0.95) },
        lastError,
      }
    },
  }
}
