import { createHash } from 'node:crypto'
import { encrypt as wecomEncrypt, getSignature } from '@wecom/crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeChatServer, type FakeChatServer } from '../support/fake-chat-server.js'
import { fakeGroupChat, startFakeWecom, type FakeWecom } from '../support/fake-wecom-server.js'
import { captureLog } from '../support/wecom-test-kit.js'
import { login } from './console-session.js'
import { callApi, makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

/** A 43-character EncodingAESKey, as the WeCom admin console hands out. */
const aesKey = (seed: string) => createHash('sha256').update(seed).digest('base64').slice(0, 43)
const CONTENT_KEY = createHash('sha256').update('content key').digest('base64')
const OLD_CONTENT_KEY = createHash('sha256').update('old content key').digest('hex')
const DATABASE_PASSWORD = 'db-pass-K7v2Qx9Lm3Rt'
const withPassword = (url: string, password: string) => Object.assign(new URL(url), { password }).toString()

// Every secret QunDesk is configured with, each a distinctive value so that any copy of it in a log line is found.
const CONFIGURED = {
  QUNDESK_API_TOKEN: 'api-token-9f8e7d6c5b4a39281706',
  WECHATY_PUPPET_SERVICE_TOKEN: 'puppet_service-token-5c1d2e3f4a5b',
  QUNDESK_WECOM_SECRET: 'corp-secret-7Hq2Lm9Xp4Rt6Vw8',
  QUNDESK_WECOM_CALLBACK_TOKEN: 'cbTok3n-Q8zLm2Np',
  QUNDESK_WECOM_ENCODING_AES_KEY: aesKey('callback'),
  QUNDESK_WECOM_AIBOT_TOKEN: 'aiB0tTok3n-X9wV7',
  QUNDESK_WECOM_AIBOT_ENCODING_AES_KEY: aesKey('aibot'),
  QUNDESK_WECOM_WEBHOOK_KEY: 'webhook-key-0d9c8b7a-6f5e',
  QUNDESK_WECOM_JSAPI_TICKET: 'jsapi-ticket-HoAFfCtq1cA2',
  QUNDESK_WECOM_AGENT_TICKET: 'agent-ticket-LKJ98asdQWE7',
  QUNDESK_CONTENT_KEYS: `k2:${CONTENT_KEY},k1:${OLD_CONTENT_KEY}`,
  QUNDESK_LLM_API_KEY: 'sk-llm-key-3Fq8Zt1Wm6Yp0Hc5',
}
const CORP_ID = 'ww-secrets-test-corp'
const PASSWORD = '坐席密码-Secr3t-0123'
const WRONG_PASSWORD = 'wrong-Passw0rd-almost-right'
const WRONG_TOKEN = 'wrong-token-ABCDEFGH12345678'
const CHAT = 'wrSecretsTestChat000000000000AAAA'
const CUSTOMER = `wm-${CHAT}-1`

/**
 * The forms a secret could take in a log line: as is, URL-encoded, base64, base64url and hex of its bytes, and for
 * an EncodingAESKey the AES key it stands for (base64 of 32 bytes) in hex and base64.
 */
function secretForms(name: string, value: string): Array<{ what: string; text: string }> {
  const bytes = Buffer.from(value, 'utf8')
  const forms = [
    { what: name, text: value },
    { what: `${name} (URL-encoded)`, text: encodeURIComponent(value) },
    { what: `${name} (base64)`, text: bytes.toString('base64').replace(/=+$/, '') },
    { what: `${name} (base64url)`, text: bytes.toString('base64url') },
    { what: `${name} (hex)`, text: bytes.toString('hex') },
  ]
  if (name.endsWith('ENCODING_AES_KEY')) {
    const key = Buffer.from(`${value}=`, 'base64')
    forms.push({ what: `${name} (AES key, hex)`, text: key.toString('hex') }, { what: `${name} (AES key, base64url)`, text: key.toString('base64url') })
  }
  return forms
}

/** Each form of each secret found in the log, with the start of the line it is in. */
function findLeaks(lines: readonly string[], secrets: Record<string, string>): string[] {
  const leaks: string[] = []
  for (const [name, value] of Object.entries(secrets)) {
    for (const form of secretForms(name, value)) {
      const line = lines.find((l) => l.toLowerCase().includes(form.text.toLowerCase()))
      if (line) leaks.push(`${form.what} in: ${line.slice(0, 300)}`)
    }
  }
  return leaks
}

let t: TestApp | undefined
let wecom: FakeWecom | undefined
let llm: FakeChatServer | undefined
afterEach(async () => {
  await t?.stop()
  await wecom?.close()
  await llm?.close()
  t = undefined
  wecom = undefined
  llm = undefined
})

function signed(plaintext: string, token: string, key: string, receiveId: string) {
  const encrypt = wecomEncrypt(key, plaintext, receiveId)
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = String(Math.floor(Math.random() * 1e9))
  return { encrypt, query: new URLSearchParams({ msg_signature: getSignature(token, timestamp, nonce, encrypt), timestamp, nonce }) }
}
const appXml = (encrypt: string) => `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`
const joinEvent = (createTime: number) => `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[${CHAT}]]></ChatId><ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[add_member]]></UpdateDetail><JoinScene>3</JoinScene><MemChangeCnt>1</MemChangeCnt><MemChangeList><Item><![CDATA[${CUSTOMER}]]></Item></MemChangeList></xml>`
const aibotText = (msgid: string, text: string, responseUrl: string) => JSON.stringify({
  msgid, aibotid: 'aibot-1', chatid: CHAT, chattype: 'group', from: { userid: CUSTOMER }, response_url: responseUrl, msgtype: 'text', text: { content: text },
})

describe('secrets never reach the log', () => {
  it('finds a secret in any of its forms (the check itself can fail)', () => {
    const secrets = { QUNDESK_WECOM_ENCODING_AES_KEY: CONFIGURED.QUNDESK_WECOM_ENCODING_AES_KEY, PASSWORD }
    const key = Buffer.from(`${secrets.QUNDESK_WECOM_ENCODING_AES_KEY}=`, 'base64')
    expect(findLeaks(['{"msg":"nothing to see"}'], secrets)).toEqual([])
    for (const line of [
      `{"x":"${secrets.QUNDESK_WECOM_ENCODING_AES_KEY}"}`,
      `{"x":"${key.toString('hex').toUpperCase()}"}`,
      `{"x":"${Buffer.from(PASSWORD).toString('base64')}"}`,
      `{"url":"/login?p=${encodeURIComponent(PASSWORD)}"}`,
    ]) expect(findLeaks([line], secrets).length, line).toBeGreaterThan(0)
  })

  it('logs no secret at trace level through logins, API calls, WeCom callbacks, outbound WeCom calls and errors', async () => {
    wecom = await startFakeWecom({ corpId: CORP_ID, secret: CONFIGURED.QUNDESK_WECOM_SECRET, webhookKey: CONFIGURED.QUNDESK_WECOM_WEBHOOK_KEY })
    wecom.state.groups.push(fakeGroupChat(CHAT))
    // The AI drafter's server refuses the key (401): the key goes out in the header and is quoted nowhere.
    llm = await startFakeChatServer()
    llm.state.reply = { kind: 'status', status: 401, message: 'Incorrect API key provided' }
    const log = captureLog()
    const work = await makeWorkdir()
    // On PostgreSQL runs the database URL carries a password too (the test cluster trusts loopback, so any works).
    const databaseUrl = work.databaseUrl ? withPassword(work.databaseUrl, DATABASE_PASSWORD) : undefined
    t = await startTestApp(work, {
      logger: log.logger,
      env: {
        ...CONFIGURED,
        // The puppet-service token is configured, but the test's mock puppet stands in for the connection.
        WECHATY_PUPPET: 'wechaty-puppet-service',
        WECHATY_PUPPET_SERVICE_ENDPOINT: '127.0.0.1:9',
        QUNDESK_WECOM_CORP_ID: CORP_ID,
        QUNDESK_WECOM_AGENT_ID: '1000002',
        QUNDESK_WECOM_API_BASE: wecom.baseUrl,
        QUNDESK_LLM_URL: llm.baseUrl,
        QUNDESK_LLM_MODEL: 'qwen-test',
        ...(databaseUrl ? { QUNDESK_DATABASE_URL: databaseUrl } : {}),
      },
    })
    const base = t.app.url
    const api = (method: string, url: string, body?: unknown, token: string | null = CONFIGURED.QUNDESK_API_TOKEN) => callApi(base, method, url, body, token)

    // Logins: good, wrong password, unknown user; a session used, refused without CSRF, logged out, reused.
    await t.app.auth.addUser({ name: '小王', role: 'admin', password: PASSWORD, actor: 'test' })
    const good = await login(base, '小王', PASSWORD)
    expect(good.status).toBe(200)
    const session = good.session!
    expect((await login(base, '小王', WRONG_PASSWORD)).status).toBe(401)
    expect((await login(base, '没有这个人', PASSWORD)).status).toBe(401)
    expect((await session.call('GET', '/api/session')).status).toBe(200)
    expect((await session.call('PUT', '/api/settings', { aiDraftGroups: [CHAT] })).status).toBe(200)
    expect((await session.call('POST', '/api/suggestions/1/reject', {}, { csrf: null })).status).toBe(403)
    expect((await session.call('PATCH', '/api/users/1', { password: `${PASSWORD}-new` })).status).toBe(200)
    expect((await login(base, '小王', `${PASSWORD}-new`)).status).toBe(200)

    // API calls: the right token, a wrong one, a malformed header; the JS-SDK signatures use both tickets.
    expect((await api('GET', '/api/suggestions')).status).toBe(200)
    expect((await api('GET', '/api/suggestions', undefined, WRONG_TOKEN)).status).toBe(401)
    expect((await fetch(`${base}/api/health`, { headers: { authorization: `Basic ${Buffer.from(`x:${CONFIGURED.QUNDESK_API_TOKEN}`).toString('base64')}` } })).status).toBe(401)
    expect((await api('GET', `/api/wecom/jsapi-signature?url=${encodeURIComponent('https://qundesk.example/?from=wecom')}`)).status).toBe(200)
    expect((await api('POST', '/api/suggestions/999/send', { text: '你好' })).status).toBe(404)
    expect((await api('GET', '/api/suggestions?status=whatever')).status).toBe(400)

    // WeCom app callback: forged, then valid; groupchat/get fails (3 tries, error logged), then works.
    const forged = signed(joinEvent(1_700_000_001), 'forged-token', CONFIGURED.QUNDESK_WECOM_ENCODING_AES_KEY, CORP_ID)
    expect((await fetch(`${base}/wecom/callback?${forged.query}`, { method: 'POST', body: appXml(forged.encrypt) })).status).toBe(401)
    const echo = signed('echo-1234567', CONFIGURED.QUNDESK_WECOM_CALLBACK_TOKEN, CONFIGURED.QUNDESK_WECOM_ENCODING_AES_KEY, CORP_ID)
    expect(await (await fetch(`${base}/wecom/callback?${echo.query}&echostr=${encodeURIComponent(echo.encrypt)}`)).text()).toBe('echo-1234567')
    wecom.state.failNext(3, 'network', { path: '/cgi-bin/externalcontact/groupchat/get' })
    const first = signed(joinEvent(1_700_000_002), CONFIGURED.QUNDESK_WECOM_CALLBACK_TOKEN, CONFIGURED.QUNDESK_WECOM_ENCODING_AES_KEY, CORP_ID)
    expect((await fetch(`${base}/wecom/callback?${first.query}`, { method: 'POST', body: appXml(first.encrypt) })).status).toBe(200)
    await waitFor(async () => (await t!.app.db.selectFrom('wecom_callbacks').select('status').where('status', '=', 'failed').execute()).length === 1)
    wecom.state.expireTokens() // the next call gets 42001 and fetches a new token
    const second = signed(joinEvent(1_700_000_003), CONFIGURED.QUNDESK_WECOM_CALLBACK_TOKEN, CONFIGURED.QUNDESK_WECOM_ENCODING_AES_KEY, CORP_ID)
    expect((await fetch(`${base}/wecom/callback?${second.query}`, { method: 'POST', body: appXml(second.encrypt) })).status).toBe(200)
    await waitFor(async () => (await t!.app.members.member(CUSTOMER)).length === 1)

    // AI bot: forged, then a question that needs a human (the group robot tells the agents; its first try fails),
    // then one answered through the one-shot response_url.
    const aibotKey = CONFIGURED.QUNDESK_WECOM_AIBOT_ENCODING_AES_KEY
    const forgedBot = signed(aibotText('m0', '@客服助手 你好', wecom.state.responseUrl('r0')), 'forged-token', aibotKey, '')
    expect((await fetch(`${base}/wecom/aibot?${forgedBot.query}`, { method: 'POST', body: JSON.stringify({ encrypt: forgedBot.encrypt }) })).status).toBe(401)
    wecom.state.failNext(1, '500', { path: '/cgi-bin/webhook/send' })
    const human = signed(aibotText('m1', '@客服助手 转人工！你们这什么破服务', wecom.state.responseUrl('r1')), CONFIGURED.QUNDESK_WECOM_AIBOT_TOKEN, aibotKey, '')
    expect((await fetch(`${base}/wecom/aibot?${human.query}`, { method: 'POST', body: JSON.stringify({ encrypt: human.encrypt }) })).status).toBe(200)
    await waitFor(() => wecom!.state.webhookMessages.length > 0)
    const responseUrl = wecom.state.responseUrl('r2-one-shot-capability-code')
    const question = signed(aibotText('m2', '@客服助手 我的快递到哪了', responseUrl), CONFIGURED.QUNDESK_WECOM_AIBOT_TOKEN, aibotKey, '')
    expect((await fetch(`${base}/wecom/aibot?${question.query}`, { method: 'POST', body: JSON.stringify({ encrypt: question.encrypt }) })).status).toBe(200)
    const suggestion = await waitFor(async () => (await t!.app.suggestions.list()).find((s) => s.messageId === 'wecom-aibot:m2'))
    expect((await api('POST', `/api/suggestions/${suggestion.id}/send`, {})).status).toBe(200)
    await waitFor(() => wecom!.state.responsePosts.some((p) => p.accepted))
    // A question below the threshold in the opted-in group: the AI drafter asks and is refused.
    const unmatched = signed(aibotText('m3', '@客服助手 发票抬头开错了怎么办', wecom.state.responseUrl('r3')), CONFIGURED.QUNDESK_WECOM_AIBOT_TOKEN, aibotKey, '')
    expect((await fetch(`${base}/wecom/aibot?${unmatched.query}`, { method: 'POST', body: JSON.stringify({ encrypt: unmatched.encrypt }) })).status).toBe(200)
    await waitFor(async () => (await t!.app.db.selectFrom('ai_drafts').select('error').execute())[0]?.error === 'http_401')
    expect(llm.state.requests[0]!.authorization).toBe(`Bearer ${CONFIGURED.QUNDESK_LLM_API_KEY}`)

    // A session after logout, and the rate limit's refusal.
    expect((await session.call('DELETE', '/api/session')).status).toBe(401) // ended by the password change
    for (let i = 0; i < 70; i++) await api('GET', '/api/health', undefined, WRONG_TOKEN)

    await t.stop()
    t = undefined
    const lines = log.raw
    // The capture saw the flows (so an empty log cannot pass): startup, refusals, WeCom calls, failures.
    const messages = new Set(log.lines().map((l) => l.msg))
    for (const msg of ['QunDesk started', 'wecom callback refused', 'wecom callback stored', 'fetched a WeCom access token', 'WeCom request failed; retrying', 'processing a WeCom callback failed; it is kept with the error', 'AI drafter on (groups opt in under 用户与设置)']) {
      expect(messages, msg).toContain(msg)
    }
    expect(log.lines().some((l) => l.level === 10 || l.level === 20)).toBe(true)
    expect(log.lines().some((l) => String(l.msg).startsWith('AI draft failed: 语言模型服务拒绝了请求（HTTP 401'))).toBe(true)

    const cookieToken = session.cookie.split('=')[1]!
    const runtime = {
      CONSOLE_PASSWORD: PASSWORD,
      CONSOLE_NEW_PASSWORD: `${PASSWORD}-new`,
      WRONG_PASSWORD,
      WRONG_BEARER_TOKEN: WRONG_TOKEN,
      SESSION_COOKIE: cookieToken,
      CSRF_TOKEN: session.csrf,
      RESPONSE_URL_CODE: 'r2-one-shot-capability-code',
      CONTENT_KEY,
      OLD_CONTENT_KEY,
      ...(databaseUrl ? { DATABASE_PASSWORD } : {}),
      ...Object.fromEntries(wecom.state.issuedTokens.map((token, i) => [`WECOM_ACCESS_TOKEN_${i + 1}`, token])),
    }
    expect(wecom.state.issuedTokens.length).toBeGreaterThanOrEqual(2)
    expect(findLeaks(lines, { ...CONFIGURED, ...runtime })).toEqual([])
  })
})
