import type { Clock } from '../../core/clock.js'
import { QunDeskError } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'
import { wellFormedDeep } from '../../core/well-formed-text.js'
import { BUSY_ERRCODE, TOKEN_ERRCODES, wecomError } from './wecom-errors.js'

// ---------------------------------------------------------------------------------------------------------------
// The transport shared by every outbound WeCom call (API client, group robot, AI-bot response_url).
// ---------------------------------------------------------------------------------------------------------------

/** What one WeCom HTTP call needs; every part injectable so tests run without waiting. */
export interface WecomHttp {
  fetch: typeof fetch
  sleep: (ms: number) => Promise<void>
  /** In [0, 1): spreads retries so several QunDesk instances do not retry in step. */
  random: () => number
  logger: Logger
  timeoutMs: number
}

/** What every WeCom caller lets tests inject; each has a production default. */
export interface WecomTransportOptions {
  logger: Logger
  fetch?: typeof fetch
  /** Waits between retries (and the webhook's pacing); tests pass one that moves their fake clock. */
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  /** Per request; default 10 s. */
  timeoutMs?: number
}

/** The transport settings with the defaults filled in. */
export function wecomHttp(options: Omit<WecomTransportOptions, 'logger'>, logger: Logger): WecomHttp {
  return {
    fetch: options.fetch ?? globalThis.fetch,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
    logger,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  }
}

export interface WecomRequest {
  method: 'GET' | 'POST'
  /** The full URL; its query may carry secrets (access_token, corpsecret, key), so it never reaches a log. */
  url: string
  /** What logs and errors show instead of the URL. */
  path: string
  body?: unknown
  /** Tries in all, transient failures only; default 3. */
  attempts?: number
  /**
   * A one-shot endpoint (the AI bot's response_url): retry only when WeCom cannot have processed the request
   * (connection refused / DNS failure, HTTP 5xx, errcode -1), never after a timeout or a dropped answer.
   */
  oneShot?: boolean
}

/** A WeCom answer that got past transport errors: errcode may still be non-zero (the caller explains it). */
export interface WecomReply {
  errcode: number
  errmsg: string
  [field: string]: unknown
}

export const DEFAULT_TIMEOUT_MS = 10_000
const DEFAULT_ATTEMPTS = 3
const BACKOFF_BASE_MS = 200
/** Errors that mean the request never left this machine or never reached a server. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])
const SECRET_PARAMS = /\b(access_token|corpsecret|key|response_code)=[^&\s"']*/gi

/**
 * The default sleep. Deliberately a ref'd timer: with an unref'd one, a CLI awaiting a retry would simply exit
 * (Node does not wait for pending promises). Retry waits are short (~1 s in all).
 */
export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** 200 ms, 800 ms, 3.2 s … each ±25 %. */
export function backoffMs(retry: number, random: () => number): number {
  return Math.round(BACKOFF_BASE_MS * 4 ** (retry - 1) * (0.75 + random() * 0.5))
}

/** Removes secret query values from text that may quote a URL (fetch's "Failed to parse URL from …"). */
export function scrubSecrets(text: string): string {
  return text.replace(SECRET_PARAMS, '$1=***')
}

type Attempt =
  | { kind: 'reply'; reply: WecomReply }
  | { kind: 'transient'; reason: string; retryable: boolean; error?: unknown }

/**
 * One WeCom call with timeouts and retries: network errors, HTTP 5xx/429 and errcode -1 are retried with
 * exponential backoff and jitter, then reported as `channel_unavailable`. Any other errcode is returned, not
 * thrown, so each caller can apply its own rules (token refresh, 45009 pacing) before `wecomError`.
 *
 * @example
 * const reply = await callWecom(http, { method: 'GET', url: tokenUrl, path: '/cgi-bin/gettoken' })
 * if (reply.errcode !== 0) throw wecomError(reply.errcode, reply.errmsg, { path: '/cgi-bin/gettoken' })
 */
