import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { WecomOfficialConfig } from '../../config/load-config.js'
import type { Clock } from '../../core/clock.js'
import { createRepeatWarningLimiter } from '../../core/repeat-warning-limiter.js'
import type { RouteAccessConfig } from '../../core/route-access.js'
import { parseAibotMessage } from './aibot-message.js'
import { parseAppCallback } from './app-callback-event.js'
import { verifyAndDecrypt, type VerifyFailure } from './callback-crypto.js'
import { parseWecomXml } from './parse-wecom-xml.js'
import type { WecomCallbackInbox } from './wecom-callback-inbox.js'

/** WeCom's callbacks are small; anything bigger is refused before it is read (413). */
const WECOM_BODY_LIMIT = 64 * 1024

const QUERY_LIMITS = { msg_signature: 128, timestamp: 32, nonce: 128, echostr: 4096 } as const
type QueryName = keyof typeof QUERY_LIMITS
type Kind = 'app' | 'aibot'
/** Writes (or holds back) one refusal's warning; `key` groups refusals of the same kind and reason. */
type RefusalLog = (request: FastifyRequest, fields: { wecom: Kind; reason: string; hint?: string }, key: string) => void

/** Anyone may call these URLs: WeCom's signature, checked here, is what authenticates a request. */
const PUBLIC = { access: 'public' } as const satisfies RouteAccessConfig

/** At most one "refused" warning per route and reason in this long, with the count of those held back. */
const REFUSAL_LOG_INTERVAL_MS = 10_000

const REFUSALS: Record<VerifyFailure, { status: 400 | 401; message: string; hint: string }> = {
  signature: { status: 401, message: 'signature mismatch', hint: 'not signed with our token: a forgery, or QUNDESK_WECOM_*TOKEN differs from the WeCom admin console' },
  receive_id: { status: 401, message: 'wrong receive id', hint: 'encrypted for another receiver: check QUNDESK_WECOM_CORP_ID (the AI bot uses "")' },
  decrypt: { status: 400, message: 'cannot decrypt', hint: 'signed but not decryptable: check the EncodingAESKey (QUNDESK_WECOM_*ENCODING_AES_KEY)' },
}

/**
 * WeCom's callback URLs as a Fastify plugin the HTTP server registers (encapsulated, as `app.register` does by
 * default, so its body parsing stays inside). They are public but authenticated by WeCom's signature; each is
 * there only when configured.
 * - `GET /wecom/callback` and `GET /wecom/aibot`: URL verification, answer the decrypted echostr (no database).
 * - `POST /wecom/callback` (XML `{ToUserName, Encrypt, AgentID}`) and `POST /wecom/aibot` (JSON `{encrypt}`):
 *   verify, decrypt, check the content, store it in the inbox (deduplicated), acknowledge. Processing happens later.
 * Bad input is a 4xx, never a 5xx; nothing unverified is stored.
 *
 * Old timestamps are NOT refused: WeCom's retries (5 s timeout, 3 retries) reuse the signed timestamp, and a
 * replay of a stored delivery only hits its dedupe key.
 *
 * @example
 * const http = createHttpServer({ ...deps, channelRoutes: [wecomCallbackRoutes({ config: config.wecomOfficial, inbox, clock })] })
 */
