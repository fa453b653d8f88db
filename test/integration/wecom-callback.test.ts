import fs from 'node:fs'
import path from 'node:path'
import { encrypt as wecomEncrypt, getSignature } from '@wecom/crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.js'
import { createLogger } from '../../src/core/logger.js'
import { startQunDesk, type QunDesk } from '../../src/main.js'
import { createMockWorld, FIXTURES, makeWorkdir, startTestApp, testEnv, waitFor, type TestApp } from './test-context.js'

// WeCom's official WXBizMsgCrypt sample settings; the AI bot has its own token and key.
const TOKEN = 'QDG6eK'
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C'
const CORP_ID = 'wx5823bf96d3bd56c7'
const AIBOT_TOKEN = 'aibot-token-0123'
const AIBOT_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
const WECOM_ENV = {
  QUNDESK_WECOM_CALLBACK_TOKEN: TOKEN,
  QUNDESK_WECOM_ENCODING_AES_KEY: AES_KEY,
  QUNDESK_WECOM_CORP_ID: CORP_ID,
  QUNDESK_WECOM_AIBOT_TOKEN: AIBOT_TOKEN,
  QUNDESK_WECOM_AIBOT_ENCODING_AES_KEY: AIBOT_AES_KEY,
}
// An old timestamp on purpose: retries reuse theirs, so the server does not refuse old ones.
const TIMESTAMP = '1409659589'
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, 'wecom', name), 'utf8')

let t: TestApp | undefined
let own: QunDesk | undefined
afterEach(async () => {
  await t?.stop()
  await own?.stop()
  t = undefined
  own = undefined
})

interface Signed { query: string; encrypt: string }
/** Encrypts and signs like WeCom does, with @wecom/crypto directly (not our code) as the reference. */
function sign(plaintext: string, options: { token?: string; key?: string; receiveId?: string; nonce?: string } = {}): Signed {
  const encrypt = wecomEncrypt(options.key ?? AES_KEY, plaintext, options.receiveId ?? CORP_ID)
  const nonce = options.nonce ?? String(Math.floor(Math.random() * 1e9))
  const signature = getSignature(options.token ?? TOKEN, TIMESTAMP, nonce, encrypt)
  return { encrypt, query: new URLSearchParams({ msg_signature: signature, timestamp: TIMESTAMP, nonce }).toString() }
}
const outerXml = (encrypt: string) => `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`

async function post(url: string, body: string, contentType: string | undefined = 'text/xml') {
  const res = await fetch(`${t!.app.url}${url}`, { method: 'POST', body: contentType ? body : new Blob([body]), headers: contentType ? { 'content-type': contentType } : {} })
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') }
}
async function postApp(plaintext: string, options: Parameters<typeof sign>[1] = {}) {
  const signed = sign(plaintext, options)
  return post(`/wecom/callback?${signed.query}`, outerXml(signed.encrypt))
}
async function postAibot(plaintext: string, options: Parameters<typeof sign>[1] = {}) {
  const signed = sign(plaintext, { token: AIBOT_TOKEN, key: AIBOT_AES_KEY, receiveId: '', ...options })
  return post(`/wecom/aibot?${signed.query}`, JSON.stringify({ encrypt: signed.encrypt }), 'application/json')
}
const rows = () => t!.app.db.selectFrom('wecom_callbacks').selectAll().orderBy('id').execute()

