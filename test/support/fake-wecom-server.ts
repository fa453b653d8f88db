import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A loopback stand-in for qyapi.weixin.qq.com: gettoken, 客户群 list/get, the group robot and an AI-bot
 * response_url, with WeCom's errcodes and fault injection. Point a client's baseUrl at `baseUrl`.
 *
 * @example
 * const wecom = await startFakeWecom({ corpId: 'ww-test', secret: 's3cret' })
 * wecom.state.groups.push(fakeGroupChat('wr-1'))
 * const client = createWecomApiClient({ corpId: 'ww-test', secret: 's3cret', baseUrl: wecom.baseUrl, clock, logger })
 * await wecom.close()
 */

/** A customer group as WeCom's groupchat/get returns it (raw, so tests can break it), plus its list status. */
export interface FakeGroupChat {
  chat_id: string
  /** 跟进状态 for groupchat/list; not part of groupchat/get. */
  status?: number
  owner?: unknown
  [field: string]: unknown
}

export type FakeFault =
  /** Drops the connection without answering. */
  | 'network'
  /** HTTP 500 with an HTML body. */
  | '500'
  /** errcode -1 系统繁忙. */
  | 'busy'
  /** errcode 45009 接口调用超过限制. */
  | 'frequency'
  /** Any errcode. */
  | { errcode: number; errmsg?: string }

export interface FakeWebhookMessage {
  key: string
  body: Record<string, unknown>
  /** `now()` when it arrived. */
  at: number
}

export interface FakeRequest {
  method: string
  path: string
  query: Record<string, string>
  body: unknown
}

export interface FakeWecomState {
  groups: FakeGroupChat[]
  /** Accepted group-robot messages, in order. */
  webhookMessages: FakeWebhookMessage[]
  /** Every POST to a response_url, accepted or not. */
  responsePosts: Array<{ id: string; body: unknown; accepted: boolean }>
  /** Every request received (including the ones a fault answered). */
  requests: FakeRequest[]
  /** Every access token issued, oldest first. */
  issuedTokens: string[]
  /** How many gettoken calls succeeded. */
  readonly tokenFetches: number
  /** Marks every issued token expired: API calls with them get 42001. */
  expireTokens(): void
  /** Forgets every issued token: API calls with them get 40014. */
  revokeTokens(): void
  /** The next `n` requests (to `path`, if given) fail this way, before any other check. */
  failNext(n: number, fault: FakeFault, options?: { path?: string }): void
  /** The next request to `path` gets this JSON body verbatim (HTTP 200), e.g. a malformed groupchat/get. */
  respondNext(path: string, body: unknown): void
  /** A fresh one-shot response_url; the first POST is accepted, later ones get errcode 40058. */
  responseUrl(id: string): string
}

export interface FakeWecomOptions {
  corpId: string
  secret: string
  /** The only robot key webhook/send accepts; others get 93000. Default 'test-webhook-key'. */
  webhookKey?: string
  /** expires_in of issued tokens; default 7200. */
  tokenTtlSeconds?: number
  /** Stamps webhook messages (and the robot's own limit); default Date.now. Pass a test's fake clock. */
  now?: () => number
  /** When set, webhook/send answers 45009 beyond this many accepted messages in any 60 s (by `now`). */
  webhookPerMinute?: number
}

export interface FakeWecom {
  baseUrl: string
  state: FakeWecomState
  close(): Promise<void>
}

/** A valid raw group with an owner (staff, scene 1) and one external customer (scene 3), for tests to tweak. */
export function fakeGroupChat(chatId: string, overrides: Partial<FakeGroupChat> = {}): FakeGroupChat {
  return {
    chat_id: chatId,
    status: 0,
    name: `客户群 ${chatId}`,
    owner: 'zhangsan',
    create_time: 1_700_000_000,
    notice: '文明沟通',
    member_list: [
      { userid: 'zhangsan', type: 1, join_time: 1_700_000_000, join_scene: 1, group_nickname: '客服小张', name: '张三' },
      {
        userid: `wm-${chatId}-1`,
        type: 2,
        unionid: `union-${chatId}-1`,
        join_time: 1_700_000_600,
        join_scene: 3,
        invitor: { userid: 'zhangsan' },
        name: '王女士',
      },
    ],
    admin_list: [{ userid: 'lisi' }],
    member_version: `v-${chatId}-1`,
    ...overrides,
  }
}

