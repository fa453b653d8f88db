import { encrypt as wecomEncrypt, getSignature } from '@wecom/crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { createAuditService } from '../../src/audit/audit-service.js'
import { createHttpServer } from '../../src/console/create-http-server.js'
import { createCalibrationJob } from '../../src/learning/calibration-job.js'
import type { HttpServerDeps } from '../../src/console/http-server-deps.js'
import { createReportService } from '../../src/reports/report-service.js'
import { createMediaLibrary } from '../../src/media/media-library.js'
import { createQuickReplyService } from '../../src/settings/quick-replies.js'
import { createSettingsService } from '../../src/settings/settings-service.js'
import { captureLog } from '../support/wecom-test-kit.js'
import { login } from './console-session.js'
import { makeWorkdir, startTestApp, TEST_TOKEN, type TestApp } from './test-context.js'

const TOKEN = 'QDG6eK'
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C'
const CORP_ID = 'wx5823bf96d3bd56c7'
const WECOM_ENV = { QUNDESK_WECOM_CALLBACK_TOKEN: TOKEN, QUNDESK_WECOM_ENCODING_AES_KEY: AES_KEY, QUNDESK_WECOM_CORP_ID: CORP_ID }
const PASSWORD = '坐席密码-0123456789'

let t: TestApp | undefined
const closers: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
  await t?.stop()
  t = undefined
})

/** The app's clock stands still unless the test moves it: the buckets refill only when it does. */
function frozenClock() {
  const time = { now: Date.parse('2025-03-01T08:00:00Z') }
  return { time, clock: () => new Date(time.now) }
}

async function statuses(n: number, request: () => Promise<{ status: number }>): Promise<number[]> {
  const seen: number[] = []
  for (let i = 0; i < n; i++) seen.push((await request()).status)
  return seen
}