describe('WeCom app callback (/wecom/callback)', () => {
  it('answers URL verification with the official sample values, as plain text', async () => {
    t = await startTestApp(await makeWorkdir(), { env: WECOM_ENV })
    const query = new URLSearchParams({
      msg_signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3', timestamp: '1409659589', nonce: '263014780',
      echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
    })
    const res = await fetch(`${t.app.url}/wecom/callback?${query}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await res.text()).toBe('1616140317555161061')
    // A '+' that arrived unencoded (read as a space) still verifies.
    const raw = await fetch(`${t.app.url}/wecom/callback?${query.toString().replaceAll('%2B', '+')}`)
    expect(await raw.text()).toBe('1616140317555161061')

    query.set('msg_signature', '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd4')
    expect((await fetch(`${t.app.url}/wecom/callback?${query}`)).status).toBe(401)
    query.delete('echostr')
    expect((await fetch(`${t.app.url}/wecom/callback?${query}`)).status).toBe(400)
    expect(await rows()).toEqual([])
  })

  it('stores a change_external_chat event once when WeCom delivers it three times, and notifies once', async () => {
    t = await startTestApp(await makeWorkdir(), { env: WECOM_ENV })
    const notified: Array<{ id: number; kind: string }> = []
    t.app.wecomInbox.subscribe((entry) => void notified.push(entry))
    const event = fixture('valid-change-external-chat-add-member.xml')
    for (let i = 0; i < 3; i++) {
      const res = await postApp(event) // fresh random bytes and nonce each time, like WeCom's retries
      expect(res).toEqual({ status: 200, text: 'success', type: expect.stringMatching(/^text\/plain/) })
    }
    const stored = await rows()
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({ kind: 'app', payload: event })
    expect(stored[0]!.dedupe_key).toMatch(/^event:sys:1403610513:change_external_chat:update:wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA:[0-9a-f]{16}$/)

    // A different event in the same second is a different delivery.
    const other = event.replace('wmOgQhDgAAnvEkx7rrIUZRLwQ4DnBBBB', 'wmOgQhDgAAzzzzzzzzzzzzzzzzzzCCCC')
    expect((await postApp(other)).status).toBe(200)
    expect((await postApp(fixture('valid-text-message.xml'))).status).toBe(200)
    expect((await rows()).map((r) => r.dedupe_key.split(':')[0])).toEqual(['event', 'event', 'msg'])
    await waitFor(() => notified.length === 3)
    await new Promise((r) => setTimeout(r, 50))
    expect(notified.map((n) => n.kind)).toEqual(['app', 'app', 'app'])
    expect(new Set(notified.map((n) => n.id)).size).toBe(3)
  })

  it('accepts application/xml, text/plain and a missing content type', async () => {
    t = await startTestApp(await makeWorkdir(), { env: WECOM_ENV })
    const types = ['application/xml; charset=utf-8', 'text/plain', undefined]
    for (const [i, type] of types.entries()) {
      const signed = sign(fixture('valid-change-external-chat-create.xml').replace('1403610600', String(1403610600 + i)))
      expect((await post(`/wecom/callback?${signed.query}`, outerXml(signed.encrypt), type)).status).toBe(200)
    }
    expect(await rows()).toHaveLength(3)
  })

  it.each<[string, number, () => { url: string; body: string }]>([
    ['a wrong signature', 401, () => { const s = sign(fixture('valid-change-external-chat-dismiss.xml'), { token: 'another-token' }); return { url: `/wecom/callback?${s.query}`, body: outerXml(s.encrypt) } }],
    ['a message encrypted for another corp', 401, () => { const s = sign(fixture('valid-change-external-chat-dismiss.xml'), { receiveId: 'wx0000000000000000' }); return { url: `/wecom/callback?${s.query}`, body: outerXml(s.encrypt) } }],
    ['another EncodingAESKey', 400, () => { const s = sign(fixture('valid-change-external-chat-dismiss.xml'), { key: AIBOT_AES_KEY }); return { url: `/wecom/callback?${s.query}`, body: outerXml(s.encrypt) } }],
    ['malformed outer XML', 400, () => { const s = sign(fixture('valid-change-external-chat-dismiss.xml')); return { url: `/wecom/callback?${s.query}`, body: outerXml(s.encrypt).replace('</Encrypt>', '') } }],
    ['a DOCTYPE entity bomb as the body', 400, () => ({ url: `/wecom/callback?${sign('x').query}`, body: fixture('evil-billion-laughs.xml') })],
    ['an external entity as the body', 400, () => ({ url: `/wecom/callback?${sign('x').query}`, body: fixture('evil-external-entity.xml') })],
    ['a signed entity bomb inside', 400, () => { const s = sign(fixture('evil-billion-laughs.xml')); return { url: `/wecom/callback?${s.query}`, body: outerXml(s.encrypt) } }],
    ['signed malformed XML inside', 400, () => { const s = sign(fixture('malformed-unclosed.xml')); return { url: `/wecom/callback?${s.query}`, body: outerXml(s.encrypt) } }],
    ['a signed event without ChatId', 400, () => { const s = sign(fixture('malformed-missing-chat-id.xml')); return { url: `/wecom/callback?${s.query}`, body: outerXml(s.encrypt) } }],
    ['no Encrypt element', 400, () => ({ url: `/wecom/callback?${sign('x').query}`, body: '<xml><ToUserName>x</ToUserName></xml>' })],
    ['an empty body', 400, () => ({ url: `/wecom/callback?${sign('x').query}`, body: '' })],
    ['no msg_signature', 400, () => { const s = sign(fixture('valid-change-external-chat-dismiss.xml')); return { url: `/wecom/callback?${s.query.replace(/msg_signature=[^&]*&/, '')}`, body: outerXml(s.encrypt) } }],
    ['a repeated nonce', 400, () => { const s = sign(fixture('valid-change-external-chat-dismiss.xml')); return { url: `/wecom/callback?${s.query}&nonce=1`, body: outerXml(s.encrypt) } }],
    ['a body over 64 KB', 413, () => { const s = sign(fixture('valid-change-external-chat-dismiss.xml')); return { url: `/wecom/callback?${s.query}`, body: outerXml(s.encrypt).replace('<AgentID>', `<Pad>${'x'.repeat(65 * 1024)}</Pad><AgentID>`) } }],
  ])('refuses %s with %i and stores nothing', async (_name, status, build) => {
    t ??= await startTestApp(await makeWorkdir(), { env: WECOM_ENV })
    const { url, body } = build()
    const res = await post(url, body)
    expect(res.status).toBe(status)
    expect(await rows()).toEqual([])
  })

  it('is not there when the callback is not configured (the sidebar routes are)', async () => {
    t = await startTestApp(await makeWorkdir(), { env: { QUNDESK_WECOM_CORP_ID: CORP_ID } })
    expect((await fetch(`${t.app.url}/wecom/callback?echostr=x`)).status).toBe(404)
    expect((await fetch(`${t.app.url}/wecom/aibot`, { method: 'POST', body: '{}' })).status).toBe(404)
    expect((await t.api('GET', '/api/wecom/config')).status).toBe(200)
  })
})

describe('WeCom AI bot callback (/wecom/aibot)', () => {
  it('answers URL verification with receive id ""', async () => {
    t = await startTestApp(await makeWorkdir(), { env: WECOM_ENV })
    const echo = sign('7204589917253210001', { token: AIBOT_TOKEN, key: AIBOT_AES_KEY, receiveId: '' })
    const res = await fetch(`${t.app.url}/wecom/aibot?${echo.query}&echostr=${encodeURIComponent(echo.encrypt)}`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('7204589917253210001')
    const forCorp = sign('7204589917253210001', { token: AIBOT_TOKEN, key: AIBOT_AES_KEY, receiveId: CORP_ID })
    expect((await fetch(`${t.app.url}/wecom/aibot?${forCorp.query}&echostr=${encodeURIComponent(forCorp.encrypt)}`)).status).toBe(401)
  })

  it('stores a message once, answers an empty 200, and keeps unsupported kinds too', async () => {
    t = await startTestApp(await makeWorkdir(), { env: WECOM_ENV })
    const notified: number[] = []
    t.app.wecomInbox.subscribe(({ id }) => void notified.push(id))
    const message = fixture('valid-aibot-text.json')
    for (let i = 0; i < 2; i++) expect(await postAibot(message)).toEqual({ status: 200, text: '', type: null })
    expect((await postAibot(fixture('valid-aibot-image.json'))).status).toBe(200)
    const stored = await rows()
    expect(stored.map((r) => [r.kind, r.dedupe_key, r.payload])).toEqual([
      ['aibot', 'aibot:CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=', message],
      ['aibot', 'aibot:CAIQz7/MjQYY/NGagIOAgAMgl8jK/gI=', fixture('valid-aibot-image.json')],
    ])
    await waitFor(() => notified.length === 2)
  })

  it.each<[string, number, () => Promise<{ status: number }>]>([
    ['a wrong signature', 401, () => postAibot(fixture('valid-aibot-text.json'), { token: TOKEN })],
    ['a message encrypted for the corp id', 401, () => postAibot(fixture('valid-aibot-text.json'), { receiveId: CORP_ID })],
    ['a message without its user id', 400, () => postAibot(fixture('malformed-aibot-no-userid.json'))],
    ['signed XML instead of JSON', 400, () => postAibot(fixture('valid-text-message.xml'))],
    ['a body that is not JSON', 400, () => post(`/wecom/aibot?${sign('x').query}`, '<xml/>', 'application/json')],
    ['JSON without encrypt', 400, () => post(`/wecom/aibot?${sign('x').query}`, '{"Encrypt":"abc"}', 'application/json')],
    ['an app-callback body', 400, () => post(`/wecom/aibot?${sign('x').query}`, outerXml('abc'), 'text/xml')],
  ])('refuses %s with %i and stores nothing', async (_name, status, send) => {
    t ??= await startTestApp(await makeWorkdir(), { env: WECOM_ENV })
    expect((await send()).status).toBe(status)
    expect(await rows()).toEqual([])
  })
})

describe('WeCom callback logs', () => {
  it('say what was stored and why a request was refused, without plaintext, ciphertext or token', async () => {
    const work = await makeWorkdir()
    const lines: string[] = []
    const world = createMockWorld()
    own = await startQunDesk(loadConfig(testEnv(work, WECOM_ENV)), { puppet: world.puppet, logger: createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } }) })
    const base = own.url
    const signed = sign(fixture('valid-text-message.xml'))
    expect((await fetch(`${base}/wecom/callback?${signed.query}`, { method: 'POST', body: outerXml(signed.encrypt) })).status).toBe(200)
    const forged = sign(fixture('valid-text-message.xml'), { token: 'forged-token' })
    expect((await fetch(`${base}/wecom/callback?${forged.query}`, { method: 'POST', body: outerXml(forged.encrypt) })).status).toBe(401)
    const wecomLines = lines.filter((l) => l.includes('"wecom"')).map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(wecomLines).toEqual([
      expect.objectContaining({ level: 30, msg: 'wecom callback stored', wecom: 'app', dedupeKey: 'msg:1234567890123456', duplicate: false }),
      expect.objectContaining({ level: 40, msg: 'wecom callback refused', wecom: 'app', reason: 'signature' }),
    ])
    const all = lines.join('\n')
    for (const secret of [signed.encrypt, forged.encrypt, '快递到哪了', TOKEN, AES_KEY, 'forged-token']) expect(all).not.toContain(secret)
  })
})
