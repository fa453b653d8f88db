import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A loopback stand-in for an OpenAI-compatible chat completions server (POST /v1/chat/completions), speaking the
 * protocol as OpenAI, Ollama and vLLM do: a streamed answer (SSE `data:` chunks, usage when asked, `[DONE]`) or a
 * JSON one, and the faults a real server gives (429, 500, a broken stream, a slow answer). Nothing is downloaded
 * and no model runs: the answer is whatever the test sets.
 *
 * @example
 * const llm = await startFakeChatServer()
 * llm.state.reply = { kind: 'stream', text: '可以开电子发票。' }
 * // QUNDESK_LLM_URL: llm.baseUrl
 * await llm.close()
 */

export type FakeChatReply =
  /** A streamed answer (the text cut in 3 chunks), with usage unless `usage: false`; `chunkDelayMs` between chunks; `contentType` to mislabel it. */
  | { kind: 'stream'; text: string; usage?: boolean; chunkDelayMs?: number; firstByteDelayMs?: number; contentType?: string }
  /** A plain JSON answer (stream ignored), with usage unless `usage: false`. */
  | { kind: 'json'; text: string; usage?: boolean }
  /** An HTTP error with OpenAI's error body. */
  | { kind: 'status'; status: number; message: string }
  /** A stream with a line that is not SSE (what a misconfigured proxy sends). */
  | { kind: 'malformed' }
  /** Headers at once, then nothing for `delayMs` before the answer. */
  | { kind: 'slow'; delayMs: number; text: string }

export interface FakeChatRequest {
  path: string
  authorization: string | undefined
  body: { model?: string; stream?: boolean; stream_options?: unknown; messages?: Array<{ role: string; content: string }> }
}

export interface FakeChatServer {
  baseUrl: string
  state: { reply: FakeChatReply; requests: FakeChatRequest[] }
  close(): Promise<void>
}

export const FAKE_USAGE = { prompt_tokens: 420, completion_tokens: 36, total_tokens: 456 }

export async function startFakeChatServer(): Promise<FakeChatServer> {
  const state: FakeChatServer['state'] = { reply: { kind: 'stream', text: '您好，可以开电子发票。' }, requests: [] }
  const timers = new Set<NodeJS.Timeout>()
  const later = (ms: number) => new Promise<void>((resolve) => { const t = setTimeout(() => { timers.delete(t); resolve() }, ms); timers.add(t) })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = ''
    for await (const chunk of req) raw += String(chunk)
    const body = (raw ? JSON.parse(raw) : {}) as FakeChatRequest['body']
    state.requests.push({ path: req.url ?? '', authorization: req.headers.authorization, body })
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }))
      return
    }
    const reply = state.reply
    const model = body.model ?? 'fake'
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) => `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
    switch (reply.kind) {
      case 'status':
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: reply.message, type: 'server_error' } }))
        return
      case 'json':
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
          id: 'chatcmpl-1', object: 'chat.completion', model, choices: [{ index: 0, message: { role: 'assistant', content: reply.text }, finish_reason: 'stop' }],
          ...(reply.usage === false ? {} : { usage: FAKE_USAGE }),
        }))
        return
      case 'malformed':
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        res.write(chunk({ role: 'assistant', content: '您好' }))
        res.end('<html>502 Bad Gateway</html>\n')
        return
      case 'slow':
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        res.write(': waiting\n\n')
        await later(reply.delayMs)
        if (res.destroyed) return
        res.write(chunk({ content: reply.text }, 'stop'))
        res.end('data: [DONE]\n\n')
        return
      case 'stream': {
        if (reply.firstByteDelayMs) await later(reply.firstByteDelayMs)
        res.writeHead(200, { 'content-type': reply.contentType ?? 'text/event-stream', 'cache-control': 'no-cache' })
        const chars = [...reply.text]
        const third = Math.max(1, Math.ceil(chars.length / 3))
        res.write(chunk({ role: 'assistant', content: '' }))
        for (let i = 0; i < chars.length; i += third) {
          if (reply.chunkDelayMs) await later(reply.chunkDelayMs)
          if (res.destroyed) return
          res.write(chunk({ content: chars.slice(i, i + third).join('') }))
        }
        res.write(chunk({}, 'stop'))
        const wantsUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true
        if (wantsUsage && reply.usage !== false) res.write(`data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', model, choices: [], usage: FAKE_USAGE })}\n\n`)
        res.end('data: [DONE]\n\n')
      }
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    state,
    async close() {
      for (const t of timers) clearTimeout(t)
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
