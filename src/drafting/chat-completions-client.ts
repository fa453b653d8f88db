import { LlmError } from './llm-error.js'
import { createChatStreamParser, type ChatAnswer } from './read-chat-stream.js'

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export interface ChatClient {
  /** The model's answer to `messages`, streamed and read to the end; throws LlmError (timeout included). */
  complete(messages: readonly ChatMessage[]): Promise<ChatAnswer & { latencyMs: number }>
}

/** An answer far longer than any reply to a customer is a server gone wrong: stop reading it. */
const MAX_BODY_CHARS = 256_000
/** A reply in a customer group is a few sentences; the cap also bounds the cost of one draft. */
const MAX_ANSWER_TOKENS = 512

/**
 * A client for the OpenAI-compatible chat completions API (OpenAI, DeepSeek, Qwen/DashScope, Ollama, vLLM,
 * llama.cpp …) over plain fetch: POST {url}/chat/completions with `stream: true` and usage asked for; a server that
 * answers plain JSON instead of a stream is read too. The whole request, body included, is bounded by `timeoutMs`.
 * The API key goes in the Authorization header only: it is never in a URL, an error message or a log line.
 *
 * @example
 * const chat = createChatClient({ url: 'http://127.0.0.1:11434/v1', model: 'qwen2.5:7b-instruct', timeoutMs: 15_000 })
 * const answer = await chat.complete([{ role: 'user', content: '你好' }])   // { text, usage, model, latencyMs }
 */
export function createChatClient(deps: {
  url: string; model: string; apiKey?: string | undefined; timeoutMs: number
  fetch?: typeof fetch; now?: () => number
}): ChatClient {
  const doFetch = deps.fetch ?? fetch
  const now = deps.now ?? (() => performance.now())
  const endpoint = `${deps.url.replace(/\/+$/, '')}/chat/completions`

  return {
    async complete(messages) {
      const started = now()
      const signal = AbortSignal.timeout(deps.timeoutMs)
      try {
        const response = await doFetch(endpoint, {
          method: 'POST',
          signal,
          headers: {
            'content-type': 'application/json',
            accept: 'text/event-stream, application/json',
            ...(deps.apiKey ? { authorization: `Bearer ${deps.apiKey}` } : {}),
          },
          body: JSON.stringify({
            model: deps.model, messages, stream: true, stream_options: { include_usage: true }, temperature: 0.2, max_tokens: MAX_ANSWER_TOKENS,
          }),
        })
        if (!response.ok) throw await httpError(response, deps.apiKey)
        const type = response.headers.get('content-type') ?? ''
        const answer = type.includes('text/event-stream') ? await readStream(response) : readUnlabelled(await readBody(response))
        if (answer.text.trim() === '') throw new LlmError('empty_answer', '语言模型返回了空回答')
        return { ...answer, text: answer.text.trim(), latencyMs: Math.round(now() - started) }
      } catch (error) {
        if (error instanceof LlmError) throw error
        if (signal.aborted) throw new LlmError('timeout', `语言模型在 ${deps.timeoutMs} 毫秒内没有答完（QUNDESK_LLM_TIMEOUT_MS）`)
        // fetch's TypeError says "fetch failed"; its cause names the socket problem (ECONNREFUSED …), never the key.
        const cause = (error as { cause?: { code?: unknown } })?.cause?.code
        throw new LlmError('network', `连不上语言模型服务 ${endpoint}${typeof cause === 'string' ? `（${cause}）` : ''}`)
      }
    },
  }
}

/** The body's bytes as they arrive; the reader is released if reading stops early (an error, the size cap). */
async function* chunksOf(response: Response): AsyncGenerator<Uint8Array> {
  if (!response.body) return
  const reader = response.body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    reader.cancel().catch(() => undefined)
  }
}

