import { isIP } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { QunDeskError } from '../core/errors.js'
import { DEFAULT_PACING } from '../outbox/pacing.js'
import { parseContentKeys, type ContentKey } from '../storage/content-cipher.js'
import { redactDatabaseUrl } from '../storage/dialect.js'
import { readEmbeddingsConfig, type EmbeddingsConfig } from './read-embeddings-config.js'

export type PuppetConfig =
  | { kind: 'mock' }
  | { kind: 'service'; token: string; endpoint?: string }

export interface Config {
  dataDir: string
  /** The SQLite file inside dataDir (used unless databaseUrl is set). */
  databaseFile: string
  /** QUNDESK_DATABASE_URL: PostgreSQL (postgres://user:password@host:port/db) instead of the SQLite file. */
  databaseUrl?: string
  /**
   * QUNDESK_STATE_DIR: where QunDesk remembers which SQLite files it has created, outside the data folder, so a
   * deleted data folder is noticed at the next start (default $XDG_STATE_HOME/qundesk or ~/.local/state/qundesk).
   */
  stateDir: string
  /** `qundesk start --new-database`: a missing database that existed before may be created afresh (never from env). */
  newDatabase: boolean
  /** QUNDESK_INSTANCE_ID: this process among several on one database; it sends for the groups its account is in. */
  instanceId: string
  knowledgeDir: string
  rulesDir: string
  host: string
  port: number
  /** Bearer token for the integration API; undefined disables bearer access (demo mode makes one up). */
  apiToken?: string
  puppet: PuppetConfig
  /** Demo mode: mock puppet with a seeded group; `simulateCustomers` drives the fake customers. */
  demo: { enabled: boolean; simulateCustomers: boolean; intervalSeconds: number }
  /** The bot's display name in demo mode (real accounts use their own name). */
  botName: string
  logLevel: string
  /**
   * NODE_ENV is not `production`: `qundesk start` logs short human lines when stdout is a terminal. JSON lines
   * otherwise (pipes, files, Docker, systemd) and always in production.
   */
  readableLogs: boolean
  /** Session cookie Secure flag: 'auto' follows the request protocol (set QUNDESK_COOKIE_SECURE=1 behind HTTPS proxies). */
  cookieSecure: boolean | 'auto'
  /**
   * Which X-Forwarded-* to believe (client address for login throttling and rate limits, protocol for cookies):
   * false, a number of proxy hops in front of QunDesk, or the proxies' addresses/CIDRs.
   */
  trustProxy: TrustProxy
  /** Day boundaries for reports, minutes east of UTC (480 = China). */
  utcOffsetMinutes: number
  /** WeCom chat-toolbar sidebar (JS-SDK signatures). */
  wecom: { corpId?: string; agentId?: string; jsapiTicket?: string; agentTicket?: string }
  /** WeCom's official interfaces; each part is on only when all of its settings are present. */
  wecomOfficial: WecomOfficialConfig
  /** How the outbox paces and retries the bot's sends. */
  outbox: { groupIntervalMs: number; globalIntervalMs: number; jitterMs: number; maxAttempts: number }
  /** Agents are told (group robot) when the account has been offline this long; 0 turns the notice off. */
  offlineAlertMinutes: number
  /** HTTP rate limit per user, API token or client address (WeCom callbacks get at least 50/s, burst 200); perSecond 0 = off. */
  rateLimit: { perSecond: number; burst: number }
  /** Message content older than this many days is purged nightly (PIPL); 0 keeps it forever. */
  retentionDays: number
  /** QUNDESK_MEDIA_MAX_MB (default 20): a picture, voice note or file up to this size is kept; a larger one by name and size only. */
  mediaMaxBytes: number
  /**
   * QUNDESK_REPLAY_ANNOUNCED (default on; 0 only to measure what it saves): message ids are written as the puppet
   * announces them and read again after a restart, so a crash between the announcement and the stored row loses nothing.
   */
  replayAnnounced: boolean
  /** QUNDESK_CONTENT_KEYS: message content is sealed (AES-256-GCM) with `active` (null: written plain) and opened with any key. */
  contentKeys?: { active: string | null; keys: readonly ContentKey[] }
  /** QUNDESK_LLM_*: the optional AI drafter (see readLlm below); absent = off. */
  llm?: LlmConfig
  // --- embedding provider (issue 18) ---
  /** QUNDESK_EMBEDDINGS_*: the optional semantic help (read-embeddings-config.ts); undefined = off, the offline matcher alone. */
  embeddings?: EmbeddingsConfig
  // --- end embedding provider ---
}