export async function callWecom(http: WecomHttp, request: WecomRequest): Promise<WecomReply> {
  const attempts = Math.max(1, request.attempts ?? DEFAULT_ATTEMPTS)
  let last: Extract<Attempt, { kind: 'transient' }> | undefined
  let tried = 0
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (last) {
      const delayMs = backoffMs(attempt - 1, http.random)
      http.logger.warn({ path: request.path, attempt, delayMs, reason: last.reason }, 'WeCom request failed; retrying')
      await http.sleep(delayMs)
    }
    tried = attempt
    const outcome = await attemptOnce(http, request)
    if (outcome.kind === 'reply') return outcome.reply
    last = outcome
    if (!outcome.retryable) break
  }
  const reason = last?.reason ?? 'unknown'
  http.logger.error({ path: request.path, attempts: tried, reason }, 'WeCom request failed')
  throw new QunDeskError(
    'channel_unavailable',
    `企业微信接口 ${request.path} 暂时不可用（尝试 ${tried} 次均失败）：${reason}`,
    { path: request.path, attempts: tried, reason },
    { cause: scrubError(last?.error) },
  )
}

async function attemptOnce(http: WecomHttp, request: WecomRequest): Promise<Attempt> {
  const { path } = request
  http.logger.debug({ path, method: request.method }, 'WeCom request')
  let response: Response
  try {
    response = await http.fetch(request.url, {
      method: request.method,
      ...(request.body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(request.body) }),
      signal: AbortSignal.timeout(http.timeoutMs),
    })
  } catch (error) {
    const code = errorCode(error)
    return {
      kind: 'transient',
      reason: describeNetworkError(error, http.timeoutMs),
      retryable: !request.oneShot || (code !== undefined && NEVER_SENT.has(code)),
      error,
    }
  }
  let text: string
  try {
    text = await response.text()
  } catch (error) {
    // The server answered, so it may have acted on the request: a one-shot call must not go again.
    return { kind: 'transient', reason: describeNetworkError(error, http.timeoutMs), retryable: !request.oneShot, error }
  }
  if (response.status >= 500 || response.status === 429) {
    return { kind: 'transient', reason: `HTTP ${response.status}`, retryable: true }
  }
  let json: unknown
  try {
    // Names and chat titles from WeCom are stored: well-formed, whatever escapes the JSON held.
    json = wellFormedDeep(JSON.parse(text))
  } catch {
    throw notWecom(path, response.status)
  }
  if (!isRecord(json) || typeof json.errcode !== 'number') {
    if (response.status >= 400) throw notWecom(path, response.status)
    // gettoken and the robot always send errcode; a 200 without it is someone else answering.
    throw new QunDeskError('channel_unavailable', `企业微信接口 ${path} 的应答缺少 errcode，不像企业微信的应答：检查 QUNDESK_WECOM_API_BASE`, {
      path,
      status: response.status,
    })
  }
  const errmsg = typeof json.errmsg === 'string' ? json.errmsg : ''
  if (json.errcode === BUSY_ERRCODE) return { kind: 'transient', reason: `errcode -1（系统繁忙）：${errmsg}`, retryable: true }
  return { kind: 'reply', reply: { ...json, errcode: json.errcode, errmsg } }
}

function notWecom(path: string, status: number): QunDeskError {
  return new QunDeskError(
    'channel_unavailable',
    `企业微信接口 ${path} 返回 HTTP ${status}，且不是企业微信的 JSON 应答：检查 QUNDESK_WECOM_API_BASE 和网络代理`,
    { path, status },
  )
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `${timeoutMs} ms 内没有应答`
  const code = errorCode(error)
  const message = error instanceof Error ? error.message : String(error)
  return scrubSecrets(`网络错误：${message}${code ? `（${code}）` : ''}`)
}

/** undici puts the system error (ECONNREFUSED …) on `cause`. */
function errorCode(error: unknown): string | undefined {
  const cause = isRecord(error) ? (error.cause as unknown) : undefined
  const code = isRecord(cause) ? cause.code : isRecord(error) ? error.code : undefined
  return typeof code === 'string' ? code : undefined
}