async function readBody(response: Response): Promise<string> {
  let text = ''
  const decoder = new TextDecoder()
  for await (const chunk of chunksOf(response)) {
    text += decoder.decode(chunk, { stream: true })
    if (text.length > MAX_BODY_CHARS) throw new LlmError('malformed_stream', '语言模型的回答长得不正常，已停止读取')
  }
  return text + decoder.decode()
}

async function readStream(response: Response): Promise<ChatAnswer> {
  const parser = createChatStreamParser()
  const decoder = new TextDecoder()
  let size = 0
  for await (const chunk of chunksOf(response)) {
    const text = decoder.decode(chunk, { stream: true })
    size += text.length
    if (size > MAX_BODY_CHARS) throw new LlmError('malformed_stream', '语言模型的回答长得不正常，已停止读取')
    parser.push(text)
  }
  parser.push(decoder.decode())
  return parser.end()
}

/** A body without the event-stream type: a JSON answer, or a stream some proxies relabel (text/plain). */
function readUnlabelled(body: string): ChatAnswer {
  if (!/^\s*(data|:)/.test(body)) return readJson(body)
  const parser = createChatStreamParser()
  parser.push(body)
  return parser.end()
}

/** A non-streaming answer: `choices[0].message.content` and `usage`. */
function readJson(body: string): ChatAnswer {
  let value: { choices?: Array<{ message?: { content?: unknown } }>; usage?: { prompt_tokens?: unknown; completion_tokens?: unknown }; model?: unknown }
  try {
    value = JSON.parse(body) as typeof value
  } catch {
    throw new LlmError('malformed_stream', '语言模型的回答既不是流式数据也不是 JSON')
  }
  const content = value?.choices?.[0]?.message?.content
  if (content !== undefined && content !== null && typeof content !== 'string') throw new LlmError('malformed_stream', '语言模型回答里的 message.content 不是文字')
  const u = value?.usage
  return {
    text: content ?? '',
    usage: u && typeof u.prompt_tokens === 'number' && typeof u.completion_tokens === 'number' ? { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens } : null,
    model: typeof value?.model === 'string' ? value.model : null,
  }
}

const STATUS_HINT: Record<number, string> = {
  401: 'API key 不对或缺失（QUNDESK_LLM_API_KEY）',
  403: '没有使用这个模型的权限',
  404: '地址或模型名不对（QUNDESK_LLM_URL 应以 /v1 结尾；QUNDESK_LLM_MODEL）',
  429: '请求过多或额度用完，稍后再试或提高服务的限额',
}

/**
 * The server refused: its status, what it usually means, and its own short reason (never our request). A 401/403
 * reason is left out (OpenAI's quotes the key, partly masked: "Incorrect API key provided: sk-proj-****abcd"), and
 * anything key-like in other reasons is blanked.
 */
async function httpError(response: Response, apiKey: string | undefined): Promise<LlmError> {
  let reason = ''
  try {
    const body = (await response.text()).slice(0, 2000)
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string }
    const message = typeof parsed.error === 'string' ? parsed.error : parsed.error?.message
    const aboutTheKey = response.status === 401 || response.status === 403
    if (typeof message === 'string' && !aboutTheKey) reason = `：${withoutKeys(message.slice(0, 200), apiKey)}`
  } catch {
    // Not JSON: the status says enough.
  }
  const hint = STATUS_HINT[response.status] ?? (response.status >= 500 ? '服务出错，稍后再试' : '请求被拒绝')
  return new LlmError(`http_${response.status}`, `语言模型服务拒绝了请求（HTTP ${response.status}，${hint}）${reason}`)
}

/** A server's message with the key and anything shaped like one (sk-…, masked or not) blanked. */
function withoutKeys(message: string, apiKey: string | undefined): string {
  const blanked = apiKey ? message.split(apiKey).join('[key]') : message
  return blanked.replace(/\b(sk|key|api[-_]?key)[-_][\w*.-]{4,}/gi, '[key]')
}