describe('API rate limits', () => {
  it('answers 429 with Retry-After and a Chinese message once the API token used its burst, and refills with time', async () => {
    const { time, clock } = frozenClock()
    t = await startTestApp(await makeWorkdir(), { clock })
    expect(new Set(await statuses(60, () => t!.api('GET', '/api/suggestions?status=pending')))).toEqual(new Set([200]))
    const refused = await fetch(`${t.app.url}/api/suggestions`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(refused.headers.get('x-frame-options')).toBe('DENY')
    expect(await refused.json()).toEqual({ error: 'too_many_requests', message: '请求过于频繁，请 1 秒后再试' })
    time.now += 1000
    const after = await statuses(21, () => t!.api('GET', '/api/suggestions'))
    expect(after).toEqual([...Array<number>(20).fill(200), 429])
  })

  it('keeps the live-queue stream working for an identity over its limit', async () => {
    const { clock } = frozenClock()
    t = await startTestApp(await makeWorkdir(), { clock })
    await statuses(61, () => t!.api('GET', '/api/health'))
    expect((await t.api('GET', '/api/health')).status).toBe(429)
    const stream = new AbortController()
    const res = await fetch(`${t.app.url}/api/events`, { headers: { authorization: `Bearer ${TEST_TOKEN}` }, signal: stream.signal })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const reader = res.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('retry: 3000')
    stream.abort()
  })

  it('limits each console user on their own: one user flooding does not lock out another or the API token', async () => {
    const { clock } = frozenClock()
    t = await startTestApp(await makeWorkdir(), { clock })
    for (const name of ['小王', '小李']) await t.app.auth.addUser({ name, role: 'agent', password: PASSWORD, actor: 'test' })
    const wang = (await login(t.app.url, '小王', PASSWORD)).session!
    const li = (await login(t.app.url, '小李', PASSWORD)).session!
    const flood = await statuses(61, () => wang.call('GET', '/api/session'))
    expect(flood.at(-1)).toBe(429)
    expect(flood.filter((s) => s === 200)).toHaveLength(60)
    expect((await li.call('GET', '/api/session')).status).toBe(200)
    expect((await t.api('GET', '/api/health')).status).toBe(200)
  })

  it('gives unidentified callers (wrong tokens, logins) one budget per client address', async () => {
    const { clock } = frozenClock()
    t = await startTestApp(await makeWorkdir(), { clock })
    // Wrong tokens draw from the address's bucket: after 60 the guesser gets 429 instead of 401.
    const guesses = await statuses(61, () => t!.api('GET', '/api/health', undefined, 'wrong-token-0123456789'))
    expect(guesses.slice(0, 60)).toEqual(Array<number>(60).fill(401))
    expect(guesses[60]).toBe(429)
    const res = await login(t.app.url, '小王', 'wrong-password!')
    expect(res.status).toBe(429)
    // The real token is its own identity, with its own bucket.
    expect((await t.api('GET', '/api/health')).status).toBe(200)
  })
})

describe('WeCom callback limits and refusal logs', () => {
  const forged = () => {
    const encrypt = wecomEncrypt(AES_KEY, '<xml><MsgType>text</MsgType></xml>', CORP_ID)
    const query = new URLSearchParams({ msg_signature: getSignature('forged-token', '1409659589', '1', encrypt), timestamp: '1409659589', nonce: '1' })
    return { url: `/wecom/callback?${query}`, payload: `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` }
  }

  it('allows 200 callbacks at once per address, then 429, and logs one refusal line per 10 s with the count held back', async () => {
    const { time, clock } = frozenClock()
    const log = captureLog()
    t = await startTestApp(await makeWorkdir(), { clock, env: WECOM_ENV, logger: log.logger })
    const request = forged()
    const post = async () => t!.app.http.inject({ method: 'POST', url: request.url, payload: request.payload, headers: { 'content-type': 'text/xml' } })
    const seen = await statuses(201, async () => ({ status: (await post()).statusCode }))
    expect(seen.slice(0, 200)).toEqual(Array<number>(200).fill(401))
    expect(seen[200]).toBe(429)
    const refusals = () => log.lines().filter((l) => l.msg === 'wecom callback refused')
    expect(refusals()).toEqual([expect.objectContaining({ level: 40, wecom: 'app', reason: 'signature' })])
    expect(refusals()[0]).not.toHaveProperty('suppressed')

    time.now += 10_000
    expect((await post()).statusCode).toBe(401)
    expect(refusals()).toHaveLength(2)
    expect(refusals()[1]).toMatchObject({ reason: 'signature', suppressed: 199 })
    // Another address has its own budget.
    expect((await t.app.http.inject({ method: 'POST', url: request.url, payload: request.payload, remoteAddress: '10.9.9.9' })).statusCode).toBe(401)
  })

  it('logs a different refusal reason at once, even during a flood of another', async () => {
    const { clock } = frozenClock()
    const log = captureLog()
    t = await startTestApp(await makeWorkdir(), { clock, env: WECOM_ENV, logger: log.logger })
    const request = forged()
    for (let i = 0; i < 20; i++) await t.app.http.inject({ method: 'POST', url: request.url, payload: request.payload })
    await t.app.http.inject({ method: 'POST', url: `/wecom/callback?msg_signature=a&timestamp=1`, payload: request.payload })
    const reasons = log.lines().filter((l) => l.msg === 'wecom callback refused').map((l) => l.reason)
    expect(reasons).toEqual(['signature', 'query: nonce is missing or repeated'])
  })
})

describe('createHttpServer rate-limit settings (what main.ts passes from QUNDESK_RATE_LIMIT_*)', () => {
  async function serverWith(rateLimit: HttpServerDeps['rateLimit']) {
    const { clock } = frozenClock()
    const work = await makeWorkdir()
    t = await startTestApp(work, { clock })
    const { app } = t
    const http = createHttpServer({
      logger: app.logger, clock, apiToken: TEST_TOKEN, suggestions: app.suggestions, learning: app.learning, calibration: createCalibrationJob({ db: app.db, clock, logger: app.logger, knowledge: () => app.knowledge, knowledgeDir: work.kbDir }), auth: app.auth,
      settings: createSettingsService({ db: app.db, clock }), quickReplies: createQuickReplyService({ db: app.db, clock }),
      reports: createReportService({ db: app.db, clock }), audit: createAuditService({ db: app.db }),
      knowledge: () => app.knowledge, members: app.directory, tagging: app.tagging, media: createMediaLibrary({ db: app.db, logger: app.logger }),
      health: (async () => ({ status: 'ok' })) as unknown as HttpServerDeps['health'],
      ...(rateLimit ? { rateLimit } : {}),
    })
    closers.push(() => http.close())
    await http.ready()
    return (n: number) => Promise.all(Array.from({ length: n }, () => http.inject({ url: '/api/suggestions', headers: { authorization: `Bearer ${TEST_TOKEN}` } }).then((r) => r.statusCode)))
  }

  it('applies the configured rate and burst', async () => {
    const call = await serverWith({ perSecond: 1, burst: 5 })
    expect(await call(6)).toEqual([200, 200, 200, 200, 200, 429])
  })

  it('defaults to 20 per second, burst 60, when main.ts passes nothing', async () => {
    const call = await serverWith(undefined)
    const seen = await call(61)
    expect(seen.filter((s) => s === 200)).toHaveLength(60)
    expect(seen.filter((s) => s === 429)).toHaveLength(1)
  })

  it('turns the limits off with 0 per second', async () => {
    const call = await serverWith({ perSecond: 0, burst: 1 })
    expect(new Set(await call(300))).toEqual(new Set([200]))
  })
})