export interface WecomOfficialConfig {
  /** App callbacks (客户联系 events such as change_external_chat): token, EncodingAESKey, corp id as receive id. */
  callback?: { token: string; encodingAesKey: string; corpId: string }
  /** The AI bot (智能机器人) callback: its own token and EncodingAESKey; its receive id is "". */
  aibot?: { token: string; encodingAesKey: string }
  /** The server API (groupchat/list, groupchat/get): corp id and the 客户联系 secret. */
  api?: { corpId: string; secret: string; baseUrl: string }
  /** A group robot in the agents' internal group, for escalation notices and the daily digest. */
  webhook?: { key: string; baseUrl: string }
}

export type Env = Record<string, string | undefined>

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
const MOCK_NAMES = ['mock', 'wechaty-puppet-mock']
const SERVICE_NAMES = ['service', 'wechaty-puppet-service']

/**
 * Reads QunDesk's configuration from an env you pass in, validates all of it, and returns it frozen.
 * Every problem is reported at once, each with the fix.
 *
 * @example
 * const config = loadConfig(process.env)               // throws QunDeskError('config_invalid') on bad values
 * const testConfig = loadConfig({ QUNDESK_PORT: '0', QUNDESK_DATA_DIR: tmp })
 */
export function loadConfig(env: Env, cwd: string = process.cwd()): Readonly<Config> {
  const problems: string[] = []
  const str = (name: string): string | undefined => {
    const value = env[name]?.trim()
    return value ? value : undefined
  }
  const dir = (name: string, fallback: string) => path.resolve(cwd, str(name) ?? fallback)

  const port = parseInteger(str('QUNDESK_PORT') ?? '3000')
  if (port === undefined || port < 0 || port > 65535) {
    problems.push(`QUNDESK_PORT="${env.QUNDESK_PORT}" is not a port — use a number from 1 to 65535 (0 picks a free one)`)
  }

  const apiToken = str('QUNDESK_API_TOKEN')
  if (apiToken !== undefined && apiToken.length < 16) {
    problems.push('QUNDESK_API_TOKEN is shorter than 16 characters — use a long random value, e.g. `openssl rand -hex 24`')
  }

  const puppet = readPuppet(str('WECHATY_PUPPET'), str('WECHATY_PUPPET_SERVICE_TOKEN'), str('WECHATY_PUPPET_SERVICE_ENDPOINT'), problems)

  const demoFlag = str('QUNDESK_DEMO')
  if (demoFlag !== undefined && !['0', '1', 'true', 'false'].includes(demoFlag)) {
    problems.push(`QUNDESK_DEMO="${demoFlag}" must be 1 or 0 — 0 turns the simulated demo customers off`)
  }
  const host = str('QUNDESK_HOST') ?? '127.0.0.1'
  // The demo prints a made-up admin password and API token and runs a fake account: on an address other machines
  // can reach (a container's 0.0.0.0 included) that is an open console, so it needs an explicit yes.
  const demoPublic = str('QUNDESK_DEMO_PUBLIC')
  if (puppet?.kind === 'mock' && !isLoopbackHost(host) && demoPublic !== '1') {
    problems.push(`QUNDESK_HOST=${host} is reachable from other machines, and no account is configured (WECHATY_PUPPET unset: demo mode) — set WECHATY_PUPPET=wechaty-puppet-service and WECHATY_PUPPET_SERVICE_TOKEN for a real account, or QUNDESK_HOST=127.0.0.1 for the demo (QUNDESK_DEMO_PUBLIC=1 runs the demo there anyway)`)
  }
  const interval = parseInteger(str('QUNDESK_DEMO_INTERVAL_SECONDS') ?? '20')
  if (interval === undefined || interval < 1) {
    problems.push('QUNDESK_DEMO_INTERVAL_SECONDS must be a whole number of seconds, at least 1')
  }

  const logLevel = str('QUNDESK_LOG_LEVEL') ?? 'info'
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`QUNDESK_LOG_LEVEL="${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`)
  }

  const cookieSecure = str('QUNDESK_COOKIE_SECURE') ?? 'auto'
  if (!['auto', '0', '1', 'true', 'false'].includes(cookieSecure)) problems.push('QUNDESK_COOKIE_SECURE must be auto, 1 or 0')
  const trustProxy = parseTrustProxy(str('QUNDESK_TRUST_PROXY') ?? '0')
  if ('problem' in trustProxy) problems.push(trustProxy.problem)
  const offsetText = str('QUNDESK_UTC_OFFSET_MINUTES') ?? '480'
  const offset = /^[+-]?\d+$/.test(offsetText) ? Number(offsetText) : NaN
  if (!(offset >= -720 && offset <= 840)) problems.push(`QUNDESK_UTC_OFFSET_MINUTES="${offsetText}" must be minutes east of UTC between -720 and 840 (480 for China)`)
  const wecom = {
    corpId: str('QUNDESK_WECOM_CORP_ID'),
    agentId: str('QUNDESK_WECOM_AGENT_ID'),
    jsapiTicket: str('QUNDESK_WECOM_JSAPI_TICKET'),
    agentTicket: str('QUNDESK_WECOM_AGENT_TICKET'),
  }
  const wecomOfficial = readWecomOfficial(str, problems)
  const llm = readLlm(str, problems)
  const retentionDays = readRetentionDays(str('QUNDESK_RETENTION_DAYS'), problems)
  const mediaMaxText = str('QUNDESK_MEDIA_MAX_MB') ?? '20'
  const mediaMaxMb = /^\d+(\.\d+)?$/.test(mediaMaxText) ? Number(mediaMaxText) : NaN
  if (!(mediaMaxMb >= 0 && mediaMaxMb <= 100)) problems.push(`QUNDESK_MEDIA_MAX_MB="${mediaMaxText}" must be a number of megabytes from 0 to 100 (default 20; 0 keeps no files, only their names and sizes)`)
  const databaseUrl = str('QUNDESK_DATABASE_URL')
  if (databaseUrl !== undefined && !isPostgresUrl(databaseUrl)) {
    problems.push(`QUNDESK_DATABASE_URL must be a PostgreSQL URL such as postgres://qundesk:PASSWORD@127.0.0.1:5432/qundesk (unset it to use the SQLite file in QUNDESK_DATA_DIR); got ${redactDatabaseUrl(databaseUrl)}`)
  }
  const instanceId = str('QUNDESK_INSTANCE_ID') ?? 'default'
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(instanceId)) problems.push(`QUNDESK_INSTANCE_ID="${instanceId}" must be 1-64 letters, digits, ".", "-" or "_" (e.g. qundesk-1), the same across restarts of one process`)
  const replayAnnouncedText = str('QUNDESK_REPLAY_ANNOUNCED') ?? '1'
  if (!['0', '1', 'true', 'false'].includes(replayAnnouncedText)) problems.push(`QUNDESK_REPLAY_ANNOUNCED="${replayAnnouncedText}" must be 1 (default) or 0 (only to measure the messages a crash loses without it)`)
  const contentKeysText = str('QUNDESK_CONTENT_KEYS')
  const contentKeys = contentKeysText === undefined ? undefined : parseContentKeys(contentKeysText)
  if (contentKeys) problems.push(...contentKeys.problems)
  const whole = (name: string, fallback: number, min: number, max: number, hint: string): number => {
    const text = str(name)
    const value = text === undefined ? fallback : parseInteger(text)
    if (value === undefined || value < min || value > max) {
      problems.push(`${name}="${text}" must be a whole number from ${min} to ${max} — ${hint}`)
      return fallback
    }
    return value
  }
  const outbox = {
    groupIntervalMs: whole('QUNDESK_SEND_GROUP_INTERVAL_MS', DEFAULT_PACING.groupIntervalMs, 0, 600_000, 'least milliseconds between two sends into one group'),
    globalIntervalMs: whole('QUNDESK_SEND_GLOBAL_INTERVAL_MS', DEFAULT_PACING.globalIntervalMs, 0, 600_000, 'least milliseconds between any two sends'),
    jitterMs: whole('QUNDESK_SEND_JITTER_MS', DEFAULT_PACING.jitterMs, 0, 600_000, 'random extra milliseconds on each gap'),
    maxAttempts: whole('QUNDESK_SEND_MAX_ATTEMPTS', 5, 1, 20, 'tries before a send is marked failed'),
  }
  const offlineAlertMinutes = whole('QUNDESK_OFFLINE_ALERT_MINUTES', 5, 0, 1440, 'minutes offline before agents are notified (0: never)')
  const ratePerSecond = whole('QUNDESK_RATE_LIMIT_PER_SECOND', 20, 0, 100_000, 'HTTP requests per second per user, API token or client address (0 turns rate limiting off)')
  // The burst defaults to three seconds' worth, so a page load's burst of requests passes.
  const rateLimit = { perSecond: ratePerSecond, burst: whole('QUNDESK_RATE_LIMIT_BURST', Math.max(1, ratePerSecond * 3), 1, 1_000_000, 'requests allowed at once before QUNDESK_RATE_LIMIT_PER_SECOND applies') }
  // --- embedding provider (issue 18) ---
  const embeddings = readEmbeddingsConfig(env, problems)
  // --- end embedding provider ---

  if (problems.length > 0) {
    throw new QunDeskError('config_invalid', `Configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      problems,
    })
  }

  const dataDir = dir('QUNDESK_DATA_DIR', './data')
  // XDG's place for state that should survive restarts but is not user data; HOME from the env passed in.
  const stateDir = dir('QUNDESK_STATE_DIR', path.join(str('XDG_STATE_HOME') ?? path.join(str('HOME') ?? os.homedir(), '.local', 'state'), 'qundesk'))
  const demoEnabled = puppet?.kind === 'mock'
  return Object.freeze({
    dataDir,
    databaseFile: path.join(dataDir, 'qundesk.sqlite'),
    ...(databaseUrl ? { databaseUrl } : {}),
    stateDir,
    newDatabase: false,
    instanceId,
    replayAnnounced: replayAnnouncedText !== '0' && replayAnnouncedText !== 'false',
    knowledgeDir: dir('QUNDESK_KNOWLEDGE_DIR', './knowledge'),
    rulesDir: dir('QUNDESK_RULES_DIR', './rules'),
    host,
    port: port!,
    apiToken,
    puppet: puppet!,
    demo: Object.freeze({
      enabled: demoEnabled,
      simulateCustomers: demoEnabled && demoFlag !== '0' && demoFlag !== 'false',
      intervalSeconds: interval!,
    }),
    botName: str('QUNDESK_BOT_NAME') ?? '客服助手',
    logLevel,
    readableLogs: env.NODE_ENV !== 'production',
    cookieSecure: cookieSecure === 'auto' ? 'auto' : cookieSecure === '1' || cookieSecure === 'true',
    trustProxy: 'problem' in trustProxy ? false : trustProxy.value,
    utcOffsetMinutes: offset,
    wecom: Object.freeze(Object.fromEntries(Object.entries(wecom).filter(([, v]) => v !== undefined))),
    wecomOfficial: Object.freeze(wecomOfficial),
    outbox: Object.freeze(outbox),
    offlineAlertMinutes,
    rateLimit: Object.freeze(rateLimit),
    retentionDays,
    mediaMaxBytes: Math.round((mediaMaxMb >= 0 && mediaMaxMb <= 100 ? mediaMaxMb : 20) * 1024 * 1024),
    ...(contentKeys ? { contentKeys: Object.freeze({ active: contentKeys.active, keys: Object.freeze(contentKeys.keys) }) } : {}),
    ...(llm ? { llm: Object.freeze(llm) } : {}),
    ...(embeddings ? { embeddings } : {}),
  })
}

// ---- AI drafter (issue 18): QUNDESK_LLM_* ------------------------------------------------------------------
// Kept in one block so the drafter's settings stay apart from the rest (other branches edit this file too).

/** The OpenAI-compatible chat API the optional AI drafter asks (src/drafting/); off unless QUNDESK_LLM_URL is set. */
export interface LlmConfig {
  /** QUNDESK_LLM_URL: the API's base URL, e.g. http://127.0.0.1:11434/v1 (POST {url}/chat/completions). */
  url: string
  /** QUNDESK_LLM_MODEL: the model name the server knows, e.g. qwen2.5:7b-instruct. */
  model: string
  /** QUNDESK_LLM_API_KEY: sent as `Authorization: Bearer`; from the environment only, never logged. */
  apiKey?: string
  /** QUNDESK_LLM_TIMEOUT_MS (default 15000): a draft later than this is dropped; the question waits for an agent as it is. */
  timeoutMs: number
  /** QUNDESK_LLM_PRICE_INPUT_PER_1K / _OUTPUT_PER_1K: what 1000 prompt / completion tokens cost (any currency; 0 = not counted). */
  pricePer1k: { input: number; output: number }
}

export const DEFAULT_LLM_TIMEOUT_MS = 15_000

function readLlm(str: (name: string) => string | undefined, problems: string[]): LlmConfig | undefined {
  const url = str('QUNDESK_LLM_URL')
  const model = str('QUNDESK_LLM_MODEL')
  const apiKey = str('QUNDESK_LLM_API_KEY')
  const others = ['QUNDESK_LLM_MODEL', 'QUNDESK_LLM_API_KEY', 'QUNDESK_LLM_TIMEOUT_MS', 'QUNDESK_LLM_PRICE_INPUT_PER_1K', 'QUNDESK_LLM_PRICE_OUTPUT_PER_1K'].filter((n) => str(n) !== undefined)
  if (url === undefined) {
    if (others.length > 0) problems.push(`${others.join(', ')} set without QUNDESK_LLM_URL — set QUNDESK_LLM_URL to the OpenAI-compatible API's base URL (e.g. http://127.0.0.1:11434/v1), or unset them to keep the AI drafter off`)
    return undefined
  }
  if (!isHttpBaseUrl(url)) problems.push(`QUNDESK_LLM_URL="${url.replace(/\/\/[^@/]*@/, '//…@')}" must be an http(s) base URL such as http://127.0.0.1:11434/v1 (QunDesk adds /chat/completions; put the key in QUNDESK_LLM_API_KEY, not in the URL)`)
  if (model === undefined) problems.push('QUNDESK_LLM_URL needs QUNDESK_LLM_MODEL — the model name the server serves, e.g. qwen2.5:7b-instruct')
  const timeoutText = str('QUNDESK_LLM_TIMEOUT_MS')
  const timeoutMs = timeoutText === undefined ? DEFAULT_LLM_TIMEOUT_MS : parseInteger(timeoutText)
  if (timeoutMs === undefined || timeoutMs < 100 || timeoutMs > 600_000) problems.push(`QUNDESK_LLM_TIMEOUT_MS="${timeoutText}" must be a whole number of milliseconds from 100 to 600000 (default ${DEFAULT_LLM_TIMEOUT_MS}): a draft later than this is dropped`)
  const price = (name: string): number => {
    const text = str(name)
    if (text === undefined) return 0
    const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN
    if (!(value >= 0 && value <= 1000)) problems.push(`${name}="${text}" must be a price per 1000 tokens from 0 to 1000, e.g. 0.002`)
    return Number.isFinite(value) ? value : 0
  }
  const pricePer1k = { input: price('QUNDESK_LLM_PRICE_INPUT_PER_1K'), output: price('QUNDESK_LLM_PRICE_OUTPUT_PER_1K') }
  if (model === undefined || timeoutMs === undefined) return undefined
  return { url: url.replace(/\/+$/, ''), model, ...(apiKey ? { apiKey } : {}), timeoutMs, pricePer1k: Object.freeze(pricePer1k) }
}

function isHttpBaseUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' && url.search === '' && url.hash === ''
  } catch {
    return false
  }
}
// ---- end AI drafter ---------------------------------------------------------------------------------------

const WECOM_API = 'https://qyapi.weixin.qq.com'

/**
 * The WeCom settings, each group all-or-nothing: half a configuration is a mistake worth stopping for.
 * An EncodingAESKey is 43 characters of base64 (32 bytes once decoded).
 */
function readWecomOfficial(str: (name: string) => string | undefined, problems: string[]): WecomOfficialConfig {
  const result: WecomOfficialConfig = {}
  const group = (names: string[], what: string): string[] | undefined => {
    const values = names.map(str)
    const set = values.filter((v) => v !== undefined).length
    if (set === 0) return undefined
    if (set < names.length) {
      problems.push(`${what} needs ${names.join(', ')} — missing ${names.filter((_, i) => values[i] === undefined).join(', ')}`)
      return undefined
    }
    return values as string[]
  }
  const aesKey = (name: string, value: string) => {
    if (!/^[A-Za-z0-9+/]{43}$/.test(value)) problems.push(`${name} must be the 43-character EncodingAESKey from the WeCom admin console`)
  }
  const baseUrl = (name: string): string => {
    const value = str(name) ?? WECOM_API
    if (!/^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(value)) problems.push(`${name}="${value}" must be a base URL such as ${WECOM_API}`)
    return value.replace(/\/$/, '')
  }
  // The corp id alone also serves the sidebar, so it does not switch the callback on by itself.
  const callback = group(['QUNDESK_WECOM_CALLBACK_TOKEN', 'QUNDESK_WECOM_ENCODING_AES_KEY'], 'The WeCom app callback')
  if (callback) {
    const [token, encodingAesKey] = callback as [string, string]
    aesKey('QUNDESK_WECOM_ENCODING_AES_KEY', encodingAesKey)
    const corpId = str('QUNDESK_WECOM_CORP_ID')
    if (corpId === undefined) problems.push('The WeCom app callback needs QUNDESK_WECOM_CORP_ID: decrypted messages must carry it as their receive id')
    else result.callback = { token, encodingAesKey, corpId }
  }
  const aibot = group(['QUNDESK_WECOM_AIBOT_TOKEN', 'QUNDESK_WECOM_AIBOT_ENCODING_AES_KEY'], 'The WeCom AI bot callback')
  if (aibot) {
    const [token, encodingAesKey] = aibot as [string, string]
    aesKey('QUNDESK_WECOM_AIBOT_ENCODING_AES_KEY', encodingAesKey)
    result.aibot = { token, encodingAesKey }
  }
  const secret = str('QUNDESK_WECOM_SECRET')
  if (secret !== undefined) {
    const corpId = str('QUNDESK_WECOM_CORP_ID')
    if (corpId === undefined) problems.push('QUNDESK_WECOM_SECRET needs QUNDESK_WECOM_CORP_ID (the corp id from 我的企业)')
    else result.api = { corpId, secret, baseUrl: baseUrl('QUNDESK_WECOM_API_BASE') }
  }
  const webhookKey = str('QUNDESK_WECOM_WEBHOOK_KEY')
  if (webhookKey !== undefined) result.webhook = { key: webhookKey, baseUrl: baseUrl('QUNDESK_WECOM_API_BASE') }
  return result
}

