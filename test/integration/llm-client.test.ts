import { afterEach, describe, expect, it } from 'vitest'
import { createChatClient } from '../../src/drafting/chat-completions-client.js'
import { LlmError } from '../../src/drafting/llm-error.js'
import { startFakeChatServer, type FakeChatServer } from '../support/fake-chat-server.js'

let llm: FakeChatServer | undefined
afterEach(async () => {
  await llm?.close()
  llm = undefined
})

const KEY = 'sk-test-do-not-log-0123456789'
const ask = [{ role: 'user' as const, content: '能开发票吗' }]

async function failureOf(promise: Promise<unknown>): Promise<LlmError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof LlmError) return error
    throw error
  }
  throw new Error('answered without an error')
}

describe('the chat completions client (loopback server speaking the protocol)', () => {
  it('streams the answer with usage, sending the key as a bearer token and asking for usage', async () => {
    llm = await startFakeChatServer()
    llm.state.reply = { kind: 'stream', text: '您好，可以开电子发票。', chunkDelayMs: 5 }
    const chat = createChatClient({ url: llm.baseUrl, model: 'qwen-test', apiKey: KEY, timeoutMs: 5000 })
    const answer = await chat.complete(ask)
    expect(answer).toMatchObject({ text: '您好，可以开电子发票。', usage: { promptTokens: 420, completionTokens: 36 }, model: 'qwen-test' })
    expect(answer.latencyMs).toBeGreaterThanOrEqual(0)
    const request = llm.state.requests[0]!
    expect(request.authorization).toBe(`Bearer ${KEY}`)
    expect(request.body).toMatchObject({ model: 'qwen-test', stream: true, stream_options: { include_usage: true }, messages: ask })
  })

  it('reads a plain JSON answer from a server that does not stream, and leaves usage null when there is none', async () => {
    llm = await startFakeChatServer()
    llm.state.reply = { kind: 'json', text: '好的', usage: false }
    const answer = await createChatClient({ url: `${llm.baseUrl}/`, model: 'm', timeoutMs: 5000 }).complete(ask)
    expect(answer).toMatchObject({ text: '好的', usage: null })
    expect(llm.state.requests[0]!.authorization).toBeUndefined()
  })

  it('reads a stream a proxy relabelled as text/plain', async () => {
    llm = await startFakeChatServer()
    llm.state.reply = { kind: 'stream', text: '您好，可以开电子发票。', contentType: 'text/plain; charset=utf-8' }
    const answer = await createChatClient({ url: llm.baseUrl, model: 'm', timeoutMs: 5000 }).complete(ask)
    expect(answer).toMatchObject({ text: '您好，可以开电子发票。', usage: { promptTokens: 420, completionTokens: 36 } })
  })

  it.each([
    [{ kind: 'status', status: 429, message: 'Rate limit reached' } as const, 'http_429', /HTTP 429，请求过多.*Rate limit reached/],
    [{ kind: 'status', status: 500, message: 'internal error' } as const, 'http_500', /HTTP 500，服务出错/],
    [{ kind: 'status', status: 401, message: 'Incorrect API key' } as const, 'http_401', /QUNDESK_LLM_API_KEY/],
    [{ kind: 'malformed' } as const, 'malformed_stream', /不是 SSE 字段/],
    [{ kind: 'stream', text: '   ' } as const, 'empty_answer', /空回答/],
  ])('says what went wrong: %j', async (reply, reason, message) => {
    llm = await startFakeChatServer()
    llm.state.reply = reply
    const error = await failureOf(createChatClient({ url: llm.baseUrl, model: 'm', apiKey: KEY, timeoutMs: 5000 }).complete(ask))
    expect(error.reason).toBe(reason)
    expect(error.message).toMatch(message)
    expect(error.message).not.toContain(KEY)
  })

  it('never quotes a key the server echoes: a 401 reason is left out, key-like text in others is blanked', async () => {
    llm = await startFakeChatServer()
    const chat = createChatClient({ url: llm.baseUrl, model: 'm', apiKey: KEY, timeoutMs: 5000 })
    llm.state.reply = { kind: 'status', status: 401, message: `Incorrect API key provided: sk-test-****6789` }
    const refused = await failureOf(chat.complete(ask))
    expect(refused.message).not.toMatch(/sk-|6789/)
    llm.state.reply = { kind: 'status', status: 429, message: `Quota for ${KEY} exceeded (key sk-proj-****abcd)` }
    const limited = await failureOf(chat.complete(ask))
    expect(limited.message).toContain('Quota for [key] exceeded (key [key])')
  })

  it('gives up after the timeout, whether the server is slow to start or stalls mid-stream', async () => {
    llm = await startFakeChatServer()
    const chat = createChatClient({ url: llm.baseUrl, model: 'm', timeoutMs: 300 })
    for (const reply of [{ kind: 'slow', delayMs: 3000, text: '太晚了' } as const, { kind: 'stream', text: '太晚了', firstByteDelayMs: 3000 } as const]) {
      llm.state.reply = reply
      const started = Date.now()
      const error = await failureOf(chat.complete(ask))
      expect(error.reason).toBe('timeout')
      expect(error.message).toContain('300 毫秒')
      expect(Date.now() - started).toBeLessThan(2500)
    }
  })

  it('reports a server that is not there as a network problem', async () => {
    llm = await startFakeChatServer()
    const url = llm.baseUrl
    await llm.close()
    llm = undefined
    const error = await failureOf(createChatClient({ url, model: 'm', timeoutMs: 2000 }).complete(ask))
    expect(error.reason).toBe('network')
    expect(error.message).toMatch(/ECONNREFUSED/)
  })
})