const USED_RESPONSE_URL_ERRCODE = 40058

export async function startFakeWecom(options: FakeWecomOptions): Promise<FakeWecom> {
  const now = options.now ?? Date.now
  const ttl = options.tokenTtlSeconds ?? 7200
  const webhookKey = options.webhookKey ?? 'test-webhook-key'
  const tokens = new Map<string, { expired: boolean }>()
  const faults: Array<{ remaining: number; fault: FakeFault; path?: string }> = []
  const canned = new Map<string, unknown[]>()
  const responseIds = new Map<string, { used: boolean }>()
  let tokenFetches = 0
  let baseUrl = ''

  const state: FakeWecomState = {
    groups: [],
    webhookMessages: [],
    responsePosts: [],
    requests: [],
    issuedTokens: [],
    get tokenFetches() {
      return tokenFetches
    },
    expireTokens() {
      for (const entry of tokens.values()) entry.expired = true
    },
    revokeTokens() {
      tokens.clear()
    },
    failNext(n, fault, faultOptions) {
      faults.push({ remaining: n, fault, ...(faultOptions?.path ? { path: faultOptions.path } : {}) })
    },
    respondNext(path, body) {
      canned.set(path, [...(canned.get(path) ?? []), body])
    },
    responseUrl(id) {
      responseIds.set(id, { used: false })
      return `${baseUrl}/cgi-bin/aibot/response?response_code=${encodeURIComponent(id)}`
    },
  }

  const json = (res: ServerResponse, body: unknown, status = 200) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(body))
  }
  const err = (res: ServerResponse, errcode: number, errmsg: string) => json(res, { errcode, errmsg })
  const ok = (res: ServerResponse, body: Record<string, unknown> = {}) => json(res, { errcode: 0, errmsg: 'ok', ...body })

  /** Like WeCom: 41001 missing, 40014 unknown, 42001 expired. Answers and returns false when invalid. */
  const checkToken = (res: ServerResponse, query: Record<string, string>): boolean => {
    const token = query.access_token
    if (!token) return (err(res, 41001, 'access_token missing'), false)
    const entry = tokens.get(token)
    if (!entry) return (err(res, 40014, 'invalid access_token'), false)
    if (entry.expired) return (err(res, 42001, 'access_token expired'), false)
    return true
  }

  const takeFault = (path: string): FakeFault | undefined => {
    const index = faults.findIndex((f) => f.remaining > 0 && (f.path === undefined || f.path === path))
    if (index < 0) return undefined
    const entry = faults[index]!
    entry.remaining -= 1
    if (entry.remaining === 0) faults.splice(index, 1)
    return entry.fault
  }

  const encodeCursor = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url')
  const decodeCursor = (cursor: string): number | undefined => {
    const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString())
    return match ? Number(match[1]) : undefined
  }

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    const path = url.pathname
    const query = Object.fromEntries(url.searchParams)
    let body: unknown
    try {
      body = raw ? JSON.parse(raw) : undefined
    } catch {
      return err(res, 47001, 'data format error (fake: body is not JSON)')
    }
    state.requests.push({ method: req.method ?? '', path, query, body })
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>

    const fault = takeFault(path)
    if (fault === 'network') return void req.socket.destroy()
    if (fault === '500') {
      res.writeHead(500, { 'content-type': 'text/html' })
      return void res.end('<html><body>500 Internal Server Error</body></html>')
    }
    if (fault === 'busy') return err(res, -1, 'system busy')
    if (fault === 'frequency') return err(res, 45009, 'api freq out of limit')
    if (fault) return err(res, fault.errcode, fault.errmsg ?? `fake errcode ${fault.errcode}`)

    const cannedBodies = canned.get(path)
    if (cannedBodies?.length) {
      const next = cannedBodies.shift()
      if (cannedBodies.length === 0) canned.delete(path)
      return json(res, next)
    }

    if (path === '/cgi-bin/gettoken' && req.method === 'GET') {
      if (!query.corpid) return err(res, 41002, 'corpid missing')
      if (!query.corpsecret) return err(res, 41004, 'corpsecret missing')
      if (query.corpid !== options.corpId) return err(res, 40013, 'invalid corpid')
      if (query.corpsecret !== options.secret) return err(res, 40001, 'invalid credential')
      const token = `fake-token-${state.issuedTokens.length + 1}-${randomBytes(12).toString('hex')}`
      tokens.set(token, { expired: false })
      state.issuedTokens.push(token)
      tokenFetches += 1
      return ok(res, { access_token: token, expires_in: ttl })
    }

    if (path === '/cgi-bin/externalcontact/groupchat/list' && req.method === 'POST') {
      if (!checkToken(res, query)) return
      const limit = b.limit
      if (typeof limit !== 'number' || limit < 1 || limit > 1000) return err(res, 40058, 'invalid limit (1~1000)')
      const statusFilter = typeof b.status_filter === 'number' ? b.status_filter : 0
      const ownerFilter = (b.owner_filter as { userid_list?: unknown } | undefined)?.userid_list
      if (Array.isArray(ownerFilter) && ownerFilter.length > 100) return err(res, 40058, 'owner_filter.userid_list over 100')
      const matching = state.groups.filter(
        (g) => (statusFilter === 0 || (g.status ?? 0) === statusFilter) && (!Array.isArray(ownerFilter) || ownerFilter.includes(g.owner)),
      )
      const cursor = typeof b.cursor === 'string' ? b.cursor : ''
      const offset = cursor === '' ? 0 : decodeCursor(cursor)
      if (offset === undefined) return err(res, 40058, 'invalid cursor')
      const page = matching.slice(offset, offset + limit)
      const more = offset + limit < matching.length
      return ok(res, {
        group_chat_list: page.map((g) => ({ chat_id: g.chat_id, status: g.status ?? 0 })),
        next_cursor: more ? encodeCursor(offset + limit) : '',
      })
    }

    if (path === '/cgi-bin/externalcontact/groupchat/get' && req.method === 'POST') {
      if (!checkToken(res, query)) return
      const group = state.groups.find((g) => g.chat_id === b.chat_id)
      if (!group) return err(res, 40050, 'chatid not found')
      const { status: _status, ...detail } = group
      if (b.need_name !== 1 && Array.isArray(detail.member_list)) {
        detail.member_list = detail.member_list.map((m: unknown) => {
          const { name: _name, ...rest } = m as Record<string, unknown>
          return rest
        })
      }
      return ok(res, { group_chat: detail })
    }

    if (path === '/cgi-bin/webhook/send' && req.method === 'POST') {
      if (query.key !== webhookKey) return err(res, 93000, 'invalid webhook url')
      const msgtype = b.msgtype
      const payload = (typeof msgtype === 'string' ? b[msgtype] : undefined) as { content?: unknown } | undefined
      if (msgtype !== 'text' && msgtype !== 'markdown') return err(res, 40008, 'invalid message type')
      if (typeof payload?.content !== 'string' || payload.content === '') return err(res, 44004, 'empty content')
      const limit = msgtype === 'text' ? 2048 : 4096
      if (Buffer.byteLength(payload.content) > limit) return err(res, 40058, `content exceed max length ${limit}`)
      const at = now()
      if (options.webhookPerMinute !== undefined) {
        const recent = state.webhookMessages.filter((m) => m.key === query.key && m.at > at - 60_000).length
        if (recent >= options.webhookPerMinute) return err(res, 45009, 'api freq out of limit')
      }
      state.webhookMessages.push({ key: query.key, body: b, at })
      return ok(res)
    }

    if (path === '/cgi-bin/aibot/response' && req.method === 'POST') {
      const id = query.response_code ?? ''
      const entry = responseIds.get(id)
      const accepted = entry !== undefined && !entry.used
      state.responsePosts.push({ id, body, accepted })
      if (!accepted) return err(res, USED_RESPONSE_URL_ERRCODE, 'invalid response_code (fake: unknown or already used)')
      entry.used = true
      return ok(res)
    }

    res.writeHead(404, { 'content-type': 'text/plain' })
    res.end(`fake WeCom: no route for ${req.method} ${path}`)
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    baseUrl,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