function readPuppet(name: string | undefined, token: string | undefined, endpoint: string | undefined, problems: string[]): PuppetConfig | undefined {
  if (name === undefined || MOCK_NAMES.includes(name)) return { kind: 'mock' }
  if (SERVICE_NAMES.includes(name)) {
    if (token === undefined) {
      problems.push('WECHATY_PUPPET=wechaty-puppet-service needs WECHATY_PUPPET_SERVICE_TOKEN — the token from your puppet service provider')
      return undefined
    }
    if (endpoint !== undefined && !/^[\w.-]+:\d{1,5}$|^\[[\da-f:]+\]:\d{1,5}$/i.test(endpoint)) {
      problems.push(`WECHATY_PUPPET_SERVICE_ENDPOINT="${endpoint}" must be host:port, e.g. 127.0.0.1:8788`)
    }
    return { kind: 'service', token, ...(endpoint ? { endpoint } : {}) }
  }
  problems.push(`WECHATY_PUPPET="${name}" is not supported — use wechaty-puppet-service (real accounts) or leave it unset for the demo (wechaty-puppet-mock)`)
  return undefined
}

/** Ten years: a longer period is almost certainly a typo (an extra zero, hours given as days). */
const MAX_RETENTION_DAYS = 3650

/** Days of message content to keep: 180 by default; 0 or "off" keeps it forever. */
function readRetentionDays(value: string | undefined, problems: string[]): number {
  if (value === undefined) return 180
  if (value.toLowerCase() === 'off') return 0
  const days = parseInteger(value)
  if (days === undefined || days > MAX_RETENTION_DAYS) {
    problems.push(`QUNDESK_RETENTION_DAYS="${value}" must be a whole number of days up to ${MAX_RETENTION_DAYS} (e.g. 180), or 0 / off to keep message content forever`)
    return 180
  }
  return days
}