/** Keeps the original error as the cause unless its message quotes a URL with a secret in it. */
function scrubError(error: unknown): unknown {
  if (!(error instanceof Error)) return error
  const clean = scrubSecrets(error.message)
  if (clean === error.message) return error
  const copy = new Error(clean)
  copy.name = error.name
  return copy
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// ---------------------------------------------------------------------------------------------------------------
// The server API client (客户联系: groupchat/list, groupchat/get).
// ---------------------------------------------------------------------------------------------------------------

export interface WecomApiClientOptions extends WecomTransportOptions {
  corpId: string
  /** The 客户联系 secret (or a self-built app's secret listed under 可调用应用). Never logged. */
  secret: string
  /** e.g. https://qyapi.weixin.qq.com (no trailing slash needed). */
  baseUrl: string
  clock: Clock
  /** Tries per call for transient failures; default 3 (waits ~200 ms, ~800 ms). */
  attempts?: number
}

/** 客户群跟进状态: 0 normal, 1 owner resigned, 2 inheritance in progress, 3 inheritance done. */
export type GroupChatStatus = 0 | 1 | 2 | 3

export interface GroupChatSummary {
  chatId: string
  status: GroupChatStatus
}

export interface ListGroupChatsOptions {
  /** 0 (default) all; 1, 2, 3 only groups whose owner resigned / is being / was inherited. */
  statusFilter?: GroupChatStatus
  /** Only these owners' groups. WeCom takes 100 per call; longer lists are split. An empty list returns []. */
  ownerUserIds?: readonly string[]
}

export interface GroupChatMember {
  userId: string
  type: 'staff' | 'external'
  joinTime: Date
  /** 1 invited directly, 2 via invitation link, 3 scanned the group QR code; other values WeCom may add pass through. */
  joinScene: number
  /** The staff member who invited them (only for scenes 1 and 2, and only when WeCom knows). */
  invitor?: string
  /** Their nickname in this group. */
  groupNickname?: string
  /** Their WeChat / WeCom name (asked for with need_name=1). */
  name?: string
  /** External WeChat users only, when the corp has bound a WeChat developer id. */
  unionId?: string
}

export interface GroupChatDetail {
  chatId: string
  name: string
  /** The owner's UserID. */
  owner: string
  createTime: Date
  notice: string
  members: GroupChatMember[]
  /** UserIDs of the group admins. */
  admins: string[]
  /** Changes whenever membership changes; compare with a change_external_chat event's CurMemVer. */
  memberVersion?: string
}

export interface WecomApiClient {
  /** A valid access token, cached until shortly before it expires. Exposed for other WeCom calls; never log it. */
  getAccessToken(): Promise<string>
  /** Every customer group visible to the secret's app, following next_cursor to the end. */
  listGroupChats(options?: ListGroupChatsOptions): Promise<GroupChatSummary[]>
  /** One customer group with its members (need_name=1), parsed strictly. */
  getGroupChat(chatId: string): Promise<GroupChatDetail>
  /**
   * POSTs JSON to an API path under baseUrl with the access token, refreshing the token once on
   * 40001/40014/42001. Resolves with the reply when errcode is 0; throws an explained QunDeskError otherwise.
   */
  post(path: string, body: unknown): Promise<WecomReply>
}

/** Refresh this long before WeCom says the token expires (clock skew, slow calls). */
const TOKEN_SAFETY_MARGIN_MS = 5 * 60_000
const LIST_PAGE_SIZE = 1000
const OWNER_FILTER_MAX = 100

/**
 * The WeCom server API client: access token caching (one shared fetch, refresh-once on token errcodes),
 * retries with backoff on transient failures, and strictly parsed 客户群 answers. Makes no call until used.
 *
 * @example
 * const wecom = createWecomApiClient({ ...config.wecomOfficial.api, clock: systemClock, logger })
 * for (const { chatId } of await wecom.listGroupChats()) {
 *   const group = await wecom.getGroupChat(chatId)   // { name, owner, members: [{ userId, joinTime, … }] }
 * }
 */
export function createWecomApiClient(options: WecomApiClientOptions): WecomApiClient {
  const log = options.logger.child({ component: 'wecom-api' })
  const http = wecomHttp(options, log)
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS
  let cached: { token: string; expiresAt: number } | undefined
  let inflight: Promise<string> | undefined

  async function fetchToken(): Promise<string> {
    const path = '/cgi-bin/gettoken'
    const query = new URLSearchParams({ corpid: options.corpId, corpsecret: options.secret })
    const reply = await callWecom(http, { method: 'GET', url: `${baseUrl}${path}?${query}`, path, attempts })
    if (reply.errcode !== 0) {
      log.error({ path, errcode: reply.errcode }, 'WeCom refused to issue an access token')
      // On gettoken, 40001 means the secret is wrong (not a stale token): say so.
      throw wecomError(reply.errcode, reply.errmsg, { path })
    }
    const token = reply.access_token
    const expiresIn = reply.expires_in
    if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
      throw unexpectedShape(path, typeof token !== 'string' || token === '' ? 'access_token' : 'expires_in', '缺失或无效')
    }
    const lifetimeMs = expiresIn * 1000
    const ttlMs = lifetimeMs > 2 * TOKEN_SAFETY_MARGIN_MS ? lifetimeMs - TOKEN_SAFETY_MARGIN_MS : lifetimeMs / 2
    cached = { token, expiresAt: options.clock().getTime() + ttlMs }
    log.info({ expiresInSeconds: expiresIn }, 'fetched a WeCom access token')
    return token
  }

  function getAccessToken(): Promise<string> {
    if (cached && options.clock().getTime() < cached.expiresAt) return Promise.resolve(cached.token)
    // Concurrent callers share one gettoken: WeCom rate-limits it, and each new token may void the last.
    inflight ??= fetchToken().finally(() => {
      inflight = undefined
    })
    return inflight
  }

  /** Drops the cached token only if it is the one WeCom refused (another caller may have refreshed already). */
  function invalidate(token: string): void {
    if (cached?.token === token) cached = undefined
  }

  async function postOnce(path: string, token: string, body: unknown): Promise<WecomReply> {
    const query = new URLSearchParams({ access_token: token })
    return callWecom(http, { method: 'POST', url: `${baseUrl}${path}?${query}`, path, body, attempts })
  }

  async function post(path: string, body: unknown): Promise<WecomReply> {
    let token = await getAccessToken()
    let reply = await postOnce(path, token, body)
    if (TOKEN_ERRCODES.has(reply.errcode)) {
      log.info({ path, errcode: reply.errcode }, 'WeCom refused the access token; fetching a new one and retrying once')
      invalidate(token)
      token = await getAccessToken()
      reply = await postOnce(path, token, body)
    }
    if (reply.errcode !== 0) {
      log.warn({ path, errcode: reply.errcode }, 'WeCom returned an error')
      throw wecomError(reply.errcode, reply.errmsg, { path })
    }
    return reply
  }

  async function listPages(statusFilter: GroupChatStatus, owners: readonly string[] | undefined): Promise<GroupChatSummary[]> {
    const path = '/cgi-bin/externalcontact/groupchat/list'
    const result: GroupChatSummary[] = []
    const seen = new Set<string>()
    let cursor = ''
    for (;;) {
      const reply = await post(path, {
        status_filter: statusFilter,
        ...(owners ? { owner_filter: { userid_list: owners } } : {}),
        cursor,
        limit: LIST_PAGE_SIZE,
      })
      result.push(...parseGroupChatList(reply))
      const next = reply.next_cursor
      if (next === undefined || next === null || next === '') return result
      if (typeof next !== 'string') throw unexpectedShape(path, 'next_cursor', '应为字符串')
      if (seen.has(next)) throw unexpectedShape(path, 'next_cursor', `重复出现（${next}），分页不会结束`)
      seen.add(next)
      cursor = next
    }
  }

  return {
    getAccessToken,
    post,

    async listGroupChats(listOptions = {}) {
      const statusFilter = listOptions.statusFilter ?? 0
      const owners = listOptions.ownerUserIds
      if (owners === undefined) return listPages(statusFilter, undefined)
      const result: GroupChatSummary[] = []
      for (let i = 0; i < owners.length; i += OWNER_FILTER_MAX) {
        result.push(...(await listPages(statusFilter, owners.slice(i, i + OWNER_FILTER_MAX))))
      }
      return result
    },

    async getGroupChat(chatId) {
      if (chatId.trim() === '') throw new QunDeskError('bad_request', '客户群 ID 不能为空')
      const reply = await post('/cgi-bin/externalcontact/groupchat/get', { chat_id: chatId, need_name: 1 })
      return parseGroupChat(reply)
    },
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Strict parsing: a missing or mistyped field is reported with its path; unknown extra fields are ignored,
// because WeCom adds fields over time (member_version arrived years after the API).
// ---------------------------------------------------------------------------------------------------------------

function unexpectedShape(api: string, field: string, problem: string): QunDeskError {
  return new QunDeskError('channel_unavailable', `企业微信 ${api} 的应答格式不符合预期：${field} ${problem}`, {
    path: api,
    field,
    reason: 'unexpected_response',
  })
}

class Reader {
  constructor(private readonly api: string) {}

  fail(field: string, problem: string): never {
    throw unexpectedShape(this.api, field, problem)
  }

  record(value: unknown, field: string): Record<string, unknown> {
    if (!isRecord(value)) this.fail(field, `应为对象，实际为 ${describe(value)}`)
    return value
  }

  array(value: unknown, field: string): unknown[] {
    if (!Array.isArray(value)) this.fail(field, `应为数组，实际为 ${describe(value)}`)
    return value
  }

  string(value: unknown, field: string): string {
    if (typeof value !== 'string') this.fail(field, `应为字符串，实际为 ${describe(value)}`)
    return value
  }

  optionalString(value: unknown, field: string): string | undefined {
    if (value === undefined || value === null || value === '') return undefined
    return this.string(value, field)
  }

  oneOf<T extends number>(value: unknown, field: string, allowed: readonly T[]): T {
    if (typeof value !== 'number' || !allowed.includes(value as T)) this.fail(field, `应为 ${allowed.join(' / ')} 之一，实际为 ${describe(value)}`)
    return value as T
  }

  wholeNumber(value: unknown, field: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) this.fail(field, `应为非负整数，实际为 ${describe(value)}`)
    return value
  }

  unixSeconds(value: unknown, field: string): Date {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) this.fail(field, `应为 Unix 时间戳（秒），实际为 ${describe(value)}`)
    return new Date(value * 1000)
  }
}

