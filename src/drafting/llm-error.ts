/**
 * Why a request to the chat API gave no draft, as a short code the accounting stores (ai_drafts.error) and the
 * reports count: http_429 / http_500 … (the server refused), malformed_stream, empty_answer, timeout, network.
 */
export type LlmFailure = `http_${number}` | 'malformed_stream' | 'empty_answer' | 'timeout' | 'network'

/**
 * The one error the drafter's client throws. The message says what happened in words an operator can act on;
 * it never quotes the API key or the prompt (customer content).
 *
 * @example
 * throw new LlmError('http_429', '语言模型服务拒绝了请求（HTTP 429：请求过多），稍后再试或提高服务的限额')
 */
export class LlmError extends Error {
  constructor(readonly reason: LlmFailure, message: string) {
    super(message)
    this.name = 'LlmError'
  }
}