export function wecomCallbackRoutes(deps: { config: Pick<WecomOfficialConfig, 'callback' | 'aibot'>; inbox: WecomCallbackInbox; clock: Clock }): FastifyPluginAsync {
  const { callback, aibot } = deps.config
  const inbox = deps.inbox
  return async (scope) => {
    if (!callback && !aibot) return
    // A flood of forged or broken requests must not flood the log: the first of each kind is written, then one per
    // interval carrying how many were held back.
    const refusals = createRepeatWarningLimiter({ intervalMs: REFUSAL_LOG_INTERVAL_MS })
    const log: RefusalLog = (request, fields, key) => {
      const admitted = refusals.admit(key, deps.clock().getTime())
      if (admitted.log) request.log.warn({ ...fields, ...(admitted.suppressed > 0 ? { suppressed: admitted.suppressed } : {}) }, 'wecom callback refused')
    }

    // The plugin is a scope of its own, so these body parsers apply to its routes only: every content type (WeCom
    // sends text/xml or application/json, but a missing or odd one must not turn into a 415) is read as a string
    // and checked here.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: WECOM_BODY_LIMIT }, (_request, body, done) => done(null, body))
    // Fastify refuses an oversized body by its Content-Length before reading it (or as soon as a chunked one passes
    // the limit): a 1 MB POST costs a header check, not a parse. Said here in WeCom's terms, and logged like any refusal.
    scope.setErrorHandler((error, request, reply) => {
      if ((error as { code?: string }).code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw error
      const kind: Kind = request.url.startsWith('/wecom/aibot') ? 'aibot' : 'app'
      log(request, { wecom: kind, reason: `body: larger than ${WECOM_BODY_LIMIT} bytes` }, `${kind}:body-limit`)
      return reply.code(413).send({ error: 'payload_too_large', message: `body: larger than ${WECOM_BODY_LIMIT} bytes (WeCom callbacks are a few KB)` })
    })

    if (callback) {
      const keys = { token: callback.token, encodingAesKey: callback.encodingAesKey, receiveId: callback.corpId }
      scope.get('/wecom/callback', { config: PUBLIC }, async (request, reply) => verifyUrl(log, request, reply, 'app', keys))

      scope.post('/wecom/callback', { config: PUBLIC, bodyLimit: WECOM_BODY_LIMIT }, async (request, reply) => {
        const query = readQuery(request.query, ['msg_signature', 'timestamp', 'nonce'])
        if (typeof query === 'string') return refuse(log, request, reply, 'app', 400, query)
        const outer = parseWecomXml(request.body)
        if (!outer.ok) return refuse(log, request, reply, 'app', 400, `body: ${outer.error}`)
        const encrypt = outer.value.Encrypt
        if (typeof encrypt !== 'string' || encrypt.trim() === '') return refuse(log, request, reply, 'app', 400, 'body: Encrypt is missing')
        const opened = verifyAndDecrypt({ ...keys, signature: query.msg_signature, timestamp: query.timestamp, nonce: query.nonce, encrypt: encrypt.trim() })
        if (!opened.ok) return refuseVerification(log, request, reply, 'app', opened.reason)
        const parsed = parseAppCallback(opened.plaintext)
        if (!parsed.ok) return refuse(log, request, reply, 'app', 400, parsed.error)
        await store(request, 'app', parsed.dedupeKey, opened.plaintext)
        return reply.type('text/plain; charset=utf-8').send('success')
      })
    }

    if (aibot) {
      const keys = { token: aibot.token, encodingAesKey: aibot.encodingAesKey, receiveId: '' }
      scope.get('/wecom/aibot', { config: PUBLIC }, async (request, reply) => verifyUrl(log, request, reply, 'aibot', keys))

      scope.post('/wecom/aibot', { config: PUBLIC, bodyLimit: WECOM_BODY_LIMIT }, async (request, reply) => {
        const query = readQuery(request.query, ['msg_signature', 'timestamp', 'nonce'])
        if (typeof query === 'string') return refuse(log, request, reply, 'aibot', 400, query)
        const encrypt = readEncryptJson(request.body)
        if (encrypt === undefined) return refuse(log, request, reply, 'aibot', 400, 'body: expected JSON {"encrypt": "..."}')
        const opened = verifyAndDecrypt({ ...keys, signature: query.msg_signature, timestamp: query.timestamp, nonce: query.nonce, encrypt })
        if (!opened.ok) return refuseVerification(log, request, reply, 'aibot', opened.reason)
        const parsed = parseAibotMessage(opened.plaintext)
        if (!parsed.ok) return refuse(log, request, reply, 'aibot', 400, parsed.error)
        await store(request, 'aibot', `aibot:${parsed.message.msgId}`, opened.plaintext)
        // Empty 200: agents answer later through the message's response_url.
        return reply.code(200).send()
      })
    }
  }

  async function store(request: FastifyRequest, kind: Kind, dedupeKey: string, plaintext: string): Promise<void> {
    const { id, duplicate } = await inbox.store(kind, dedupeKey, plaintext)
    request.log.info({ wecom: kind, callbackId: id, dedupeKey, duplicate }, duplicate ? 'wecom callback already stored' : 'wecom callback stored')
  }
}

/** URL verification: answer the decrypted echostr as plain text, within WeCom's 1 s. */
function verifyUrl(log: RefusalLog, request: FastifyRequest, reply: FastifyReply, kind: Kind, keys: { token: string; encodingAesKey: string; receiveId: string }) {
  const query = readQuery(request.query, ['msg_signature', 'timestamp', 'nonce', 'echostr'])
  if (typeof query === 'string') return refuse(log, request, reply, kind, 400, query)
  // echostr is base64, which has no spaces: a space is a '+' that was not percent-encoded on the way.
  const echostr = query.echostr.replaceAll(' ', '+')
  const opened = verifyAndDecrypt({ ...keys, signature: query.msg_signature, timestamp: query.timestamp, nonce: query.nonce, encrypt: echostr })
  if (!opened.ok) return refuseVerification(log, request, reply, kind, opened.reason)
  request.log.info({ wecom: kind }, 'wecom callback URL verified')
  return reply.type('text/plain; charset=utf-8').send(opened.plaintext)
}

/** Each parameter exactly once, non-empty and of a sane length; the message says which one is wrong. */
function readQuery<N extends QueryName>(raw: unknown, names: readonly N[]): Record<N, string> | string {
  const query = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>
  const result = {} as Record<N, string>
  for (const name of names) {
    const value = Object.hasOwn(query, name) ? query[name] : undefined
    if (typeof value !== 'string' || value === '') return `query: ${name} is missing or repeated`
    if (value.length > QUERY_LIMITS[name]) return `query: ${name} is too long`
    result[name] = value
  }
  return result
}

function readEncryptJson(body: unknown): string | undefined {
  if (typeof body !== 'string' || body.length === 0) return undefined
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return undefined
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined
  const encrypt = (json as Record<string, unknown>).encrypt
  return typeof encrypt === 'string' && encrypt !== '' ? encrypt : undefined
}

function refuseVerification(log: RefusalLog, request: FastifyRequest, reply: FastifyReply, kind: Kind, reason: VerifyFailure) {
  const { status, message, hint } = REFUSALS[reason]
  log(request, { wecom: kind, reason, hint }, `${kind}:${reason}`)
  return reply.code(status).send({ error: status === 401 ? 'unauthorized' : 'bad_request', message })
}

/** The reason is ours (which field, which limit), never the ciphertext or plaintext. */
function refuse(log: RefusalLog, request: FastifyRequest, reply: FastifyReply, kind: Kind, status: 400, reason: string) {
  // Grouped by the reason's fixed part ("query", "body", "the decrypted XML is invalid"), not its details, which
  // a sender controls (e.g. where its XML breaks): varied garbage must not get a line each.
  log(request, { wecom: kind, reason }, `${kind}:${reason.split(':')[0]}`)
  return reply.code(status).send({ error: 'bad_request', message: reason })
}
