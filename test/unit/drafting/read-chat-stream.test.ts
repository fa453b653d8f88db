import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LlmError } from '../../../src/drafting/llm-error.js'
import { createChatStreamParser } from '../../../src/drafting/read-chat-stream.js'

/** A stream as an OpenAI-compatible server writes it: one delta per event, then usage, then [DONE]. */
function streamOf(pieces: readonly string[], options: { crlf?: boolean; usage?: boolean; comments?: boolean } = {}): string {
  const nl = options.crlf ? '\r\n' : '\n'
  const events = [
    ...(options.comments ? [': keep-alive'] : []),
    `data: ${JSON.stringify({ id: 'c1', model: 'qwen-test', choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] })}`,
    ...pieces.map((p) => `data: ${JSON.stringify({ id: 'c1', choices: [{ index: 0, delta: { content: p }, finish_reason: null }] })}`),
    `data: ${JSON.stringify({ id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}`,
    ...(options.usage ? [`data: ${JSON.stringify({ id: 'c1', choices: [], usage: { prompt_tokens: 321, completion_tokens: 45, total_tokens: 366 } })}`] : []),
    'data: [DONE]',
  ]
  return events.map((e) => `${e}${nl}${nl}`).join('')
}

/** Feeds `bytes` cut at `cuts` through a streaming TextDecoder, as the client does with the response body. */
function parseBytes(bytes: Uint8Array, cuts: readonly number[]) {
  const parser = createChatStreamParser()
  const decoder = new TextDecoder()
  let from = 0
  for (const at of [...new Set(cuts)].sort((a, b) => a - b)) {
    parser.push(decoder.decode(bytes.subarray(from, at), { stream: true }))
    from = at
  }
  parser.push(decoder.decode(bytes.subarray(from)))
  return parser.end()
}

const parseAll = (text: string) => {
  const parser = createChatStreamParser()
  parser.push(text)
  return parser.end()
}

const failure = (text: string): LlmError => {
  try {
    parseAll(text)
  } catch (error) {
    if (error instanceof LlmError) return error
    throw error
  }
  throw new Error('parsed without an error')
}

describe('createChatStreamParser', () => {
  it('reads the text, the usage and the model of a stream', () => {
    expect(parseAll(streamOf(['您好，', '可以开电子发票。'], { usage: true }))).toEqual({
      text: '您好，可以开电子发票。', usage: { promptTokens: 321, completionTokens: 45 }, model: 'qwen-test',
    })
  })

  it('gives the same answer however the network cut the bytes (mid-line, mid-character), with LF or CRLF, comments or not', () => {
    fc.assert(fc.property(
      fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 12 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      fc.boolean(), fc.boolean(), fc.boolean(),
      (pieces, rawCuts, crlf, usage, comments) => {
        const bytes = new TextEncoder().encode(streamOf(pieces, { crlf, usage, comments }))
        const cuts = rawCuts.map((c) => c % (bytes.length + 1))
        const answer = parseBytes(bytes, cuts)
        // What a UTF-8 round trip makes of the pieces (a lone surrogate becomes U+FFFD, as on the wire).
        const expected = new TextDecoder().decode(new TextEncoder().encode(pieces.join('')))
        expect(answer.text).toBe(expected)
        expect(answer.usage).toEqual(usage ? { promptTokens: 321, completionTokens: 45 } : null)
      },
    ), { numRuns: 300 })
  })

  it('joins multi-line data of one event as SSE says, and ignores event:, id: and retry: fields', () => {
    const text = 'event: message\nid: 1\nretry: 1000\ndata: {"choices":[{"delta":\ndata: {"content":"好的"}}]}\n\ndata: [DONE]\n\n'
    expect(parseAll(text).text).toBe('好的')
  })

  it('accepts a stream that ends with a finish_reason but no [DONE] and no blank line after the last event', () => {
    expect(parseAll('data: {"choices":[{"delta":{"content":"好"},"finish_reason":"stop"}]}').text).toBe('好')
  })

  it.each([
    ['a data line that is not JSON', 'data: {"choices":[{"delta":{"content":"好"}}]}\n\ndata: {not json\n\n', /第 4 行：data 不是 JSON/],
    ['a line that is no SSE field', 'data: {"choices":[]}\n\nHTTP/1.1 200 OK\n', /第 3 行：不是 SSE 字段：「HTTP\/1.1 200 OK」/],
    ['a body cut before [DONE]', 'data: {"choices":[{"delta":{"content":"好"}}]}\n\n', /没有 \[DONE\]/],
    ['data after [DONE]', 'data: [DONE]\n\ndata: {"choices":[]}\n\n', /\[DONE\] 之后还有数据/],
    ['content that is not text', 'data: {"choices":[{"delta":{"content":42}}]}\n\n', /delta\.content 不是文字/],
    ['choices that is no array', 'data: {"choices":{}}\n\n', /choices 不是数组/],
    ['JSON that is no object', 'data: [1,2]\n\n', /不是 JSON 对象/],
  ])('refuses %s with a clear message', (_what, text, message) => {
    const error = failure(text)
    expect(error.reason).toBe('malformed_stream')
    expect(error.message).toMatch(message)
  })

  it('reports an error object sent mid-stream as the server failing', () => {
    const error = failure('data: {"choices":[{"delta":{"content":"好"}}]}\n\ndata: {"error":{"message":"model overloaded"}}\n\n')
    expect(error.reason).toBe('http_500')
    expect(error.message).toContain('model overloaded')
  })

  it('never throws anything but LlmError on arbitrary input', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 8 }), (chunks) => {
      const parser = createChatStreamParser()
      try {
        for (const chunk of chunks) parser.push(chunk)
        parser.end()
      } catch (error) {
        expect(error).toBeInstanceOf(LlmError)
      }
    }), { numRuns: 300 })
  })
})