function parseInteger(value: string): number | undefined {
  return /^\d+$/.test(value) ? Number(value) : undefined
}

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:'
  } catch {
    return false
  }
}

/** false: ignore X-Forwarded-*; a number: that many proxy hops in front; a list: proxies at these addresses/CIDRs. */
export type TrustProxy = false | number | readonly string[]

/**
 * QUNDESK_TRUST_PROXY. Trusting every hop would let a client pick its own address (a proxy that appends to
 * X-Forwarded-For keeps what the client sent in front), so `1`/`true` means one hop: the address your proxy saw.
 *
 * @example
 * parseTrustProxy('1')                       // { value: 1 }
 * parseTrustProxy('10.0.0.0/8,127.0.0.1')    // { value: ['10.0.0.0/8', '127.0.0.1'] }
 */
export function parseTrustProxy(text: string): { value: TrustProxy } | { problem: string } {
  const t = text.trim()
  if (t === '0' || t === 'false' || t === '') return { value: false }
  if (t === 'true') return { value: 1 }
  if (/^\d+$/.test(t)) {
    const hops = Number(t)
    return hops <= 10 ? { value: hops } : { problem: `QUNDESK_TRUST_PROXY="${t}": at most 10 proxy hops` }
  }
  const entries = t.split(',').map((e) => e.trim()).filter(Boolean)
  const bad = entries.filter((e) => !isAddressOrCidr(e))
  if (bad.length > 0 || entries.length === 0) {
    return { problem: `QUNDESK_TRUST_PROXY="${t}" must be 0, a number of proxy hops (1 = one reverse proxy), or the proxies' addresses/CIDRs separated by commas (not an address or CIDR: ${bad.join(', ')})` }
  }
  return { value: entries }
}

function isAddressOrCidr(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/')
  const family = isIP(address ?? '')
  if (family === 0 || rest.length > 0) return false
  if (bits === undefined) return true
  return /^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)
}

/** Addresses only this machine reaches: 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare)
}
