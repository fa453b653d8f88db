/**
 * Why the embedding provider gave no vectors. Every kind means the same to the bot (the offline matcher decides
 * alone); they are kept apart for the metrics and the log, where an operator tells a down server from a wrong model.
 * - `timeout`: no full answer within QUNDESK_EMBEDDINGS_TIMEOUT_MS;
 * - `network`: no connection (refused, reset, DNS);
 * - `http`: an answer with a non-2xx status (`status` set: 401 key, 404 model or URL, 429 rate limit, 5xx server);
 * - `malformed`: a 2xx answer that is not an OpenAI embeddings response for the texts sent;
 * - `breaker_open`: not asked at all: the provider failed repeatedly and is resting (circuit breaker).
 */
export type EmbeddingsFailure = 'timeout' | 'network' | 'http' | 'malformed' | 'breaker_open'

export class EmbeddingsError extends Error {
  constructor(
    readonly kind: EmbeddingsFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message)
    this.name = 'EmbeddingsError'
  }
}
