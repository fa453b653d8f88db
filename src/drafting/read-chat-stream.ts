import { LlmError } from './llm-error.js'

/** What the chat API answered: the text, the token counts when the server sent them, and the model it says it used. */
export interface ChatAnswer {
  text: string
  usage: { promptTokens: number; completionTokens: number } | null
  model: string | null
}

export interface ChatStreamParser {
  /** Takes the next piece of the response body, cut anywhere (mid-line, mid-character already decoded). */
  push(chunk: string): void
  /** The body ended: returns the answer, or throws LlmError('malformed_stream') for a stream cut short. */
  end(): ChatAnswer
}

/** The SSE fields a server may send besides data (ignored); a line starting with ':' is a comment (keep-alive). */
const OTHER_FIELDS = new Set(['event', 'id', 'retry'])

/**
 * Reads the OpenAI chat completions stream (`stream: true`): server-sent events whose `data:` lines carry JSON
 * chunks with `choices[0].delta.content`, the last one `usage` (asked for with `stream_options.include_usage`), then
 * `data: [DONE]`. Incremental, so chunks are parsed as they arrive, however the network cut them. Pure.
 *
 * Strict on purpose: a line that is not an SSE field, a data line that is not JSON, or a body that ends before
 * `[DONE]` (or a finish_reason) is a broken answer, and a broken answer is no draft: LlmError('malformed_stream')
 * says which line. An `error` object in a chunk (some servers report mid-stream failures so) is thrown too.
 *
 * @example
 * const parser = createChatStreamParser()
 * parser.push('data: {"choices":[{"delta":{"content":"您好"}}]}\n\n')
 * parser.push('data: [DONE]\n\n')
 * parser.end()   // { text: '您好', usage: null, model: null }
 */
export function createChatStreamParser(): ChatStreamParser {
  let buffer = ''
  let lineNumber = 0
  let data: string[] = []
  let text = ''
  let usage: ChatAnswer['usage'] = null
  let model: string | null = null
  let done = false
  let finished = false

  const malformed = (why: string) => new LlmError('malformed_stream', `语言模型的流式回答格式不对（第 ${lineNumber} 行：${why}）`)

  function dispatch(): void {
    if (data.length === 0) return
    const payload = data.join('\n')
    data = []
    if (done) throw malformed('[DONE] 之后还有数据')
    if (payload.trim() === '[DONE]') {
      done = true
      return
    }
    let chunk: unknown
    try {
      chunk = JSON.parse(payload)
    } catch {
      throw malformed('data 不是 JSON')
    }
    if (typeof chunk !== 'object' || chunk === null || Array.isArray(chunk)) throw malformed('data 不是 JSON 对象')
    const c = chunk as { error?: { message?: unknown }; choices?: unknown; usage?: unknown; model?: unknown }
    if (c.error !== undefined) throw new LlmError('http_500', `语言模型服务在回答中途报错：${typeof c.error?.message === 'string' ? c.error.message.slice(0, 200) : '未说明原因'}`)
    if (typeof c.model === 'string') model = c.model
    if (c.choices !== undefined && !Array.isArray(c.choices)) throw malformed('choices 不是数组')
    const choice = (c.choices as Array<{ delta?: { content?: unknown }; finish_reason?: unknown }> | undefined)?.[0]
    const content = choice?.delta?.content
    if (content !== undefined && content !== null) {
      if (typeof content !== 'string') throw malformed('delta.content 不是文字')
      text += content
    }
    if (typeof choice?.finish_reason === 'string') finished = true
    const u = c.usage as { prompt_tokens?: unknown; completion_tokens?: unknown } | null | undefined
    if (u && typeof u.prompt_tokens === 'number' && typeof u.completion_tokens === 'number') {
      usage = { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens }
    }
  }

  function line(raw: string): void {
    lineNumber++
    const l = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (l === '') return dispatch()
    if (l.startsWith(':')) return
    const colon = l.indexOf(':')
    const field = colon === -1 ? l : l.slice(0, colon)
    if (field === 'data') {
      const value = l.slice(colon + 1)
      data.push(value.startsWith(' ') ? value.slice(1) : value)
      return
    }
    if (!OTHER_FIELDS.has(field)) throw malformed(`不是 SSE 字段：「${l.slice(0, 40)}」`)
  }

  return {
    push(chunk) {
      buffer += chunk
      let at: number
      while ((at = buffer.indexOf('\n')) !== -1) {
        const next = buffer.slice(0, at)
        buffer = buffer.slice(at + 1)
        line(next)
      }
    },
    end() {
      if (buffer !== '') line(buffer)
      buffer = ''
      dispatch()
      if (!done && !finished) throw malformed('回答没有结束就断开了（没有 [DONE]）')
      return { text, usage, model }
    },
  }
}