function describe(value: unknown): string {
  if (value === undefined) return '缺失'
  if (value === null) return 'null'
  if (Array.isArray(value)) return '数组'
  if (typeof value === 'object') return '对象'
  return `${typeof value} ${JSON.stringify(value)}`
}

const STATUSES = [0, 1, 2, 3] as const

function parseGroupChatList(reply: WecomReply): GroupChatSummary[] {
  const r = new Reader('/cgi-bin/externalcontact/groupchat/list')
  // WeCom omits the list when a page is empty.
  if (reply.group_chat_list === undefined) return []
  return r.array(reply.group_chat_list, 'group_chat_list').map((item, i) => {
    const at = `group_chat_list[${i}]`
    const chat = r.record(item, at)
    return { chatId: r.string(chat.chat_id, `${at}.chat_id`), status: r.oneOf(chat.status, `${at}.status`, STATUSES) }
  })
}

/** Exported for tests and for callers that receive a group_chat object some other way. */
export function parseGroupChat(reply: Record<string, unknown>): GroupChatDetail {
  const r = new Reader('/cgi-bin/externalcontact/groupchat/get')
  const g = r.record(reply.group_chat, 'group_chat')
  const members = r.array(g.member_list, 'group_chat.member_list').map((item, i): GroupChatMember => {
    const at = `group_chat.member_list[${i}]`
    const m = r.record(item, at)
    const invitor = m.invitor === undefined || m.invitor === null ? undefined : r.string(r.record(m.invitor, `${at}.invitor`).userid, `${at}.invitor.userid`)
    const groupNickname = r.optionalString(m.group_nickname, `${at}.group_nickname`)
    const name = r.optionalString(m.name, `${at}.name`)
    const unionId = r.optionalString(m.unionid, `${at}.unionid`)
    return {
      userId: r.string(m.userid, `${at}.userid`),
      type: r.oneOf(m.type, `${at}.type`, [1, 2] as const) === 1 ? 'staff' : 'external',
      joinTime: r.unixSeconds(m.join_time, `${at}.join_time`),
      // A scene WeCom adds later must not make the whole group unreadable: any whole number passes.
      joinScene: r.wholeNumber(m.join_scene, `${at}.join_scene`),
      ...(invitor ? { invitor } : {}),
      ...(groupNickname !== undefined ? { groupNickname } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(unionId !== undefined ? { unionId } : {}),
    }
  })
  const admins = g.admin_list === undefined || g.admin_list === null
    ? []
    : r.array(g.admin_list, 'group_chat.admin_list').map((item, i) => r.string(r.record(item, `group_chat.admin_list[${i}]`).userid, `group_chat.admin_list[${i}].userid`))
  const memberVersion = r.optionalString(g.member_version, 'group_chat.member_version')
  return {
    chatId: r.string(g.chat_id, 'group_chat.chat_id'),
    // An unnamed group has name "" (WeCom shows the members' names instead).
    name: g.name === undefined ? '' : r.string(g.name, 'group_chat.name'),
    owner: r.string(g.owner, 'group_chat.owner'),
    createTime: r.unixSeconds(g.create_time, 'group_chat.create_time'),
    notice: r.optionalString(g.notice, 'group_chat.notice') ?? '',
    members,
    admins,
    ...(memberVersion !== undefined ? { memberVersion } : {}),
  }
}
