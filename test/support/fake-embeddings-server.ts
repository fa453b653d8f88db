import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/**
 * A loopback server speaking the OpenAI-compatible embeddings protocol (`POST /v1/embeddings`, `{ model, input }`,
 * `{ object: 'list', data: [{ object: 'embedding', index, embedding }], model, usage }`), as Ollama, Xinference,
 * vLLM and TEI answer it, with faults to inject. No model is involved: a text's vector is a hashed bag of its
 * characters and bigrams plus a few "concept" buckets (快递/包裹/货/物流 all land on one), so paraphrases are close
 * and some words the offline matcher cannot relate are — the way a real model behaves, deterministically.
 *
 * @example
 * const provider = await startFakeEmbeddings({ apiKey: 'sk-test' })
 * // QUNDESK_EMBEDDINGS_URL=provider.baseUrl, QUNDESK_EMBEDDINGS_MODEL=provider.model
 * provider.fault = { kind: 'status', status: 500 }
 * await provider.close()
 */
export type EmbeddingsFault =
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'malformed-json' }
  | { kind: 'wrong-dimension' }
  | { kind: 'slow'; ms: number }
  | { kind: 'drop' }

export interface FakeEmbeddings {
  /** e.g. http://127.0.0.1:41234/v1 */
  baseUrl: string
  model: string
  /** Every request's inputs, in arrival order (also faulted ones). */
  requests: Array<{ input: string[]; authorization: string | undefined; model: unknown }>
  /** The fault applied to every request while set; undefined answers normally. */
  fault: EmbeddingsFault | undefined
  /** Texts embedded so far (successful answers only). */
  embedded(): string[]
  close(): Promise<void>
}

export const FAKE_DIMENSION = 64

/** Words a real model knows to be near each other; each group adds weight to one shared bucket. */
const CONCEPTS: ReadonlyArray<readonly string[]> = [
  ['快递', '包裹', '物流', '货', '件', '寄', '送到', '到哪'],
  ['退款', '退钱', '钱', '到账', '退回'],
  ['发票', '开票', '抬头', '报销'],
  ['几点', '上班', '下班', '时间', '在线', '营业'],
]

/** The fake model's vector: deterministic, so tests can assert exact behaviour. */
export function fakeEmbedding(text: string, dimension = FAKE_DIMENSION): number[] {
  const v = new Array<number>(dimension).fill(0)
  const bucket = (token: string) => createHash('sha256').update(token).digest().readUInt32LE(0) % (dimension - CONCEPTS.length)
  const chars = [...text]
  for (const c of chars) v[bucket(c)]! += 1
  for (let i = 0; i + 1 < chars.length; i++) v[bucket(chars[i]! + chars[i + 1]!)]! += 1
  CONCEPTS.forEach((words, k) => {
    const hits = words.filter((w) => text.includes(w)).length
    if (hits > 0) v[dimension - CONCEPTS.length + k]! += 4 + hits
  })
  return v
}

export async function startFakeEmbeddings(options: { apiKey?: string; model?: string } = {}): Promise<FakeEmbeddings> {
  const model = options.model ?? 'fake-bge'
  const requests: FakeEmbeddings['requests'] = []
  const embedded: string[] = []
  const sockets = new Set<Socket>()
  const state: { fault: EmbeddingsFault | undefined } = { fault: undefined }

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy())
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    if (req.method !== 'POST' || req.url !== '/v1/embeddings') return send(res, 404, { error: { message: `no route ${req.method} ${req.url}` } })
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model?: unknown; input?: unknown }
    const input = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input)]
    requests.push({ input, authorization: req.headers.authorization, model: body.model })
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return send(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } })
    }
    if (body.model !== model) return send(res, 404, { error: { message: `model "${String(body.model)}" not found, try pulling it first` } })
    const fault = state.fault
    if (fault?.kind === 'drop') return void res.destroy()
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, { 'content-type': 'application/json' })
      return void res.end(fault.body ?? JSON.stringify({ error: { message: fault.status === 429 ? 'rate limit exceeded' : 'internal error' } }))
    }
    if (fault?.kind === 'malformed-json') {
      res.writeHead(200, { 'content-type': 'application/json' })
      return void res.end('{"object":"list","data":[{"embedding":[0.1,')
    }
    if (fault?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.ms))
    const data = input.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text, fault?.kind === 'wrong-dimension' ? FAKE_DIMENSION / 2 : FAKE_DIMENSION) }))
    if (fault?.kind !== 'wrong-dimension') embedded.push(...input)
    // Listed in reverse: the client must order by index, as some servers do not keep input order.
    send(res, 200, { object: 'list', data: data.reverse(), model, usage: { prompt_tokens: 0, total_tokens: 0 } })
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    model,
    requests,
    get fault() {
      return state.fault
    },
    set fault(value) {
      state.fault = value
    },
    embedded: () => [...embedded],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}
